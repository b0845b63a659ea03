from django.urls import path

from irportal.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditLogView.as_view(), name="log"),
    path("<int:sequence>/", views.AuditEntryView.as_view(), name="entry"),
    path("object/<str:object_type>/<str:object_id>/", views.ObjectHistoryView.as_view(), name="object"),
    path("export.csv", views.AuditExportView.as_view(extension="csv"), name="export_csv"),
    path(
        "export-spreadsheet.csv",
        views.AuditExportView.as_view(extension="csv", for_spreadsheets=True),
        name="export_csv_spreadsheet",
    ),
    path("export.jsonl", views.AuditExportView.as_view(extension="jsonl"), name="export_jsonl"),
    path("checkpoints.jsonl", views.CheckpointDownloadView.as_view(what="checkpoints"), name="checkpoints"),
    path("checkpoint-key.pem", views.CheckpointDownloadView.as_view(what="public key"), name="checkpoint_key"),
    path("insiders/", views.InsiderListIndexView.as_view(), name="insiders"),
    path("insiders/<str:object_type>/<str:object_id>/", views.InsiderListView.as_view(), name="insider_list"),
    path(
        "insiders/<str:object_type>/<str:object_id>/export.csv",
        views.InsiderListExportView.as_view(),
        name="insider_list_csv",
    ),
]
