from django.urls import path

from . import views

app_name = "neighbourhoods"
urlpatterns = [
    path("incidenten/", views.incident_list, name="incident_list"),
    path("incidenten/nieuw/", views.incident_create, name="incident_create"),
    path("incidenten/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("incidenten/<int:pk>/bewerken/", views.incident_edit, name="incident_edit"),
    path("incidenten/<int:pk>/adressen.<str:fmt>", views.incident_export, name="incident_export"),
    path("qrt/", views.qrt_list, name="qrt_list"),
    path("qrt/nieuw/", views.qrt_create, name="qrt_create"),
    path("qrt/<int:pk>/", views.qrt_edit, name="qrt_edit"),
    path("wijkschouw/", views.walk_list, name="walk_list"),
    path("wijkschouw/nieuw/", views.walk_create, name="walk_create"),
    path("wijkschouw/<int:pk>/", views.walk_detail, name="walk_detail"),
    path("wijkschouw/<int:pk>/foto/<int:score_pk>/", views.walk_photo, name="walk_photo"),
    path("wijkschouw/acties/<int:pk>/status/", views.followup_transition, name="followup_transition"),
    path("wijkschouw/trend/<int:area_pk>/", views.area_trend, name="area_trend"),
    path("wijkschouw/sjablonen/", views.template_list, name="template_list"),
    path("wijkschouw/sjablonen/nieuw/", views.template_edit, name="template_create"),
    path("wijkschouw/sjablonen/<int:pk>/", views.template_edit, name="template_edit"),
    path("behangtafel/", views.session_list, name="session_list"),
    path("behangtafel/nieuw/", views.session_create, name="session_create"),
    path("behangtafel/<int:pk>/", views.session_detail, name="session_detail"),
    path("behangtafel/themas/", views.theme_list, name="theme_list"),
    path("bewaartermijnen/", views.retention_rules, name="retention_rules"),
]
