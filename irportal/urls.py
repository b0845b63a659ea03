from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.generic import RedirectView

from investors import urls as public_urls
from investors.cache import public_page
from investors.sitemaps import section_page
from investors.views.events import events_ics
from investors.views.home import robots_txt, sitemap_index
from irportal import health
from irportal.ops.metrics import metrics_view
from irportal.workflow.console import calendar as console_calendar
from wire import urls as wire_urls
from wire.views import WebhookView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="investors:home", permanent=False)),
    path("sitemap.xml", public_page(sitemap_index), name="sitemap"),
    path("robots.txt", public_page(robots_txt), name="robots"),
    path("staff/alerts/", include("alerts.staff_urls")),
    path("staff/approval-steps/", include("irportal.workflow.urls")),
    path("staff/events/", include("events.staff_urls")),
    path("staff/wire/", include("wire.urls")),
    path("staff/account/webauthn/", include("irportal.accounts.webauthn_urls")),
    path("staff/company/", include("company.urls")),
    path("staff/stock/", include("stock.staff_urls")),
    path("staff/", include("releases.staff_urls")),
    path("staff/", include("irportal.accounts.urls")),
    path("staff/", include("irportal.workflow.console.urls")),
    path("compliance/audit/", include("irportal.audit.urls")),
    path("compliance/wire/", include(wire_urls.compliance_patterns)),
    path("wire/webhook/", WebhookView.as_view(), name="wire_webhook"),
    path("feeds/calendar/<str:token>.ics", console_calendar.feed, name="calendar_feed"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
]

# The public site in every disclosure language: /investors/... in the primary language (the addresses wires and
# search engines already link to), /fr/investors/... in French. A language the company does not disclose in has
# no pages (investors.languages.DisclosureLanguageMiddleware).
urlpatterns += i18n_patterns(
    path("investors/", include("investors.urls")),
    path("investors/news/", include(public_urls.news_patterns)),
    path("investors/events.ics", public_page(events_ics), name="events_calendar"),
    path("investors/events/", include(public_urls.event_patterns)),
    path("investors/documents/", include(public_urls.document_patterns)),
    path("investors/filings/", include(public_urls.filing_patterns)),
    path("investors/stock/", include(public_urls.stock_patterns)),
    path("investors/governance/", include(public_urls.governance_patterns)),
    path("investors/alerts/", include("alerts.urls")),
    path(
        "sitemap-<slug:section>.xml",
        public_page(section_page, params=("p",)),
        name="sitemap_section",
    ),
    prefix_default_language=False,
)
