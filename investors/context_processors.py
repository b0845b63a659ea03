from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from company.middleware import request_company
from investors.navigation import public_sections


def company(request):
    """The company profile (the request's), and the public navigation's sections: each read only when a
    template uses it, the sections in one query."""
    company = request_company(request)
    return {"company": company, "public_sections": SimpleLazyObject(lambda: public_sections(timezone.now(), company))}
