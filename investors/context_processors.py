from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from company.middleware import request_company
from investors.languages import page_address, page_versions
from investors.navigation import public_sections


def company(request):
    """The company profile (the request's), the public navigation's sections, the page in each disclosure
    language and its own address: each read only when a template uses it, the sections in one query."""
    company = request_company(request)
    return {
        "company": company,
        "public_sections": SimpleLazyObject(lambda: public_sections(timezone.now(), company)),
        "language_versions": SimpleLazyObject(lambda: page_versions(request)),
        "page_address": SimpleLazyObject(lambda: page_address(request)),
    }
