"""Who may open which dashboard page: the issue's security requirements, URL by URL."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from conftest import make_user
from vendors.models import BankAccount, ShopInvitation, ShopMember
from vendors.tests.conftest import photo
from vendors.urls import urlpatterns

# Every URL of one shop's dashboard, found from the URL configuration so that new views
# are covered the day they are added.
SHOP_URL_NAMES = [p.name for p in urlpatterns if "<slug:shop_slug>" in str(p.pattern)]
OWNER_ONLY = [
    "members",
    "remove_member",
    "cancel_invitation",
    "bank_accounts",
    "remove_bank_account",
    "onboarding",
    "onboarding_profile",
    "onboarding_address",
    "onboarding_legal",
    "onboarding_review",
    "identity_document",
]


def dashboard_url(name, shop):
    """The URL `name` of `shop`, with ids of that shop's own member, account and rate."""
    kwargs = {"shop_slug": shop.slug}
    pattern = str(next(p.pattern for p in urlpatterns if p.name == name))
    if "<int:member_id>" in pattern:
        kwargs["member_id"] = shop.members.get(role=ShopMember.Role.STAFF).pk
    if "<int:account_id>" in pattern:
        kwargs["account_id"] = shop.bank_accounts.get().pk
    if "<int:invitation_id>" in pattern:
        kwargs["invitation_id"] = shop.invitations.get().pk
    return reverse(f"vendors:{name}", kwargs=kwargs)


@pytest.fixture
def shop_b_furnished(shop_b, district):
    """Shop B with a staff member, a bank account and a KTP photo."""
    ShopMember.objects.create(shop=shop_b, user=make_user("rina@example.com"), role=ShopMember.Role.STAFF)
    BankAccount.objects.create(shop=shop_b, bank="BRI", account_number="0123456789", holder_name="Agus")
    ShopInvitation.objects.create(shop=shop_b, email="tamu@example.com", token="token-b")
    shop_b.identity_document.save("ktp.png", photo("ktp.png"))
    return shop_b


def test_the_dashboard_has_the_urls_this_file_protects():
    assert {"dashboard", "settings", "members", "bank_accounts", "shipping", "identity_document"} <= set(
        SHOP_URL_NAMES
    )
    assert set(OWNER_ONLY) <= set(SHOP_URL_NAMES)


@pytest.mark.parametrize("name", SHOP_URL_NAMES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_member_of_shop_a_gets_404_on_every_dashboard_url_of_shop_b(
    name, method, login, shop_a_owner, shop_a, shop_b_furnished
):
    client = login(shop_a_owner)

    response = getattr(client, method)(dashboard_url(name, shop_b_furnished), {"email": "x@example.com"})

    assert response.status_code == 404


@pytest.mark.parametrize("name", SHOP_URL_NAMES)
def test_anonymous_visitors_are_sent_to_log_in(name, client, shop_b_furnished):
    url = dashboard_url(name, shop_b_furnished)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", SHOP_URL_NAMES)
def test_a_buyer_without_a_shop_cannot_reach_a_shop_dashboard(name, login, buyer, shop_b_furnished):
    response = login(buyer).get(dashboard_url(name, shop_b_furnished))

    assert response.status_code == 404


@pytest.mark.parametrize("name", OWNER_ONLY)
def test_staff_get_403_on_owner_only_pages(name, login, shop_b_furnished):
    staff = shop_b_furnished.members.get(role=ShopMember.Role.STAFF).user

    response = login(staff).get(dashboard_url(name, shop_b_furnished))

    assert response.status_code == 403


@pytest.mark.parametrize("name", ["dashboard", "settings", "shipping"])
def test_staff_may_use_the_overview_settings_and_shipping(name, login, shop_a, shop_a_staff):
    response = login(shop_a_staff).get(reverse(f"vendors:{name}", args=[shop_a.slug]))

    assert response.status_code == 200


def test_staff_cannot_add_or_remove_bank_accounts(login, shop_b_furnished):
    staff = shop_b_furnished.members.get(role=ShopMember.Role.STAFF).user
    account = shop_b_furnished.bank_accounts.get()
    client = login(staff)

    added = client.post(
        reverse("vendors:bank_accounts", args=[shop_b_furnished.slug]),
        {"bank": "BNI", "account_number": "999999999", "holder_name": "Rina"},
    )
    removed = client.post(reverse("vendors:remove_bank_account", args=[shop_b_furnished.slug, account.pk]))

    assert (added.status_code, removed.status_code) == (403, 403)
    assert list(shop_b_furnished.bank_accounts.all()) == [account]


def test_staff_cannot_invite_or_remove_members(login, shop_b_furnished):
    staff_member = shop_b_furnished.members.get(role=ShopMember.Role.STAFF)
    client = login(staff_member.user)

    invited = client.post(
        reverse("vendors:members", args=[shop_b_furnished.slug]), {"email": "x@example.com"}
    )
    removed = client.post(reverse("vendors:remove_member", args=[shop_b_furnished.slug, staff_member.pk]))
    invitation = shop_b_furnished.invitations.get()
    withdrawn = client.post(reverse("vendors:cancel_invitation", args=[shop_b_furnished.slug, invitation.pk]))

    assert (invited.status_code, removed.status_code, withdrawn.status_code) == (403, 403, 403)
    assert shop_b_furnished.members.count() == 2
    assert list(shop_b_furnished.invitations.all()) == [invitation]


def test_an_owner_cannot_remove_another_shops_member_through_their_own_shop(
    login, shop_a_owner, shop_a, shop_b_furnished
):
    member_of_b = shop_b_furnished.members.get(role=ShopMember.Role.STAFF)

    response = login(shop_a_owner).post(reverse("vendors:remove_member", args=[shop_a.slug, member_of_b.pk]))

    assert response.status_code == 404
    assert ShopMember.objects.filter(pk=member_of_b.pk).exists()


def test_an_owner_cannot_remove_another_shops_bank_account_through_their_own_shop(
    login, shop_a_owner, shop_a, shop_b_furnished
):
    client = login(shop_a_owner)
    account = shop_b_furnished.bank_accounts.get()

    response = client.post(reverse("vendors:remove_bank_account", args=[shop_a.slug, account.pk]))

    assert response.status_code == 404
    assert BankAccount.objects.filter(pk=account.pk).exists()


# --- The owner's identity card -------------------------------------------------------------


def test_the_owner_sees_the_ktp_photo_never_cached(login, shop_b_owner, shop_b_furnished):
    response = login(shop_b_owner).get(reverse("vendors:identity_document", args=[shop_b_furnished.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_dinas_staff_with_the_view_permission_see_the_ktp_photo(login, moderator, shop_b_furnished):
    moderator.user_permissions.add(Permission.objects.get(codename="view_shop"))

    response = login(moderator).get(reverse("vendors:identity_document", args=[shop_b_furnished.slug]))

    assert response.status_code == 200


@pytest.mark.parametrize("who", ["buyer", "moderator", "shop_a_owner"])
def test_others_cannot_fetch_the_ktp_photo(who, request, login, shop_a, shop_b_furnished):
    user = request.getfixturevalue(who)  # a moderator without the permission is like anyone else

    response = login(user).get(reverse("vendors:identity_document", args=[shop_b_furnished.slug]))

    assert response.status_code == 404


def test_the_ktp_photo_is_not_stored_under_public_media(settings, shop_b_furnished):
    path = shop_b_furnished.identity_document.path

    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))


def test_an_uploaded_ktp_is_served_by_its_content_type_whatever_its_name(login, shop_a_owner, shop_a):
    client = login(shop_a_owner)
    client.post(
        reverse("vendors:onboarding_legal", args=[shop_a.slug]),
        {
            "identity_document": photo("ktp_sri_wahyuni.html"),
            "bank": "BRI",
            "account_number": "123456789",
            "holder_name": "Sri",
        },
    )

    shop_a.refresh_from_db()
    response = client.get(reverse("vendors:identity_document", args=[shop_a.slug]))

    assert shop_a.identity_document.name.endswith(".png")
    assert "sri" not in shop_a.identity_document.name
    assert response["Content-Type"] == "image/png"
