from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from company import timefmt
from company.models import CompanyProfile, read_once


class ProfileReadOnceMiddleware:
    """A reading request (GET, HEAD) reads the company profile once, whoever asks for it: the public cache's
    schedule, the view, the templates. A request that may change it (a form's POST) reads it afresh each time,
    so a form's unsaved changes never show as the profile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with read_once():
            return self.get_response(request)


def request_company(request):
    """The request's profile (``request.company``), read once on first use by whoever asks first: the view, the
    templates' ``company``, the public navigation. Given to a request the middleware did not see (a view called
    directly) on first call."""
    company = getattr(request, "company", None)
    if company is None:
        request.company = company = SimpleLazyObject(CompanyProfile.load)
    return company


class CompanyTimeZoneMiddleware:
    """The company's way of writing times, and its home zone (``company.zone``), are current for every request.

    ``request.company`` is the profile, read on first use (the templates'
    ``company`` is the same object), so a page that writes no date and no
    company fact reads nothing. Public pages (``request.public_page``, set by
    the public cache) are the same for every visitor and kept in the cache,
    so they never ask who the visitor is: reading the session would make
    every one of them private. They write times in the company's zone
    explicitly (``investors.templatetags.ir``). Every other request, signed in
    or not (the sign-in page, a private calendar feed read with its token),
    runs in the company's zone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The profile a middleware above gave the request (the public cache's, read with the navigation), or
        # read on first use.
        company = request_company(request)
        timefmt.activate(lambda: company.date_style)
        if not getattr(request, "public_page", False):
            timezone.activate(company.zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
            timefmt.deactivate()
