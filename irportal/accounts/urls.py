from django.contrib.auth import views as auth_views
from django.urls import path

from irportal.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.ConsoleView.as_view(), name="console"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", views.UserUpdateView.as_view(), name="user_update"),
]
