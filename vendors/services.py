"""Writes for shops: onboarding, verification, members."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace import emails
from marketplace.notifications import notify
from vendors.models import Shop, ShopInvitation, ShopMember, ShopStatusEvent

Status = Shop.Status

RESERVED_SLUGS = {
    "admin", "dashboard", "accounts", "akun", "api", "static", "media", "toko", "cari", "kategori",
    "komunitas", "expo", "keranjang", "checkout", "pesanan", "notifikasi", "healthz", "baru", "i18n",
}  # fmt: skip

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


def unique_shop_slug(name, *, wanted=""):
    """A free slug from `wanted` or the name; a taken one gets -2, -3, ..."""
    base = slugify(wanted or name)[:70].strip("-")
    if not base:
        raise ValidationError(_("Choose a shop address with letters or digits."), code="empty_slug")
    if base in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved; choose another address.") % {"slug": base}, code="reserved"
        )
    slug, n = base, 1
    while Shop.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def start_shop(*, owner, name, slug="", **details) -> Shop:
    """Create a draft shop with `owner` as its owner; the first onboarding step."""
    shop = Shop.objects.create(name=name.strip(), slug=unique_shop_slug(name, wanted=slug), **details)
    ShopMember.objects.create(shop=shop, user=owner, role=ShopMember.Role.OWNER)
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
        notify_owners(shop, STATUS_MESSAGES[to] % {"shop": shop.name}, reason)
    return shop


def notify_owners(shop, title, body=""):
    url = reverse("vendors:dashboard", args=[shop.slug])
    for member in shop.members.filter(role=ShopMember.Role.OWNER).select_related("user"):
        notify(user=member.user, title=str(title), body=body, url=url)


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
    }
    return [label for field, label in required.items() if not getattr(shop, field)]


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
        subject=_("%(shop)s invites you to help run the shop") % {"shop": shop.name},
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


@transaction.atomic
def accept_invitation(*, token, user) -> ShopMember:
    invitation = (
        ShopInvitation.objects.select_for_update().filter(token=token, accepted_at__isnull=True).first()
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
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    notify_owners(
        invitation.shop, _("%(user)s joined %(shop)s as staff") % {"user": user, "shop": invitation.shop}
    )
    return member


@transaction.atomic
def remove_member(*, member, actor):
    if member.is_owner:
        raise ValidationError(_("The owner cannot be removed."), code="owner")
    member.delete()
