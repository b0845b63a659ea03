"""The public site's addresses (stable: wires and search engines link to them), each page in the public cache."""

from django.urls import path

from company import views as company_views
from investors import feeds
from investors.cache import public_page
from investors.views import events, filings, governance, home, news, reports, stock

app_name = "investors"

news_patterns = (
    [
        path(
            "", public_page(news.NewsListView.as_view(), params=("year", "page"), uncached_params=("q",)), name="list"
        ),
        path("feed/", public_page(feeds.NewsFeed()), name="feed"),
        path("<slug:slug>/", public_page(news.news_detail), name="detail"),
        path("<slug:slug>/files/<slug:token>/<slug:rendition>", news.news_file, name="file"),
    ],
    "news",
)

event_patterns = (
    [
        path("", public_page(events.event_list, params=("year", "page")), name="list"),
        path("<slug:slug>/", public_page(events.event_detail), name="detail"),
        path("<slug:slug>.ics", public_page(events.event_ics), name="ics"),
    ],
    "events",
)

document_patterns = (
    [
        path("<slug:slug>/", public_page(reports.document_detail), name="detail"),
        path("<slug:slug>/files/<slug:token>/<slug:rendition>", reports.document_file, name="file"),
    ],
    "documents",
)

filing_patterns = (
    [
        path("", public_page(filings.filing_list, params=("group", "year", "page")), name="list"),
        path("feed/", public_page(feeds.FilingsFeed()), name="feed"),
    ],
    "filings",
)

stock_patterns = (
    [
        path("", public_page(stock.stock_overview, params=("range", "date")), name="overview"),
        path("dividends/", public_page(stock.dividends), name="dividends"),
        path("analysts/", public_page(stock.analysts), name="analysts"),
    ],
    "stock",
)

governance_patterns = (
    [
        path("", public_page(governance.board), name="board"),
        path("committees/", public_page(governance.committees), name="committees"),
        path("management/", public_page(governance.management), name="management"),
        path("documents/", public_page(governance.documents), name="documents"),
        path("photos/<slug:token>", governance.photo, name="photo"),
    ],
    "governance",
)

urlpatterns = [
    path("", public_page(home.InvestorHomeView.as_view()), name="home"),
    path("financials/", public_page(reports.financials, params=("year",)), name="financials"),
    path("reports/", public_page(reports.reports, params=("page",)), name="reports"),
    path("presentations/", public_page(reports.presentations, params=("page",)), name="presentations"),
    path("theme.css", public_page(company_views.theme_css), name="theme"),
    path("logo/<str:name>", company_views.company_logo, name="logo"),
]
