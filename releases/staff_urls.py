from django.urls import path

from releases import staff_views as views

app_name = "releases"

urlpatterns = [
    path("contacts/", views.ContactListView.as_view(), name="contacts"),
    path("contacts/new/", views.ContactFormView.as_view(), name="contact_create"),
    path("contacts/<int:pk>/", views.ContactFormView.as_view(), name="contact_update"),
    path("boilerplates/", views.BoilerplateListView.as_view(), name="boilerplates"),
    path("boilerplates/new/", views.BoilerplateFormView.as_view(), name="boilerplate_create"),
    path("boilerplates/<int:pk>/", views.BoilerplateFormView.as_view(), name="boilerplate_update"),
]
