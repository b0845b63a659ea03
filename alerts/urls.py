from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.SubscribeView.as_view(), name="subscribe"),
    path("requested/", views.RequestedView.as_view(), name="requested"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
