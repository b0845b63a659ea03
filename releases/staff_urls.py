from django.urls import path

from releases import staff_views as views

app_name = "releases"

urlpatterns = [
    path("", views.ReleaseListView.as_view(), name="list"),
    path("new/", views.ReleaseCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ReleaseDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ReleaseEditView.as_view(), name="edit"),
    path("<int:pk>/preview/", views.ReleasePreviewView.as_view(), name="preview"),
    path("<int:pk>/history/", views.ReleaseHistoryView.as_view(), name="history"),
    path("<int:pk>/restore/<int:number>/", views.ReleaseRestoreView.as_view(), name="restore"),
    path("<int:pk>/do/<slug:transition>/", views.ReleaseTransitionView.as_view(), name="transition"),
    path("<int:pk>/comment/", views.ReleaseCommentView.as_view(), name="comment"),
    path("<int:pk>/images/", views.ImageUploadView.as_view(), name="image_upload"),
    path("<int:pk>/attachments/", views.AttachmentUploadView.as_view(), name="attachment_upload"),
    path("<int:pk>/remove/<slug:kind>/<int:file_id>/", views.FileRemoveView.as_view(), name="file_remove"),
    path("<int:pk>/images/<slug:token>/<slug:rendition>", views.StaffFileView.as_view(), name="file"),
    path("contacts/", views.ContactListView.as_view(), name="contacts"),
    path("contacts/new/", views.ContactFormView.as_view(), name="contact_create"),
    path("contacts/<int:pk>/", views.ContactFormView.as_view(), name="contact_update"),
    path("boilerplates/", views.BoilerplateListView.as_view(), name="boilerplates"),
    path("boilerplates/new/", views.BoilerplateFormView.as_view(), name="boilerplate_create"),
    path("boilerplates/<int:pk>/", views.BoilerplateFormView.as_view(), name="boilerplate_update"),
]
