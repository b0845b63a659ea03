"""Registered audit action names.

Like Wagtail's log action registry: every action written to the log has a
registered name and a human label, so a typo cannot create a new, unreviewed
kind of entry. Apps register their actions in ``AppConfig.ready()``.
"""

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


register_action("audit.verify_failed", "Audit chain verification failed")
register_action("security.permission_denied", "Permission denied")
