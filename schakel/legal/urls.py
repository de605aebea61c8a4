from django.urls import path

from . import views

app_name = "legal"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("deontologische-code/", views.code, name="code"),
    path("deontologische-code/nieuwe-versie/", views.code_publish, name="code_publish"),
    path("rechtsgronden/nieuw/", views.ground_edit, name="ground_create"),
    path("rechtsgronden/<int:pk>/", views.ground_edit, name="ground_edit"),
    path("instrumenten/nieuw/", views.instrument_edit, name="instrument_create"),
    path("instrumenten/<int:pk>/", views.instrument_edit, name="instrument_edit"),
]
