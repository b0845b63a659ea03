import zoneinfo

from django.utils import timezone

from company.models import CompanyProfile


class CompanyTimeZoneMiddleware:
    """Staff read times in the company's home zone (the profile's): it is the current zone of their requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            timezone.activate(zoneinfo.ZoneInfo(CompanyProfile.load().home_time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
