from django.urls import path

from . import views

app_name = "plan"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("opvolging/", views.dashboard, name="dashboard"),
    path("opvolging/berekenen/", views.compute, name="compute"),
    path("rapport/", views.report, name="report"),
    path("rapport.xlsx", views.report_xlsx, name="report_xlsx"),
    path("rapport.pdf", views.report_pdf, name="report_pdf"),
    path("exporteren/", views.export, name="export"),
    path("kerngroep/", views.core_group, name="core_group"),
    path("groep/<int:pk>/", views.group, name="group"),
    path("groep/<int:pk>/leden/", views.group_member_add, name="group_member_add"),
    path("groepslid/<int:pk>/koppelen/", views.group_member_link, name="group_member_link"),
    path("groepslid/<int:pk>/verwijderen/", views.group_member_remove, name="group_member_remove"),
    path("doelstelling/<int:pk>/", views.objective, name="objective"),
    path("actie/<int:pk>/", views.action, name="action"),
    path("indicator/<int:pk>/", views.indicator, name="indicator"),
    path("meting/<int:pk>/corrigeren/", views.measurement_correct, name="measurement_correct"),
]
