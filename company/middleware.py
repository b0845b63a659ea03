from company.timefmt import zone_kept_for_request


class CompanyTimeMiddleware:
    """Each request reads the company's zone at most once, when a page first writes a time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with zone_kept_for_request():
            return self.get_response(request)
