from django.utils.functional import SimpleLazyObject

from irportal.investors.models import CompanyProfile


def company(request):
    """The company profile, loaded only by templates that use it."""
    return {"company": SimpleLazyObject(CompanyProfile.load)}
