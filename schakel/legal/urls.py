from django.urls import path

from . import views

app_name = "legal"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("deontologische-code/", views.code, name="code"),
    path("deontologische-code/nieuwe-versie/", views.code_publish, name="code_publish"),
]
