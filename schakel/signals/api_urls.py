from django.urls import path

from . import api

urlpatterns = [
    path("signals/", api.SignalListCreate.as_view(), name="signal_list"),
]
