from django.urls import path

from irportal.investors.cache import public_page
from releases import views
from releases.feeds import NewsFeed

app_name = "news"

urlpatterns = [
    path("", public_page(views.NewsListView.as_view(), params=("year", "page"), uncached_params=("q",)), name="list"),
    path("feed/", public_page(NewsFeed()), name="feed"),
    path("<slug:slug>/", public_page(views.news_detail), name="detail"),
    path("<slug:slug>/files/<slug:token>/<slug:rendition>", views.news_file, name="file"),
]
