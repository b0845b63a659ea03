from django.urls import path

from releases import views
from releases.feeds import NewsFeed

app_name = "news"

urlpatterns = [
    path("", views.NewsListView.as_view(), name="list"),
    path("feed/", NewsFeed(), name="feed"),
    path("<slug:slug>/", views.news_detail, name="detail"),
    path("<slug:slug>/files/<slug:token>/<slug:rendition>", views.news_file, name="file"),
]
