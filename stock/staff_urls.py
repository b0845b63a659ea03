from django.urls import path

from stock import staff_views as views

app_name = "stock_console"

REGISTER = "<slug:register>"

urlpatterns = [
    path("prices/", views.PricesView.as_view(), name="prices"),
    path(f"{REGISTER}/", views.RegisterListView.as_view(), name="list"),
    path(f"{REGISTER}/new/", views.RegisterFormView.as_view(), name="create"),
    path(f"{REGISTER}/<int:pk>/", views.RegisterFormView.as_view(), name="update"),
    path(f"{REGISTER}/<int:pk>/delete/", views.RegisterDeleteView.as_view(), name="delete"),
]
