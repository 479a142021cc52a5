"""Staff invitations send mail to any address: only approved shops, a few a day, our subject."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import make_user
from vendors import services
from vendors.models import Shop, ShopInvitation
from vendors.tests.conftest import make_shop

pytestmark = pytest.mark.django_db


def invite(shop, owner, n):
    return services.invite_staff(shop=shop, email=f"calon{n}@example.com", invited_by=owner)


@pytest.mark.parametrize("status", [Shop.Status.DRAFT, Shop.Status.PENDING, Shop.Status.SUSPENDED])
def test_a_shop_not_approved_cannot_invite(shop_a, shop_a_owner, status):
    Shop.objects.filter(pk=shop_a.pk).update(status=status)
    shop_a.refresh_from_db()

    with pytest.raises(ValidationError) as refusal:
        invite(shop_a, shop_a_owner, 1)

    assert refusal.value.code == "not_approved"
    assert not ShopInvitation.objects.exists()


def test_a_shop_sends_at_most_its_daily_number_of_invitations(settings, shop_a, shop_a_owner, mailoutbox):
    settings.INVITATIONS_PER_SHOP_PER_DAY = 3
    for n in range(3):
        invite(shop_a, shop_a_owner, n)

    with pytest.raises(ValidationError) as refusal:
        invite(shop_a, shop_a_owner, 4)

    assert refusal.value.code == "too_many_invitations"
    assert ShopInvitation.objects.count() == 3


def test_withdrawing_an_invitation_does_not_give_the_day_back(settings, login, shop_a, shop_a_owner, client):
    settings.INVITATIONS_PER_SHOP_PER_DAY = 2
    owner = login(shop_a_owner)
    for n in range(2):
        invitation = invite(shop_a, shop_a_owner, n)
        owner.post(reverse("vendors:cancel_invitation", args=[shop_a.slug, invitation.pk]))

    with pytest.raises(ValidationError):
        invite(shop_a, shop_a_owner, 3)
    assert client.get(reverse("vendors:accept_invitation", args=[invitation.token])).status_code == 404


def test_one_person_is_capped_across_all_their_shops(settings, shop_a, shop_a_owner, district):
    settings.INVITATIONS_PER_SHOP_PER_DAY = 10
    settings.INVITATIONS_PER_USER_PER_DAY = 3
    second_shop = make_shop(shop_a_owner, "Kopi Bu Sri", district=district)
    invite(shop_a, shop_a_owner, 1)
    invite(shop_a, shop_a_owner, 2)
    invite(second_shop, shop_a_owner, 3)

    with pytest.raises(ValidationError) as refusal:
        invite(second_shop, shop_a_owner, 4)

    assert refusal.value.code == "too_many_invitations"


def test_the_limit_is_a_clear_message_on_the_members_page(settings, login, shop_a, shop_a_owner):
    settings.INVITATIONS_PER_SHOP_PER_DAY = 1
    invite(shop_a, shop_a_owner, 1)

    response = login(shop_a_owner).post(
        reverse("vendors:members", args=[shop_a.slug]), {"email": "calon9@example.com"}
    )

    assert response.status_code == 200
    assert "1 undangan hari ini" in response.text
    assert 'value="calon9@example.com"' in response.text


def test_the_subject_carries_no_text_a_user_typed(
    shop_a, shop_a_owner, mailoutbox, django_capture_on_commit_callbacks
):
    Shop.objects.filter(pk=shop_a.pk).update(name="MENANG HADIAH 100 JUTA klik bit.ly/x")
    shop_a.refresh_from_db()
    shop_a_owner.first_name = "Transfer sekarang"
    shop_a_owner.save()

    with django_capture_on_commit_callbacks(execute=True):
        invite(shop_a, shop_a_owner, 1)

    assert mailoutbox[0].subject.endswith("Undangan untuk ikut mengelola toko di Warung Online")
    assert "HADIAH" not in mailoutbox[0].subject and "Transfer" not in mailoutbox[0].subject


def test_an_approved_shop_still_invites(shop_a, shop_a_owner):
    assert invite(shop_a, shop_a_owner, 1).shop == shop_a


def test_invitations_from_another_day_do_not_count(settings, shop_a, shop_a_owner):
    settings.INVITATIONS_PER_SHOP_PER_DAY = 1
    from datetime import timedelta

    from django.utils import timezone

    old = invite(shop_a, shop_a_owner, 1)
    ShopInvitation.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))

    assert invite(shop_a, shop_a_owner, 2)


def test_a_newcomer_without_a_shop_has_nothing_to_invite_with(client, password):
    stranger = make_user("orang@example.com")
    client.login(email=stranger.email, password=password)

    assert client.post("/dashboard/toko-lain/anggota/", {"email": "x@example.com"}).status_code == 404
