from django.urls import path

from irportal.investors import views
from irportal.investors.cache import public_page

app_name = "investors"

urlpatterns = [
    path("", public_page(views.InvestorHomeView.as_view()), name="home"),
    path("theme.css", public_page(views.theme_css), name="theme"),
    path("logo/<str:name>", views.company_logo, name="logo"),
]
