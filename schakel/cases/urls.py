from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("nieuw/", views.case_create, name="create"),
    path("nieuw/uit-signaal/<int:signal_pk>/", views.case_from_signal, name="from_signal"),
    path("hits/", views.hit_list, name="hit_list"),
    path("hits/<int:pk>/beslissen/", views.hit_decide, name="hit_decide"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/status/", views.case_status, name="status"),
    path("<int:pk>/leden/nieuw/", views.member_add, name="member_add"),
    path("<int:pk>/leden/<int:member_pk>/verwijderen/", views.member_remove, name="member_remove"),
    path("<int:pk>/subjecten/nieuw/", views.subject_add, name="subject_add"),
    path("<int:pk>/subjecten/<int:subject_pk>/identiteit/", views.reveal, name="reveal"),
    path("<int:pk>/banden/nieuw/", views.link_add, name="link_add"),
    path("<int:pk>/netwerk/", views.network, name="network"),
    path("<int:pk>/dubbels/", views.duplicates, name="duplicates"),
    path("<int:pk>/verstrekken/", views.disclose, name="disclose"),
    path("<int:pk>/verstrekken/geregistreerd/", views.disclosed, name="disclosed"),
    path("<int:pk>/verstrekken/samenvatting.txt", views.disclose_text, name="disclose_text"),
    path("<int:pk>/signalen/koppelen/", views.signal_link, name="signal_link"),
    path("<int:pk>/signalen/<int:signal_pk>/ontkoppelen/", views.signal_unlink, name="signal_unlink"),
    path("bewaartermijnen/", views.retention_rules, name="retention_rules"),
]

from . import meeting_views as mv  # noqa: E402

urlpatterns += [
    path("<int:pk>/plan/", mv.plan, name="plan"),
    path("<int:pk>/plan/interventies/<int:item_pk>/status/", mv.intervention_status, name="intervention_status"),
    path("<int:pk>/plan/doelen/<int:item_pk>/status/", mv.exit_goal_status, name="exit_goal_status"),
    path("overleggen/", mv.meeting_list, name="meeting_list"),
    path("overleggen/nieuw/", mv.meeting_create, name="meeting_create"),
    path("overleggen/<int:pk>/", mv.meeting_detail, name="meeting_detail"),
    path("overleggen/<int:pk>/agenda/", mv.meeting_item_add, name="meeting_item_add"),
    path("overleggen/<int:pk>/uitnodiging.ics", mv.meeting_ics, name="meeting_ics"),
    path("overleggen/<int:pk>/punten/<int:item_pk>/", mv.meeting_item, name="meeting_item"),
    path("overleggen/<int:pk>/punten/<int:item_pk>/beslissing/", mv.decision_add, name="decision_add"),
    path("overleggen/<int:pk>/punten/<int:item_pk>/actie/", mv.action_add, name="action_add"),
    path("overleggen/<int:pk>/punten/<int:item_pk>/verslag.pdf", mv.item_pdf, name="item_pdf"),
    path(
        "overleggen/<int:pk>/punten/<int:item_pk>/acties/<int:action_pk>/status/",
        mv.action_status,
        name="action_status",
    ),
    path("tweefasenlijst/", mv.twophase_list, name="twophase_list"),
    path("tweefasenlijst/<int:pk>/beslissen/", mv.twophase_decide, name="twophase_decide"),
]
