from django.utils.functional import SimpleLazyObject

from company.models import CompanyProfile


def company(request):
    """The company profile, read only by templates that use it (the request's, when the middleware gave it one)."""
    profile = getattr(request, "company", None)
    return {"company": SimpleLazyObject(CompanyProfile.load) if profile is None else profile}
