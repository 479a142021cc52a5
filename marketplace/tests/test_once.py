"""{% once %}: the layout's visitor-independent parts are rendered once and reused."""

import pytest
from django.template import engines
from django.test import override_settings
from django.utils import translation


def render(source, **context):
    return engines["django"].from_string("{% load i18n pages %}" + source).render(context)


def test_each_language_gets_its_own_words():
    template = engines["django"].from_string(
        '{% load i18n pages %}{% once %}{% translate "Log in" %}{% endonce %}'
    )

    with translation.override("en"):
        english = template.render({})
    with translation.override("id"):
        indonesian = template.render({})
    with translation.override("en"):
        english_again = template.render({})

    assert (english, indonesian, english_again) == ("Log in", "Masuk", "Log in")


def test_the_visitor_and_the_page_never_reach_a_shared_part():
    template = engines["django"].from_string(
        "{% load pages %}{% once %}[{{ user.email }}|{{ q }}]{% endonce %}"
    )

    first = template.render({"user": {"email": "ani@example.com"}, "q": "<b>"})
    second = template.render({"user": {"email": "budi@example.com"}, "q": "x"})

    assert first == second == "[|]"


def test_site_settings_are_available_and_escaped():
    with override_settings(SITE_NAME="Warung <Kita>"):
        assert render("{% once %}{{ SITE_NAME }}{% endonce %}") == "Warung &lt;Kita&gt;"


def test_links_follow_overridden_settings():
    template = engines["django"].from_string(
        "{% load static pages %}{% once %}{% static 'css/site.css' %}{% endonce %}"
    )
    before = template.render({})

    with override_settings(
        STATIC_URL="/elsewhere/",
        STORAGES={"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    ):
        moved = template.render({})

    assert moved == "/elsewhere/css/site.css"
    assert before != moved


def test_content_is_rendered_once_then_reused(monkeypatch):
    template = engines["django"].from_string("{% load pages %}{% once %}{{ SITE_NAME }}{% endonce %}")
    calls = []
    node = template.template.nodelist[-1]
    original = node.nodelist.render
    monkeypatch.setattr(node.nodelist, "render", lambda context: calls.append(1) or original(context))

    for _ in range(3):
        template.render({})

    assert len(calls) == 1


@pytest.mark.django_db
def test_search_box_and_language_form_keep_the_request_parts(client):
    response = client.get("/cari/", {"q": '"><script>x</script>', "utm_source": "fb"})

    assert 'name="q" value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in response.text
    assert 'name="next" type="hidden" value="/cari/?q=' in response.text
    assert "utm_source" not in response.text.split('name="next"')[1].split(">")[0]
