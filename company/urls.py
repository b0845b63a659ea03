from django.urls import path

from company import views

app_name = "company"

urlpatterns = [
    path("", views.CompanyProfileEditView.as_view(), name="profile_edit"),
]
