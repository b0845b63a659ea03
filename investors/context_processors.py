from django.utils.functional import SimpleLazyObject

from company.models import CompanyProfile


def company(request):
    """The company profile, read only by templates that use it."""
    return {"company": SimpleLazyObject(CompanyProfile.load)}
