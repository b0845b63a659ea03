"""Demo content: what ``seed_demo`` made for the fictional company, and its removal before go-live.

Every row ``seed_demo`` writes is marked (``is_demo`` on releases, events,
documents, contacts, boilerplates and analysts; ``DemoAccount`` for the demo
sign-ins; the provider ``demo`` on share prices). Each app registers its demo
content here from its ``AppConfig.ready()``: how many rows are left and how
to remove them (in the caller's transaction, files deleted after the commit).
Apps whose items can be published register how to find the company's own
items that were public: once there is one, the demo content stays (its
removal would change what readers may already have seen next to them).

``demo_content_remove`` is the one action: an IR Admin, confirmed with a
fresh second factor, removes all of it in one transaction, audited with what
was removed; a refusal is audited with its reason. Audit entries about the
demo content stay: records stay records.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from company.models import CompanyProfile, DemoAccount
from irportal.accounts import mfa, sessions, stepup
from irportal.audit.exceptions import RetentionRefused
from irportal.audit.services import audit_record

# What seed_demo writes into the profile: a profile still naming this company is the demo's.
DEMO_PROFILE = {
    "legal_name": "Halvorsen Instruments, Inc.",
    "short_name": "Halvorsen",
    "exchange": "Nasdaq",
    "ticker": "HLVI",
    "home_time_zone": "America/Phoenix",
    "website": "www.halvorsen-instruments.example",
    "lead_description": "a maker of precision calibration and measurement systems",
    "dateline_city": "Tempe",
    "dateline_region": "Ariz.",
    "investor_section_name": "Investors",
    "translations": {
        "fr": {
            "lead_description": "un fabricant de systèmes d'étalonnage et de mesure de précision",
            "investor_section_name": "Investisseurs",
        }
    },
    "newswire": "globenewswire",
    "default_replay_days": 7,
}


@dataclass(frozen=True)
class DemoContent:
    name: str
    label: str  # plural, for "3 releases"
    count: Callable[[], int]
    # Deletes every demo row of this content in the caller's transaction; answers how many went.
    remove: Callable[[], int]
    # Removed in order: what refers to other demo content first (documents before their release).
    order: int = 50


_CONTENT: dict[str, DemoContent] = {}
# Each answers a few of the company's own items that were public (labels for the refusal), or none.
_OWN_PUBLISHED: dict[str, Callable[[], list[str]]] = {}
# Each answers a few of the company's own things that refer to demo content without a foreign key (a package
# of its own holding a demo release), or none.
_REFERENCES: dict[str, Callable[[], list[str]]] = {}


def register(content: DemoContent) -> None:
    _CONTENT[content.name] = content


def register_own_published(name: str, find: Callable[[], list[str]]) -> None:
    _OWN_PUBLISHED[name] = find


def register_reference(name: str, find: Callable[[], list[str]]) -> None:
    _REFERENCES[name] = find


def contents() -> list[DemoContent]:
    return sorted(_CONTENT.values(), key=lambda content: (content.order, content.name))


def remaining() -> list[tuple[DemoContent, int]]:
    """The demo content still here, with how many rows of each (one query per kind of content)."""
    counted = [(content, content.count()) for content in contents()]
    return [(content, count) for content, count in counted if count]


def own_published() -> list[str]:
    return [label for find in _OWN_PUBLISHED.values() for label in find()]


def is_demo_profile(profile: CompanyProfile) -> bool:
    return profile.legal_name == DEMO_PROFILE["legal_name"] and profile.ticker == DEMO_PROFILE["ticker"]


def delete_with_files(queryset: models.QuerySet) -> int:
    """Delete the rows and, once the transaction commits, the files their file fields name."""
    file_fields = [field.name for field in queryset.model._meta.fields if isinstance(field, models.FileField)]
    stored = []
    for row in queryset:
        stored += [getattr(row, name) for name in file_fields if getattr(row, name)]
    deleted = queryset.delete()[1].get(queryset.model._meta.label, 0)
    for file in stored:
        transaction.on_commit(lambda file=file: file.storage.delete(file.name), robust=True)
    return deleted


def demo_rows(
    model: type[models.Model], label: str, *, order: int, through: Iterable[tuple[type, str]] = ()
) -> DemoContent:
    """The demo content that is rows of ``model`` marked ``is_demo``, removed after what ``through`` names
    (each model with its field naming the row, e.g. a boilerplate's versions)."""

    def rows() -> models.QuerySet:
        return model.objects.filter(is_demo=True)

    def remove() -> int:
        for related, field in through:
            delete_with_files(related.objects.filter(**{f"{field}__in": rows()}))
        return delete_with_files(rows())

    return DemoContent(model._meta.label_lower, label, lambda: rows().count(), remove, order)


def demo_logins_path() -> Path:
    """Where ``seed_demo`` writes the demo sign-ins for ``make run`` to print."""
    return settings.VAR_DIR / "demo-logins.txt"


def demo_users_count() -> int:
    return DemoAccount.objects.count()


def demo_users_remove() -> int:
    """The demo sign-ins: deleted, or switched off (no roles, no password, no factor) where something of the
    company's own still names one of them (e.g. a draft it wrote with a demo sign-in)."""
    users = get_user_model().objects.filter(demo_account__isnull=False)
    removed = 0
    for user in users:
        try:
            with transaction.atomic():
                user.delete()
        except ProtectedError:
            sessions.end_all(actor=None, user=user, reason="demo content removed")
            mfa.remove_all_devices(user)
            user.groups.clear()
            user.set_unusable_password()
            user.is_active = False
            user.save(update_fields=["password", "is_active"])
            DemoAccount.objects.filter(user=user).delete()
        removed += 1
    # make run prints this file at every start: it would name sign-ins that are gone.
    transaction.on_commit(lambda: demo_logins_path().unlink(missing_ok=True), robust=True)
    return removed


class DemoRemovalRefused(Exception):
    """The demo content was not removed; the message says why, for an IR Admin: in the console's language on the
    page, in the primary language in the audit log."""


def _refusal(actor) -> str:
    if DemoAccount.objects.filter(user=actor).exists():
        return _("Sign in with your own IR Admin account: the demo's sign-ins are removed with the demo content.")
    published = own_published()
    if published:
        return format_lazy(
            _(
                "The demo content can only be removed before go-live: the company's own content has been "
                "published ({published}). Readers may have seen it next to the demo content, so nothing was removed."
            ),
            published="; ".join(published),
        )
    if not remaining():
        return _("There is no demo content left to remove.")
    referring = [label for find in _REFERENCES.values() for label in find()]
    if referring:
        return _still_referred(", ".join(referring))
    return ""


def _still_referred(what: str) -> str:
    return format_lazy(
        _("Something of the company's own still refers to the demo content ({what}); nothing was removed."), what=what
    )


def demo_content_remove(*, actor, step_up: dict | None) -> dict[str, int]:
    """Remove every demo row in one transaction, audited; ``DemoRemovalRefused`` (audited too) says why not."""
    evidence = stepup.require_or_deny(actor, step_up, action="remove the demo content")
    try:
        with transaction.atomic():
            CompanyProfile.objects.select_for_update().filter(pk=CompanyProfile.SINGLETON_PK).first()
            reason = _refusal(actor)
            if reason:
                raise DemoRemovalRefused(reason)
            removed = {content.name: content.remove() for content in contents()}
            audit_record(
                action="company.demo_remove",
                actor=actor,
                object_label="Demo content",
                data={"removed": removed, "step_up": evidence},
            )
    except (ProtectedError, RetentionRefused) as error:
        reason = _still_referred(_what(error))
        _record_refusal(actor, reason)
        raise DemoRemovalRefused(reason) from None
    except DemoRemovalRefused as refused:
        _record_refusal(actor, refused.args[0])
        raise
    return removed


def _what(error: Exception) -> str:
    if isinstance(error, ProtectedError):
        return ", ".join(sorted({str(row)[:80] for row in list(error.protected_objects)[:3]}))
    return str(error)


def _record_refusal(actor, reason) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        written = str(reason)
    audit_record(
        action="company.demo_remove_refused", actor=actor, object_label="Demo content", data={"reason": written}
    )
