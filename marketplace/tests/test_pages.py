import pytest


@pytest.mark.django_db
def test_home_page_is_indonesian_by_default_with_account_links(client, django_assert_max_num_queries):
    # Categories, newest products and their photos, best sellers and their photos, new shops.
    with django_assert_max_num_queries(6):
        response = client.get("/")

    assert response.status_code == 200
    assert '<html lang="id">' in response.text
    assert "Warung Online" in response.text
    assert 'href="/accounts/login/"' in response.text
    assert 'href="/accounts/signup/"' in response.text


@pytest.mark.django_db
def test_language_switch_shows_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)

    assert '<html lang="en">' in response.text
    assert "Log in" in response.text


@pytest.mark.django_db
def test_logged_in_header_offers_account_and_log_out(client, buyer, password):
    client.login(email=buyer.email, password=password)

    response = client.get("/")

    assert 'action="/accounts/logout/"' in response.text
    assert 'href="/accounts/signup/"' not in response.text
