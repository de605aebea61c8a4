from django.urls import path

from . import api

urlpatterns = [
    path("search/", api.SubjectSearch.as_view(), name="subject_search"),
]
