from django.urls import path

from irportal.accounts import link_views, security_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.ConsoleView.as_view(), name="console"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("language/", views.console_language, name="language"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/link/<str:token>/", link_views.LinkOpenView.as_view(), name="link_open"),
    path("account/link/", link_views.LinkPasswordView.as_view(), name="link_password"),
    path("account/confirm/", security_views.ReauthView.as_view(), name="reauthenticate"),
    path("account/verify/", security_views.SecondStepView.as_view(), name="mfa_verify"),
    path("account/two-factor/", security_views.TwoFactorView.as_view(), name="mfa_setup"),
    path("account/two-factor/app/", security_views.TotpEnrolView.as_view(), name="mfa_totp"),
    path("account/two-factor/recovery-codes/", security_views.RecoveryCodesView.as_view(), name="mfa_recovery_codes"),
    path(
        "account/two-factor/<str:factor>/<int:pk>/remove/",
        security_views.RemoveFactorView.as_view(),
        name="mfa_remove",
    ),
    path("account/sessions/", security_views.SessionListView.as_view(), name="sessions"),
    path("account/sessions/<int:pk>/end/", security_views.SessionEndView.as_view(), name="session_end"),
    path("account/sessions/end-others/", security_views.SessionEndOthersView.as_view(), name="sessions_end_others"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", views.UserUpdateView.as_view(), name="user_update"),
    path("users/<int:pk>/password-reset/", security_views.UserPasswordResetView.as_view(), name="user_password_reset"),
    path("users/<int:pk>/sessions/end/", security_views.UserSessionsEndView.as_view(), name="user_sessions_end"),
    path("users/<int:pk>/two-factor/reset/", security_views.UserFactorsResetView.as_view(), name="user_factors_reset"),
]
