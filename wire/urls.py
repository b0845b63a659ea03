from django.urls import path

from wire import views

app_name = "wire"

urlpatterns = [
    path("", views.WireOverviewView.as_view(), name="overview"),
    path("exhibit/<int:pk>/", views.ExhibitDownloadView.as_view(), name="exhibit"),
]

compliance_patterns = ([path("", views.WireRecordView.as_view(), name="record")], "wire_compliance")
