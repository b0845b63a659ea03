from django.urls import path

from company import views

app_name = "company"

urlpatterns = [
    path("", views.CompanyProfileEditView.as_view(), name="profile_edit"),
    path("set-up/", views.SetupView.as_view(), name="setup"),
    path("set-up/remove-demo/", views.DemoRemoveView.as_view(), name="demo_remove"),
]
