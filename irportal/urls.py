from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import RedirectView

from events import views as event_views
from irportal import health
from irportal.investors.cache import public_page
from irportal.investors.views import robots_txt
from irportal.ops.metrics import metrics_view
from releases.sitemaps import InvestorPagesSitemap, NewsSitemap

SITEMAPS = {"pages": InvestorPagesSitemap, "news": NewsSitemap}

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="investors:home", permanent=False)),
    path("investors/", include("irportal.investors.urls")),
    path("investors/news/", include("releases.urls")),
    path("investors/alerts/", include("alerts.urls")),
    path("staff/alerts/", include("alerts.staff_urls")),
    path("staff/releases/", include("releases.staff_urls")),
    path("staff/approval-steps/", include("irportal.workflow.urls")),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", public_page(robots_txt), name="robots"),
    path("investors/events.ics", public_page(event_views.events_ics), name="events_calendar"),
    path("investors/events/", include("events.urls")),
    path("staff/events/", include("events.staff_urls")),
    path("staff/", include("irportal.accounts.urls")),
    path("staff/company/", include("irportal.investors.staff_urls")),
    path("compliance/audit/", include("irportal.audit.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
]
