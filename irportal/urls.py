from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import RedirectView

from irportal import health
from irportal.investors.cache import public_page
from irportal.investors.views import robots_txt
from releases.sitemaps import InvestorPagesSitemap, NewsSitemap

SITEMAPS = {"pages": InvestorPagesSitemap, "news": NewsSitemap}

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="investors:home", permanent=False)),
    path("investors/", include("irportal.investors.urls")),
    path("investors/news/", include("releases.urls")),
    path("staff/releases/", include("releases.staff_urls")),
    path("staff/approval-steps/", include("irportal.workflow.urls")),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", public_page(robots_txt), name="robots"),
    path("staff/", include("irportal.accounts.urls")),
    path("staff/company/", include("irportal.investors.staff_urls")),
    path("compliance/audit/", include("irportal.audit.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
