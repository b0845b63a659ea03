from django.urls import path

from irportal.investors import views

app_name = "investors"

urlpatterns = [
    path("", views.InvestorHomeView.as_view(), name="home"),
]
