from django.utils.functional import SimpleLazyObject

from irportal.investors.sitedata import site_data


def company(request):
    """The company profile, read only by templates that use it (see ``sitedata``)."""
    return {"company": SimpleLazyObject(lambda: site_data(request).company)}
