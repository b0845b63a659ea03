"""Staff sessions: timeouts, the session list, and the second factor in front of every staff page."""

from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

from irportal.accounts import mfa, sessions
from irportal.audit.services import audit_record

# Sign-out (and a session's timeout) tells the browser to drop what it holds of this site: cached pages (a
# preview, a draft, an export) and its storage. Cookies are left to the sign-out itself: Clear-Site-Data's
# "cookies" would clear every cookie of the registrable domain, the company's other sites' included.
CLEAR_SITE_DATA = '"cache", "storage"'

# The console and the compliance pages; the public site needs no second factor.
GUARDED_PREFIXES = ("/staff/", "/compliance/")
# When the staff host is a host of its own: what only it answers (the staff pages, the private calendar
# feeds), and what both answer (the static files pages load, health and metrics).
STAFF_ONLY_PREFIXES = (*GUARDED_PREFIXES, "/feeds/calendar/")
SHARED_PREFIXES = ("/static/", "/healthz", "/readyz", "/metrics")


class StaffHostMiddleware:
    """With ``STAFF_SITE_URL``: the staff console and compliance answer only on the staff host, and the staff
    host answers nothing else (404 either way).

    The console then has an origin of its own: a page of the public site, whatever it held, runs in another
    origin than the console's and cannot read it, and the session and CSRF cookies (``__Host-``, for one
    host) are never sent to the public host.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if settings.STAFF_HOST and not path.startswith(SHARED_PREFIXES):
            on_staff_host = request.get_host().lower() == settings.STAFF_HOST
            if on_staff_host and path == "/":
                return redirect("accounts:console")
            if on_staff_host != path.startswith(STAFF_ONLY_PREFIXES):
                raise Http404("Not on this host")
        return self.get_response(request)


class StaffNoStoreMiddleware:
    """Nothing the console or the compliance pages answer is kept by a browser or a proxy.

    Drafts, previews, staff downloads of unpublished files and the audit log are embargoed or personal: a
    browser that kept them would show them to the next person at the desk, from its cache or its history,
    after sign-out. ``Cache-Control: no-store, private`` on every answer under the staff prefixes, added to
    whatever the view set (``public`` is dropped).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(GUARDED_PREFIXES):
            patch_cache_control(response, no_store=True, private=True)
        return response


class ConsoleLanguageMiddleware:
    """The console and the compliance pages speak the language the staff member chose (``accounts:language``,
    kept in the language cookie), else the primary language; never the one the browser asks for.

    Below Django's ``LocaleMiddleware``, which gives every address without a language prefix the primary
    language (the public site's language is its address's alone).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(GUARDED_PREFIXES):
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            if chosen in dict(settings.LANGUAGES):
                translation.activate(chosen)
                request.LANGUAGE_CODE = chosen
        return self.get_response(request)


def mfa_exempt(view):
    """Mark a view reachable before the second factor (sign-in, its second step, enrolment, sign-out)."""
    view.mfa_exempt = True
    return view


class StaffSessionMiddleware:
    """End sessions idle for ``SESSION_IDLE_SECONDS`` or older than ``SESSION_COOKIE_AGE``; note the last request.

    The session's row (``UserSession``) is written at most once a minute.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now()
            expired = self._expired(request, now)
            if expired:
                audit_record(action="auth.session_timeout", actor=user, obj=user, data={"reason": expired})
                logout(request)
                response = self.get_response(request)
                response["Clear-Site-Data"] = CLEAR_SITE_DATA
                return response
            sessions.touch(request, now)
        return self.get_response(request)

    @staticmethod
    def _expired(request, now) -> str:
        started = request.session.get(sessions.STARTED_AT)
        seen = request.session.get(sessions.SEEN_AT)
        if started and now - datetime.fromisoformat(started) > timedelta(seconds=settings.SESSION_COOKIE_AGE):
            return "absolute"
        if seen and now - datetime.fromisoformat(seen) > timedelta(seconds=settings.SESSION_IDLE_SECONDS):
            return "idle"
        return ""


class SecondFactorMiddleware:
    """Before any staff page: a user with a factor must have used it in this session; a user whose role
    requires one and has none is sent to enrol. Views marked ``mfa_exempt`` are reachable before that.

    A refused request that would have changed something (not GET/HEAD) is written to the log.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not request.path.startswith(GUARDED_PREFIXES):
            return None
        if getattr(view_func, "mfa_exempt", False) or getattr(
            getattr(view_func, "view_class", None), "mfa_exempt", False
        ):
            return None
        if user.is_verified():
            return None
        if mfa.has_factor(user):
            target, reason = "accounts:mfa_verify", "second factor not yet given in this session"
        elif mfa.required_for(user):
            target, reason = "accounts:mfa_setup", "second factor required for this role and not enrolled"
        else:
            return None
        if request.method in ("GET", "HEAD"):
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        audit_record(
            action="security.permission_denied",
            actor=user,
            data={"path": request.path[:500], "method": request.method, "permission": None, "reason": reason},
        )
        return redirect(target)
