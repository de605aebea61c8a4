from django.urls import path

from . import api

urlpatterns = [
    path("cases/", api.CaseListCreate.as_view(), name="case_list"),
    path("cases/<int:pk>/", api.CaseDetail.as_view(), name="case_detail"),
    path("cases/<int:pk>/members/", api.CaseMembers.as_view(), name="case_members"),
    path("cases/<int:pk>/subjects/", api.CaseSubjects.as_view(), name="case_subjects"),
]
