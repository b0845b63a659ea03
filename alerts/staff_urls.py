from django.urls import path

from alerts import views

app_name = "alerts_staff"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("resend-failed/", views.ResendFailedView.as_view(), name="resend_failed"),
]
