"""The owner's members page and the invitation link, through the web."""

import pytest
from django.urls import reverse

from conftest import make_user
from vendors import services
from vendors.models import ShopMember

pytestmark = pytest.mark.django_db


def test_the_owner_invites_staff_by_email(
    login, shop_a_owner, shop_a, mailoutbox, django_capture_on_commit_callbacks
):
    client = login(shop_a_owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("vendors:members", args=[shop_a.slug]), {"email": "dewi@example.com"})
    page = client.get(response.url)

    assert "Undangan dikirim ke dewi@example.com." in page.text
    assert "dewi@example.com" in page.text
    assert mailoutbox[0].to == ["dewi@example.com"]


def test_inviting_an_existing_member_says_so_on_the_form(login, shop_a_owner, shop_a, shop_a_staff):
    response = login(shop_a_owner).post(
        reverse("vendors:members", args=[shop_a.slug]), {"email": shop_a_staff.email}
    )

    assert "dewi@example.com sudah menjadi anggota toko ini." in response.text


def test_the_owner_removes_a_staff_member(login, shop_a_owner, shop_a, shop_a_staff):
    member = shop_a.members.get(user=shop_a_staff)

    login(shop_a_owner).post(reverse("vendors:remove_member", args=[shop_a.slug, member.pk]))

    assert not ShopMember.objects.filter(pk=member.pk).exists()


def test_the_owner_cannot_remove_themselves(login, shop_a_owner, shop_a):
    owner = shop_a.members.get(user=shop_a_owner)

    response = login(shop_a_owner).post(
        reverse("vendors:remove_member", args=[shop_a.slug, owner.pk]), follow=True
    )

    assert "Pemilik tidak bisa dihapus." in response.text
    assert ShopMember.objects.filter(pk=owner.pk).exists()


def test_an_anonymous_invitee_is_offered_to_log_in_or_sign_up(client, shop_a_owner, shop_a):
    invitation = services.invite_staff(shop=shop_a, email="dewi@example.com", invited_by=shop_a_owner)
    url = reverse("vendors:accept_invitation", args=[invitation.token])

    response = client.get(url)

    assert "dewi@example.com" in response.text
    assert f'href="/accounts/signup/?next={url}"' in response.text
    assert f'href="/accounts/login/?next={url}"' in response.text


def test_the_invitee_accepts_and_lands_on_the_shop_dashboard(login, shop_a_owner, shop_a):
    invitation = services.invite_staff(shop=shop_a, email="dewi@example.com", invited_by=shop_a_owner)
    client = login(make_user("dewi@example.com"))

    response = client.post(reverse("vendors:accept_invitation", args=[invitation.token]))

    assert response.url == reverse("vendors:dashboard", args=[shop_a.slug])
    assert client.get(response.url).status_code == 200


def test_someone_else_cannot_use_the_invitation(login, buyer, shop_a_owner, shop_a):
    invitation = services.invite_staff(shop=shop_a, email="dewi@example.com", invited_by=shop_a_owner)

    response = login(buyer).post(reverse("vendors:accept_invitation", args=[invitation.token]), follow=True)

    assert "Undangan ini dikirim ke dewi@example.com" in response.text
    assert not shop_a.members.filter(user=buyer).exists()


def test_an_unknown_invitation_is_404(client, db):
    assert client.get(reverse("vendors:accept_invitation", args=["nope"])).status_code == 404


def test_the_owner_manages_bank_accounts_and_shipping(login, shop_a_owner, shop_a, district):
    client = login(shop_a_owner)

    client.post(
        reverse("vendors:bank_accounts", args=[shop_a.slug]),
        {"bank": "BJB", "account_number": "0012 3456 789", "holder_name": "Sri"},
    )
    client.post(
        reverse("vendors:shipping", args=[shop_a.slug]),
        {"cod_enabled": "on", "save_options": ""},
    )

    shop_a.refresh_from_db()
    assert shop_a.bank_accounts.get().account_number == "00123456789"
    assert (shop_a.pickup_enabled, shop_a.cod_enabled) == (False, True)
    page = client.get(reverse("vendors:shipping", args=[shop_a.slug]))
    # Couriers, areas and tariffs live on the courier settings pages.
    assert reverse("shipping:couriers", args=[shop_a.slug]) in page.text


def test_staff_edit_the_shop_settings(login, shop_a_staff, shop_a):
    response = login(shop_a_staff).post(
        reverse("vendors:settings", args=[shop_a.slug]),
        {"name": "Keripik Bu Sri Asli", "whatsapp": "0812 3456 7890", "description": "Baru"},
    )

    shop_a.refresh_from_db()
    assert response.status_code == 302
    assert (shop_a.name, shop_a.description, shop_a.slug) == ("Keripik Bu Sri Asli", "Baru", "keripik-bu-sri")


def test_the_owner_withdraws_an_invitation_and_its_link_stops_working(client, login, shop_a_owner, shop_a):
    invitation = services.invite_staff(shop=shop_a, email="dewi@example.com", invited_by=shop_a_owner)

    login(shop_a_owner).post(reverse("vendors:cancel_invitation", args=[shop_a.slug, invitation.pk]))

    assert client.get(reverse("vendors:accept_invitation", args=[invitation.token])).status_code == 404
