from django.urls import path

from events import staff_views as views

app_name = "events_staff"

urlpatterns = [
    path("announce/", views.AnnounceView.as_view(), name="announce"),
]
