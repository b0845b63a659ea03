"""The scheduler sweep: every due change of state, found in the database and made once.

Beat runs it every 30 seconds (``irportal.workflow.tasks.sweep``);
``python manage.py sweep`` runs one now. Apps register their parts
(releases: publish due; events: publish due, replay publication and expiry).
Each part claims its rows with conditional UPDATEs, so a sweep that runs
twice, or on two workers at once, changes nothing the second time.
"""

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

_PARTS: dict[str, Callable[[datetime], list]] = {}


def register(name: str, part: Callable[[datetime], list]) -> None:
    _PARTS[name] = part


def run_sweep(now: datetime | None = None) -> dict[str, list]:
    now = now or timezone.now()
    return {name: part(now) for name, part in sorted(_PARTS.items())}
