"""The console's addresses, one set for every kind: ``<kind>`` matches only the kinds registered on the console."""

from django.urls import path, register_converter

from irportal.workflow.console import calendar, kinds, views


class KindConverter:
    """The registered kinds' slugs ("releases", "events", ...): any other word is not a console address."""

    def __init__(self):
        self.regex = "|".join(kind.slug for kind in kinds()) or "(?!)"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(KindConverter, "kind")

app_name = "console"

urlpatterns = [
    path("calendar/", calendar.CalendarView.as_view(), name="calendar"),
    path("calendar/feed/", calendar.CalendarFeedManageView.as_view(), name="calendar_feed_manage"),
    path("<kind:kind>/", views.ListView.as_view(), name="list"),
    path("<kind:kind>/new/", views.CreateView.as_view(), name="create"),
    path("<kind:kind>/<int:pk>/", views.DetailView.as_view(), name="detail"),
    path("<kind:kind>/<int:pk>/edit/", views.EditView.as_view(), name="edit"),
    path("<kind:kind>/<int:pk>/preview/", views.PreviewView.as_view(), name="preview"),
    path("<kind:kind>/<int:pk>/history/", views.HistoryView.as_view(), name="history"),
    path("<kind:kind>/<int:pk>/restore/<int:number>/", views.RestoreView.as_view(), name="restore"),
    path("<kind:kind>/<int:pk>/do/<slug:transition>/", views.TransitionView.as_view(), name="transition"),
    path("<kind:kind>/<int:pk>/comment/", views.CommentView.as_view(), name="comment"),
    path("<kind:kind>/<int:pk>/op/<slug:operation>/", views.OperationView.as_view(), name="operation"),
    path("<kind:kind>/<int:pk>/files/<slug:token>/<slug:rendition>", views.FileView.as_view(), name="file"),
]
