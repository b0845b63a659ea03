from django.urls import path

from events import views
from irportal.investors.cache import public_page

app_name = "events"

urlpatterns = [
    path("", public_page(views.event_list), name="list"),
    path("<slug:slug>/", public_page(views.event_detail), name="detail"),
    path("<slug:slug>.ics", public_page(views.event_ics), name="ics"),
]
