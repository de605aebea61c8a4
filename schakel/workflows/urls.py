from django.urls import path

from . import views

app_name = "workflows"
urlpatterns = [
    path("", views.definition_list, name="definition_list"),
    path("<int:pk>/", views.definition_detail, name="definition_detail"),
    path("<int:pk>/wijzigen/", views.definition_edit, name="definition_edit"),
]
