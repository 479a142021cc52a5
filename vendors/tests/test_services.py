"""The verification life cycle and the members of a shop, as the services enforce them."""

import pytest
from django.core.exceptions import ValidationError

from conftest import make_user
from marketplace.models import Notification
from vendors import services
from vendors.models import Shop, ShopInvitation, ShopMember, ShopStatusEvent
from vendors.tests.conftest import make_shop

pytestmark = pytest.mark.django_db

S = Shop.Status


@pytest.fixture
def shop(shop_a_owner, district):
    return make_shop(shop_a_owner, "Keripik Bu Sri", district=district, status=S.DRAFT, bank_account=True)


def put(shop, status):
    Shop.objects.filter(pk=shop.pk).update(status=status)
    shop.refresh_from_db()
    return shop


@pytest.mark.parametrize(
    ("start", "to", "reason"),
    [
        (S.DRAFT, S.PENDING, ""),
        (S.REJECTED, S.PENDING, ""),
        (S.PENDING, S.APPROVED, ""),
        (S.PENDING, S.REJECTED, "Foto KTP buram"),
        (S.APPROVED, S.SUSPENDED, "Menjual barang terlarang"),
        (S.SUSPENDED, S.APPROVED, ""),
    ],
)
def test_allowed_moves_change_the_status_and_are_recorded(start, to, reason, shop, moderator):
    put(shop, start)

    services.change_status(shop=shop, to=to, actor=moderator, reason=reason)

    shop.refresh_from_db()
    event = ShopStatusEvent.objects.get(shop=shop)
    assert (shop.status, shop.status_reason) == (to, reason)
    assert (event.from_status, event.to_status, event.actor, event.reason) == (start, to, moderator, reason)


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (S.DRAFT, S.APPROVED),
        (S.DRAFT, S.REJECTED),
        (S.PENDING, S.SUSPENDED),
        (S.REJECTED, S.APPROVED),
        (S.APPROVED, S.PENDING),
        (S.SUSPENDED, S.PENDING),
        (S.APPROVED, S.APPROVED),
    ],
)
def test_illegal_moves_are_refused_and_leave_no_trace(start, to, shop, moderator):
    put(shop, start)

    with pytest.raises(ValidationError) as refusal:
        services.change_status(shop=shop, to=to, actor=moderator, reason="alasan")

    assert refusal.value.code == "illegal_move"
    shop.refresh_from_db()
    assert shop.status == start
    assert not ShopStatusEvent.objects.exists()


@pytest.mark.parametrize(("start", "move"), [(S.PENDING, services.reject), (S.APPROVED, services.suspend)])
def test_rejecting_and_suspending_need_a_written_reason(start, move, shop, moderator):
    put(shop, start)

    with pytest.raises(ValidationError) as refusal:
        move(shop=shop, actor=moderator, reason="   ")

    assert refusal.value.code == "reason_required"
    shop.refresh_from_db()
    assert shop.status == start


def test_approval_records_when_the_shop_first_opened(shop, moderator):
    put(shop, S.PENDING)

    services.approve(shop=shop, actor=moderator)
    first = Shop.objects.get(pk=shop.pk).approved_at
    services.suspend(shop=shop, actor=moderator, reason="Cek ulang")
    services.reinstate(shop=shop, actor=moderator)

    assert first is not None
    assert Shop.objects.get(pk=shop.pk).approved_at == first


def test_the_owner_is_told_of_a_rejection_in_app_and_by_email(
    shop, shop_a_owner, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    put(shop, S.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        services.reject(shop=shop, actor=moderator, reason="Foto KTP buram")

    notification = Notification.objects.get(user=shop_a_owner)
    assert notification.title == "Toko Anda Keripik Bu Sri tidak disetujui"
    assert notification.body == "Foto KTP buram"
    assert notification.url == f"/dashboard/{shop.slug}/"
    assert [m.to for m in mailoutbox] == [[shop_a_owner.email]]
    assert "Foto KTP buram" in mailoutbox[0].body


def test_staff_members_are_not_sent_verification_news(
    shop, shop_a_owner, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    staff = make_user("dewi@example.com")
    ShopMember.objects.create(shop=shop, user=staff, role=ShopMember.Role.STAFF)
    put(shop, S.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        services.approve(shop=shop, actor=moderator)

    assert [m.to for m in mailoutbox] == [[shop_a_owner.email]]
    assert not Notification.objects.filter(user=staff).exists()


def test_an_incomplete_shop_cannot_be_submitted(shop_a_owner):
    shop = services.start_shop(owner=shop_a_owner, name="Toko Belum Lengkap")

    with pytest.raises(ValidationError) as refusal:
        services.submit_for_verification(shop=shop, actor=shop_a_owner)

    assert refusal.value.code == "incomplete"
    assert refusal.value.messages == [
        "Lengkapi dulu: Nomor WhatsApp, alamat jalan, kecamatan, foto KTP pemilik, rekening bank."
    ]
    assert Shop.objects.get(pk=shop.pk).status == S.DRAFT


def test_the_address_of_a_submitted_shop_cannot_change(shop, shop_a_owner):
    services.submit_for_verification(shop=shop, actor=shop_a_owner)

    with pytest.raises(ValidationError) as refusal:
        services.update_profile(shop=shop, slug="nama-baru")

    assert refusal.value.code == "slug_locked"


def test_a_draft_may_take_another_free_address(shop, shop_b_owner, district):
    make_shop(shop_b_owner, "Nama Baru", district=district)

    services.update_profile(shop=shop, slug="Nama Baru")

    assert Shop.objects.get(pk=shop.pk).slug == "nama-baru-2"


@pytest.mark.parametrize("typed", ["", "keripik-bu-sri", "Keripik Bu Sri"])
def test_saving_a_draft_again_keeps_its_own_address(typed, shop):
    services.update_profile(shop=shop, slug=typed, description="Lebih pedas")

    assert Shop.objects.get(pk=shop.pk).slug == "keripik-bu-sri"


def test_onboarding_progress_only_moves_forward(shop):
    services.save_address(shop=shop, street_address="Jl. A", district=shop.district, completed_step=2)
    services.update_profile(shop=shop, description="x", completed_step=1)

    assert Shop.objects.get(pk=shop.pk).onboarding_step == 3


# --- Members ----------------------------------------------------------------------------


def test_an_invitation_is_mailed_with_its_link(
    shop_a, shop_a_owner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_staff(shop=shop_a, email=" Dewi@Example.com ", invited_by=shop_a_owner)

    assert invitation.email == "dewi@example.com"
    assert mailoutbox[0].to == ["dewi@example.com"]
    assert f"/dashboard/undangan/{invitation.token}/" in mailoutbox[0].body


def test_a_member_cannot_be_invited_again(shop_a, shop_a_owner):
    with pytest.raises(ValidationError) as refusal:
        services.invite_staff(shop=shop_a, email=shop_a_owner.email, invited_by=shop_a_owner)

    assert refusal.value.code == "member"


def test_accepting_makes_the_invitee_staff_and_tells_the_owner(shop_a, shop_a_owner):
    invitation = services.invite_staff(shop=shop_a, email="dewi@example.com", invited_by=shop_a_owner)
    dewi = make_user("dewi@example.com", first_name="Dewi")

    member = services.accept_invitation(token=invitation.token, user=dewi)

    assert (member.shop, member.role) == (shop_a, ShopMember.Role.STAFF)
    assert ShopInvitation.objects.get(pk=invitation.pk).accepted_at is not None
    assert (
        Notification.objects.get(user=shop_a_owner).title
        == "Dewi bergabung dengan Keripik Bu Sri sebagai staf"
    )


def test_an_invitation_works_only_for_its_address_and_only_once(shop_a, shop_a_owner, buyer):
    invitation = services.invite_staff(shop=shop_a, email="dewi@example.com", invited_by=shop_a_owner)

    with pytest.raises(ValidationError) as wrong_user:
        services.accept_invitation(token=invitation.token, user=buyer)
    services.accept_invitation(token=invitation.token, user=make_user("dewi@example.com"))
    with pytest.raises(ValidationError) as used:
        services.accept_invitation(token=invitation.token, user=make_user("lain@example.com"))

    assert (wrong_user.value.code, used.value.code) == ("wrong_user", "invalid_invitation")
    assert not shop_a.members.filter(user=buyer).exists()


def test_the_owner_cannot_be_removed(shop, shop_a_owner):
    with pytest.raises(ValidationError):
        services.remove_member(member=shop.members.get(user=shop_a_owner), actor=shop_a_owner)


def test_the_legal_step_edits_the_first_bank_account_in_place(shop):
    first = shop.bank_accounts.get()

    services.save_legal_details(shop=shop, bank="BNI", account_number="5550001", holder_name="Sri W")

    assert list(shop.bank_accounts.values_list("pk", "bank", "account_number")) == [
        (first.pk, "BNI", "5550001")
    ]


def test_the_legal_step_refuses_a_second_copy_of_another_account(shop):
    services.add_bank_account(shop=shop, bank="BNI", account_number="5550001", holder_name="Sri")

    with pytest.raises(ValidationError) as refusal:
        services.save_legal_details(shop=shop, bank="bni", account_number="5550001", holder_name="Sri")

    assert refusal.value.code == "duplicate_bank_account"
