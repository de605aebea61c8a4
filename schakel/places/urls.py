from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("adressen/zoeken/", views.address_search, name="address_search"),
    path("gebieden/", views.area_list, name="area_list"),
]
