from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import admin_views, views

app_name = "accounts"
urlpatterns = [
    path("aanmelden/", views.login_view, name="login"),
    path("afmelden/", views.logout_view, name="logout"),
    path("mfa/", views.mfa_verify, name="mfa_verify"),
    path("mfa/instellen/", views.mfa_enrol, name="mfa_enrol"),
    path("mijn-account/", views.my_account, name="my_account"),
    path(
        "wachtwoord-vergeten/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "wachtwoord-vergeten/verzonden/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-herstellen/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-herstellen/klaar/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("gebruikers/", admin_views.user_list, name="user_list"),
    path("gebruikers/nieuw/", admin_views.user_create, name="user_create"),
    path("gebruikers/<int:pk>/", admin_views.user_edit, name="user_edit"),
    path("organisaties/", admin_views.organisation_list, name="organisation_list"),
    path("organisaties/nieuw/", admin_views.organisation_create, name="organisation_create"),
    path("organisaties/<int:pk>/", admin_views.organisation_edit, name="organisation_edit"),
    path("rollen/", admin_views.role_list, name="role_list"),
    path("rollen/<int:pk>/", admin_views.role_edit, name="role_edit"),
]
