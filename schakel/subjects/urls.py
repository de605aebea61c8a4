from django.urls import path

from . import views

app_name = "subjects"
urlpatterns = [
    path("subjecten/", views.search, name="search"),
    path("subjecten/nieuw/<slug:kind>/", views.create, name="create"),
    path("subjecten/<int:pk>/", views.detail, name="detail"),
    path("subjecten/<int:pk>/wijzigen/", views.edit, name="edit"),
    path("subjecten/adressen/", views.address_options, name="address_options"),
]
