from django.urls import path

from irportal.investors import views

app_name = "company"

urlpatterns = [
    path("", views.CompanyProfileEditView.as_view(), name="profile_edit"),
]
