from django.utils.functional import SimpleLazyObject

from company.models import CompanyProfile
from stock.selectors import has_prices


def company(request):
    """The company profile, and whether the site has a stock section, each read only by templates that use it."""
    return {"company": SimpleLazyObject(CompanyProfile.load), "stock_section": SimpleLazyObject(has_prices)}
