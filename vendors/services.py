"""Writes for shops: onboarding, verification, members."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.services import refresh_search_vectors
from marketplace import emails, notifications
from marketplace.pagecache import storefront_changed, visitor_changed
from vendors.models import BankAccount, Shop, ShopInvitation, ShopMember, ShopStatusEvent

Status = Shop.Status

RESERVED_SLUGS = {
    "admin", "dashboard", "accounts", "akun", "api", "static", "media", "toko", "cari", "kategori",
    "komunitas", "expo", "keranjang", "checkout", "pesanan", "notifikasi", "healthz", "baru", "i18n",
    # Fixed addresses under /dashboard/ that a shop's own dashboard would otherwise hide.
    "buka-toko", "undangan", "wilayah",
}  # fmt: skip

# The onboarding form's steps; Shop.onboarding_step is the one to continue at.
ONBOARDING_PROFILE, ONBOARDING_ADDRESS, ONBOARDING_LEGAL, ONBOARDING_REVIEW = 1, 2, 3, 4

# Statuses in which the shop's address (slug) may still change: nobody has shared it yet.
SLUG_EDITABLE = {Status.DRAFT, Status.REJECTED}

# The verification life cycle: (from, to) -> does the move need a written reason?
ALLOWED_MOVES = {
    (Status.DRAFT, Status.PENDING): False,
    (Status.REJECTED, Status.PENDING): False,
    (Status.PENDING, Status.APPROVED): False,
    (Status.PENDING, Status.REJECTED): True,
    (Status.APPROVED, Status.SUSPENDED): True,
    (Status.SUSPENDED, Status.APPROVED): False,
}

STATUS_MESSAGES = {
    Status.PENDING: gettext_lazy("Your shop %(shop)s was submitted for verification"),
    Status.APPROVED: gettext_lazy("Your shop %(shop)s is approved and open to buyers"),
    Status.REJECTED: gettext_lazy("Your shop %(shop)s was not approved"),
    Status.SUSPENDED: gettext_lazy("Your shop %(shop)s is suspended"),
}


class StatusChangeError(ValidationError):
    pass


def unique_shop_slug(name, *, wanted="", shop=None):
    """A free slug from `wanted` or the name; a taken one gets -2, -3, ...

    `shop` is the shop asking for a new address: its own current one counts as free.
    """
    base = slugify(wanted or name)[:70].strip("-")
    if not base:
        raise ValidationError(_("Choose a shop address with letters or digits."), code="empty_slug")
    if base in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved; choose another address.") % {"slug": base}, code="reserved"
        )
    slug, n = base, 1
    taken = Shop.objects.exclude(pk=shop.pk) if shop else Shop.objects.all()
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def start_shop(*, owner, name, slug="", categories=(), **details) -> Shop:
    """Create a draft shop with `owner` as its owner; the first onboarding step."""
    shop = Shop.objects.create(name=name.strip(), slug=unique_shop_slug(name, wanted=slug), **details)
    shop.categories.set(categories)
    ShopMember.objects.create(shop=shop, user=owner, role=ShopMember.Role.OWNER)
    visitor_changed(user_id=owner.pk)
    return shop


def _advance_onboarding(shop, completed_step):
    """Remember how far the owner got, so a draft resumes at the next unfinished step."""
    if completed_step is not None:
        shop.onboarding_step = max(shop.onboarding_step, completed_step + 1)


@transaction.atomic
def update_profile(*, shop, slug=None, categories=None, completed_step=None, **details) -> Shop:
    """Change what buyers read about the shop; its address only while it is not yet public."""
    renamed = "name" in details and details["name"].strip() != shop.name
    for field, value in details.items():
        setattr(shop, field, value)
    if "name" in details:
        shop.name = shop.name.strip()
    new_slug = unique_shop_slug(shop.name, wanted=slug, shop=shop) if slug is not None else shop.slug
    if new_slug != shop.slug:
        # Read under a lock: dinas staff may have approved the shop since the form was shown.
        status = Shop.objects.select_for_update().values_list("status", flat=True).get(pk=shop.pk)
        if status not in SLUG_EDITABLE:
            raise ValidationError(
                _("The shop address cannot change once the shop was submitted; links may be shared."),
                code="slug_locked",
            )
        shop.slug = new_slug
    _advance_onboarding(shop, completed_step)
    # Only the fields written here: the status belongs to change_status alone.
    shop.save(update_fields=[*details, "name", "slug", "onboarding_step", "updated_at"])
    if categories is not None:
        shop.categories.set(categories)
    if renamed:
        refresh_search_vectors(shop_id=shop.pk)  # its products are found by the shop's name
    storefront_changed()
    return shop


@transaction.atomic
def save_address(*, shop, street_address, district, postal_code="", completed_step=None) -> Shop:
    shop.street_address, shop.district, shop.postal_code = street_address.strip(), district, postal_code
    _advance_onboarding(shop, completed_step)
    shop.save(update_fields=["street_address", "district", "postal_code", "onboarding_step", "updated_at"])
    storefront_changed()
    return shop


@transaction.atomic
def save_legal_details(
    *, shop, nib="", identity_document=None, bank, account_number, holder_name, completed_step=None
) -> Shop:
    """NIB, the owner's KTP photo (kept when none is uploaded) and the shop's first bank account."""
    account = shop.bank_accounts.first()
    details = {"bank": bank.strip(), "account_number": account_number, "holder_name": holder_name.strip()}
    # Refuse before the photo is written to storage, where a rollback cannot reach it.
    _ensure_new_bank_account(shop, details["bank"], account_number, exclude=account.pk if account else None)
    shop.nib = nib
    if identity_document:
        shop.identity_document = identity_document
    _advance_onboarding(shop, completed_step)
    shop.save(update_fields=["nib", "identity_document", "onboarding_step", "updated_at"])
    if account is None:
        BankAccount.objects.create(shop=shop, **details)
    else:
        BankAccount.objects.filter(pk=account.pk).update(**details)
    return shop


# --- Bank accounts and shipping -----------------------------------------------------------


def _ensure_new_bank_account(shop, bank, account_number, exclude=None):
    others = shop.bank_accounts.exclude(pk=exclude)
    if others.filter(bank__iexact=bank, account_number=account_number).exists():
        raise ValidationError(
            _("This account is already listed for the shop."), code="duplicate_bank_account"
        )


@transaction.atomic
def add_bank_account(*, shop, bank, account_number, holder_name) -> BankAccount:
    bank = bank.strip()
    _ensure_new_bank_account(shop, bank, account_number)
    return BankAccount.objects.create(
        shop=shop, bank=bank, account_number=account_number, holder_name=holder_name.strip()
    )


def remove_bank_account(*, account):
    account.delete()


def verify_bank_accounts(*, accounts, staff) -> int:
    """Dinas staff checked these accounts belong to their shops: they may receive payouts.

    Accounts verified before keep their first verifier and time (the audit trail).
    """
    return accounts.filter(verified_at__isnull=True).update(verified_at=timezone.now(), verified_by=staff)


def withdraw_bank_account_verification(*, accounts) -> int:
    return accounts.filter(verified_at__isnull=False).update(verified_at=None, verified_by=None)


def update_shipping(*, shop, pickup_enabled, cod_enabled) -> Shop:
    shop.pickup_enabled, shop.cod_enabled = pickup_enabled, cod_enabled
    shop.save(update_fields=["pickup_enabled", "cod_enabled", "updated_at"])
    storefront_changed()
    return shop


def change_status(*, shop, to, actor, reason=""):
    """The one way a shop's verification status changes: checked, recorded, notified."""
    reason = (reason or "").strip()
    with transaction.atomic():
        shop = Shop.objects.select_for_update().get(pk=shop.pk)
        move = (shop.status, to)
        if move not in ALLOWED_MOVES:
            raise StatusChangeError(
                _("A shop that is “%(from)s” cannot become “%(to)s”.")
                % {"from": shop.get_status_display(), "to": Status(to).label},
                code="illegal_move",
            )
        if ALLOWED_MOVES[move] and not reason:
            raise StatusChangeError(
                _("Write the reason; the shop owner will read it."), code="reason_required"
            )
        ShopStatusEvent.objects.create(
            shop=shop, from_status=shop.status, to_status=to, actor=actor, reason=reason
        )
        now = timezone.now()
        shop.status, shop.status_reason = to, reason
        if to == Status.PENDING:
            shop.submitted_at = now
        if to == Status.APPROVED and shop.approved_at is None:
            shop.approved_at = now
        shop.save(update_fields=["status", "status_reason", "submitted_at", "approved_at", "updated_at"])
        notify_owners(shop, STATUS_MESSAGES[to], reason, params={"shop": shop.name})
    storefront_changed()
    return shop


def notify_owners(shop, title, body="", params=None):
    """Verification and team changes go to the shop's owners, in each one's language."""
    url = reverse("vendors:dashboard", args=[shop.slug])
    notifications.notify_shop(
        shop=shop, roles=notifications.OWNERS, title=title, body=body, url=url, params=params
    )


def submit_for_verification(*, shop, actor):
    missing = missing_for_submission(shop)
    if missing:
        raise StatusChangeError(
            _("Complete these first: %(fields)s.") % {"fields": ", ".join(str(m) for m in missing)},
            code="incomplete",
        )
    return change_status(shop=shop, to=Status.PENDING, actor=actor)


def missing_for_submission(shop):
    """What a shop still lacks before dinas staff can verify it."""
    required = {
        "name": _("shop name"),
        "whatsapp": _("WhatsApp number"),
        "street_address": _("street address"),
        "district_id": _("district"),
        # The dinas checks the owner against the KTP; buyers who pay by transfer need an account.
        "identity_document": _("photo of the owner's identity card (KTP)"),
    }
    missing = [label for field, label in required.items() if not getattr(shop, field)]
    if not shop.bank_accounts.exists():
        missing.append(_("a bank account"))
    return missing


def approve(*, shop, actor):
    return change_status(shop=shop, to=Status.APPROVED, actor=actor)


def reject(*, shop, actor, reason):
    return change_status(shop=shop, to=Status.REJECTED, actor=actor, reason=reason)


def suspend(*, shop, actor, reason):
    return change_status(shop=shop, to=Status.SUSPENDED, actor=actor, reason=reason)


def reinstate(*, shop, actor, reason=""):
    return change_status(shop=shop, to=Status.APPROVED, actor=actor, reason=reason)


# --- Members ----------------------------------------------------------------------------


@transaction.atomic
def invite_staff(*, shop, email, invited_by) -> ShopInvitation:
    """E-mail a link that makes the recipient a staff member of `shop` once accepted."""
    email = email.strip().lower()
    check_may_invite(shop=shop, invited_by=invited_by)
    if shop.members.filter(user__email__iexact=email).exists():
        raise ValidationError(
            _("%(email)s is already a member of this shop.") % {"email": email}, code="member"
        )
    invitation = ShopInvitation.objects.create(
        shop=shop, email=email, token=secrets.token_urlsafe(32), invited_by=invited_by
    )
    link = reverse("vendors:accept_invitation", args=[invitation.token])
    emails.send_later(
        to=[email],
        # The subject is ours alone: a shop name in it would let anybody write the first line
        # of a mail from the platform to any address.
        subject=_("An invitation to help run a shop on %(site)s") % {"site": settings.SITE_NAME},
        body=_(
            "%(inviter)s invites you to manage products and orders of %(shop)s on %(site)s.\n\n"
            "Accept the invitation: %(link)s\n\nLog in or sign up with this e-mail address first."
        )
        % {
            "inviter": invited_by,
            "shop": shop.name,
            "site": settings.SITE_NAME,
            "link": settings.SITE_URL + link,
        },
    )
    return invitation


def check_may_invite(*, shop, invited_by):
    """Invitations send mail to any address, so only approved shops send them, a few a day."""
    if shop.status != Shop.Status.APPROVED:
        raise ValidationError(
            _("A shop can invite staff once the dinas has approved it."), code="not_approved"
        )
    since = timezone.now() - timedelta(days=1)
    recent = ShopInvitation.objects.filter(created_at__gte=since)
    if recent.filter(shop=shop).count() >= settings.INVITATIONS_PER_SHOP_PER_DAY:
        raise ValidationError(
            _("This shop has sent %(limit)s invitations today, the most allowed. Try again tomorrow.")
            % {"limit": settings.INVITATIONS_PER_SHOP_PER_DAY},
            code="too_many_invitations",
        )
    if recent.filter(invited_by=invited_by).count() >= settings.INVITATIONS_PER_USER_PER_DAY:
        raise ValidationError(
            _("You have sent %(limit)s invitations today, the most allowed. Try again tomorrow.")
            % {"limit": settings.INVITATIONS_PER_USER_PER_DAY},
            code="too_many_invitations",
        )


@transaction.atomic
def accept_invitation(*, token, user) -> ShopMember:
    invitation = (
        ShopInvitation.objects.select_for_update()
        .filter(token=token, accepted_at__isnull=True, cancelled_at__isnull=True)
        .first()
    )
    if invitation is None:
        raise ValidationError(_("This invitation is not valid any more."), code="invalid_invitation")
    if invitation.email != user.email.lower():
        raise ValidationError(
            _("This invitation was sent to %(email)s; log in with that address to accept it.")
            % {"email": invitation.email},
            code="wrong_user",
        )
    member, _created = ShopMember.objects.get_or_create(
        shop=invitation.shop, user=user, defaults={"role": ShopMember.Role.STAFF}
    )
    visitor_changed(user_id=user.pk)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    notify_owners(
        invitation.shop,
        gettext_lazy("%(user)s joined %(shop)s as staff"),
        params={"user": str(user), "shop": invitation.shop.name},
    )
    return member


def cancel_invitation(*, invitation):
    """Withdraw an invitation not yet accepted: its link stops working."""
    ShopInvitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        cancelled_at=timezone.now()
    )


@transaction.atomic
def remove_member(*, member, actor):
    if member.is_owner:
        raise ValidationError(_("The owner cannot be removed."), code="owner")
    member.delete()
    visitor_changed(user_id=member.user_id)


def record_whatsapp_share(*, shop):
    """Remember the first time the team shared the shop's link (a step of the new shop's checklist)."""
    Shop.objects.filter(pk=shop.pk, shared_on_whatsapp_at__isnull=True).update(
        shared_on_whatsapp_at=timezone.now()
    )


def whatsapp_share_url(shop):
    """wa.me without a number: WhatsApp asks whom to send the shop's link to."""
    from urllib.parse import quote

    link = f"{settings.SITE_URL}{reverse('vendors:shop', args=[shop.slug])}"
    text = _("Visit my shop %(shop)s on %(site)s: %(link)s") % {
        "shop": shop.name,
        "site": settings.SITE_NAME,
        "link": link,
    }
    return f"https://wa.me/?text={quote(text)}"
