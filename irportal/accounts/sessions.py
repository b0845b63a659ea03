"""A user's active sessions: recorded at sign-in, touched at most once a minute, ended on request.

Ending a session deletes its row in Django's session table, so the browser
holding it is signed out on its next request, wherever it is. A user has
at most ``SESSION_LIMIT`` sessions: signing in once more ends the least
recently used. Ending a user's sessions "everywhere else" (``end_all``:
sign out other sessions, a password change, a change of factors, a
deactivation, an IR Admin's reset) sends ``sessions_ended``, on which the
apps end what else works without signing in (the private calendar address).
"""

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from irportal.accounts.models import UserSession
from irportal.audit.context import current_context
from irportal.audit.services import audit_record

# Sent by ``end_all`` inside its transaction, with ``actor``, ``user`` and ``reason``.
sessions_ended = Signal()

STARTED_AT = "session_started_at"
SEEN_AT = "session_seen_at"
TOUCH_EVERY = timedelta(minutes=1)


def started(request, user) -> None:
    """At sign-in: stamp the session and record where it was opened."""
    now = timezone.now()
    request.session[STARTED_AT] = now.isoformat()
    request.session[SEEN_AT] = now.isoformat()
    if request.session.session_key is None:
        request.session.save()
    context = current_context()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"user": user, "ip": context.ip, "user_agent": context.user_agent, "last_seen": now},
    )
    _keep_within_limit(user, request.session.session_key)


def _keep_within_limit(user, current: str) -> None:
    """End the user's least recently used sessions beyond ``SESSION_LIMIT`` (this one is kept)."""
    rows = list(active_for(user).exclude(session_key=current).order_by("-last_seen")[settings.SESSION_LIMIT - 1 :])
    for row in rows:
        _end(user, [row.session_key])
        audit_record(
            action="auth.session_end",
            actor=user,
            obj=user,
            data={"session": row.pk, "ip": row.ip, "device": device_label(row.user_agent), "reason": "session limit"},
        )


def touch(request, now: datetime) -> None:
    """Note this request as the session's last use, at most once a minute."""
    seen = request.session.get(SEEN_AT)
    if seen and now - datetime.fromisoformat(seen) < TOUCH_EVERY:
        return
    request.session[SEEN_AT] = now.isoformat()
    key = request.session.session_key
    if key and not UserSession.objects.filter(session_key=key).update(last_seen=now):
        context = current_context()
        UserSession.objects.create(
            session_key=key, user=request.user, ip=context.ip, user_agent=context.user_agent, last_seen=now
        )


def active_for(user):
    """The user's sessions that can still be used, most recently used first."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=user, session_key__in=live)


def is_current(request, session_id) -> bool:
    return UserSession.objects.filter(pk=session_id, session_key=request.session.session_key).exists()


def _end(user, keys: list[str]) -> int:
    Session.objects.filter(session_key__in=keys).delete()
    return UserSession.objects.filter(user=user, session_key__in=keys).delete()[0]


@transaction.atomic
def end_session(*, actor, user, session_id: int) -> bool:
    row = UserSession.objects.filter(user=user, pk=session_id).first()
    if row is None:
        return False
    _end(user, [row.session_key])
    audit_record(
        action="auth.session_end",
        actor=actor,
        obj=user,
        data={"session": row.pk, "ip": row.ip, "device": device_label(row.user_agent)},
    )
    return True


@transaction.atomic
def end_all(*, actor, user, keep: str | None = None, reason: str) -> int:
    """End every session of ``user`` but ``keep`` (a session key); one audit entry says how many and why."""
    keys = list(
        UserSession.objects.filter(user=user).exclude(session_key=keep or "").values_list("session_key", flat=True)
    )
    ended = _end(user, keys)
    audit_record(
        action="auth.sessions_end_all",
        actor=actor,
        obj=user,
        data={"ended": ended, "kept_current": keep is not None, "reason": reason},
    )
    sessions_ended.send(sender=__name__, actor=actor, user=user, reason=reason)
    return ended


_BROWSERS = [
    ("Edge", r"Edg(?:e|A|iOS)?/"),
    ("Opera", r"OPR/"),
    ("Firefox", r"Firefox/|FxiOS/"),
    ("Chrome", r"Chrome/|CriOS/|Chromium/"),
    ("Safari", r"Safari/"),
]
_SYSTEMS = [
    ("iOS", r"iPhone|iPad|iPod"),
    ("Android", r"Android"),
    ("Windows", r"Windows"),
    ("macOS", r"Mac OS X|Macintosh"),
    ("ChromeOS", r"CrOS"),
    ("Linux", r"Linux|X11"),
]


def device_label(user_agent: str) -> str:
    """A person's name for the browser and system in a User-Agent, e.g. "Firefox on Windows" (lazily translated)."""
    browser = next((name for name, pattern in _BROWSERS if re.search(pattern, user_agent)), "")
    system = next((name for name, pattern in _SYSTEMS if re.search(pattern, user_agent)), "")
    if browser and system:
        return format_lazy(_("{browser} on {system}"), browser=browser, system=system)
    return browser or system or _("Unknown browser")


def rekeyed(old_key: str | None, new_key: str | None) -> None:
    """Django gave the session a new key (password change): keep its row."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)
