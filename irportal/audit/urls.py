from django.urls import path

from irportal.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditLogView.as_view(), name="log"),
    path("<int:sequence>/", views.AuditEntryView.as_view(), name="entry"),
]
