"""Registered audit action names.

Like Wagtail's log action registry: every action written to the log has a
registered name and a human label, so a typo cannot create a new, unreviewed
kind of entry. Apps register their actions in ``AppConfig.ready()``, each
label lazily translated (``gettext_lazy``): the name is what the log stores,
the label what people read, in their language.
"""

from django.utils.translation import gettext_lazy as _

_ACTIONS: dict[str, str] = {}


def register_action(name: str, label: str) -> None:
    existing = _ACTIONS.get(name)
    if existing is not None and existing != label:
        raise ValueError(f"audit action {name!r} is already registered as {existing!r}")
    _ACTIONS[name] = label


def action_label(name: str) -> str:
    return _ACTIONS.get(name, name)


def is_registered(name: str) -> bool:
    return name in _ACTIONS


def registered_actions() -> dict[str, str]:
    return dict(sorted(_ACTIONS.items()))


def action_names_with_prefix(prefix: str) -> list[str]:
    """Every registered action of one family, e.g. ``release.`` (an index-friendly ``IN`` list)."""
    return sorted(name for name in _ACTIONS if name.startswith(prefix))


def action_families() -> list[str]:
    """The distinct prefixes before the first dot: ``auth``, ``release``, ``event``, ..."""
    return sorted({name.split(".", 1)[0] for name in _ACTIONS})


register_action("audit.verify_failed", _("Audit chain verification failed"))
register_action("audit.log_view", _("Opened the audit log"))
register_action("audit.export", _("Exported the audit log"))
register_action("audit.insider_list_view", _("Opened an insider list"))
register_action("audit.insider_list_export", _("Exported an insider list"))
register_action("audit.checkpoints_download", _("Downloaded the audit checkpoints or their public key"))
register_action("security.permission_denied", _("Permission denied"))
register_action("security.lockout", _("Locked out after failed sign-ins"))
register_action("retention.delete_refused", _("Deletion refused (retention)"))
