from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from company.middleware import request_company
from investors.cache import kept_sections
from investors.languages import page_address, page_versions
from investors.navigation import public_sections


def company(request):
    """The company profile (the request's), the public navigation's sections, the page in each disclosure
    language and its own address: each read only when a template uses it, the sections in one query."""
    company = request_company(request)
    return {
        "company": company,
        "public_sections": SimpleLazyObject(lambda: public_sections(timezone.now(), _with_sections(company))),
        "language_versions": SimpleLazyObject(lambda: page_versions(request)),
        "page_address": SimpleLazyObject(lambda: page_address(request)),
    }


def _with_sections(company):
    """The profile with the names of the sections the navigation shows: a public page's has them (the public
    cache's); another page's (the alerts form) takes them from the generation's reading when there is one."""
    if getattr(company, "public_section_names", None) is None:
        kept = kept_sections()
        if kept is not None:
            company.public_section_names = frozenset(kept)
    return company
