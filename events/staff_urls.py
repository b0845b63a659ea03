from django.urls import path

from events import staff_views as views

app_name = "events_staff"

urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path("calendar/", views.EventCalendarView.as_view(), name="calendar"),
    path("new/", views.EventCreateView.as_view(), name="create"),
    path("announce/", views.AnnounceView.as_view(), name="announce"),
    path("<int:pk>/", views.EventDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.EventEditView.as_view(), name="edit"),
    path("<int:pk>/replay-link/", views.EventReplayUrlView.as_view(), name="replay_url"),
    path("<int:pk>/replay-window/", views.EventReplayWindowView.as_view(), name="replay_window"),
    path("<int:pk>/cancel/", views.EventCancelView.as_view(), name="cancel"),
    path("<int:pk>/<str:transition>/", views.EventTransitionView.as_view(), name="transition"),
]
