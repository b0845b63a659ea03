from django.utils import timezone

from company import zone


class CompanyTimeZoneMiddleware:
    """Every request but a public page's runs in the company's home zone (the profile's, ``company.zone``).

    Staff, signed in or not (the sign-in page, a private calendar feed read
    with its token), read company time. Public pages (``request.public_page``,
    set by the public cache) are the same for every visitor and kept in the
    cache; they name the profile's zone where they show a time.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not getattr(request, "public_page", False):
            zone.activate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
