from django.urls import path

from . import views

app_name = "signals"
urlpatterns = [
    path("nieuw/", views.intake, name="intake"),
    path("adressen/", views.address_search, name="address_search"),
    path("mijn/", views.mine, name="mine"),
    path("wachtrij/", views.queue, name="queue"),
    path("kaart/", views.signal_map, name="map"),
    path("export/", views.export, name="export"),
    path("uitnodigingen/", views.invitations, name="invitations"),
    path("uitnodigingen/<int:pk>/intrekken/", views.invitation_revoke, name="invitation_revoke"),
    path("melden/<str:token>/", views.partner, name="partner"),
    path("opvolgen/", views.status_lookup, name="status_lookup"),
    path("instellingen/", views.settings_page, name="settings"),
    path("instellingen/categorie/<int:pk>/", views.category_edit, name="category_edit"),
    path("instellingen/regel/nieuw/", views.rule_edit, name="rule_create"),
    path("instellingen/regel/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("instellingen/regel/<int:pk>/verwijderen/", views.rule_delete, name="rule_delete"),
    path("terugkoppelingen/", views.feedback_reviews, name="feedback_reviews"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/terugkoppeling/goedkeuren/", views.feedback_approve, name="feedback_approve"),
    path("<int:pk>/terugkoppeling/weigeren/", views.feedback_reject, name="feedback_reject"),
    path("<int:pk>/terugkoppeling/opnieuw/", views.feedback_repropose, name="feedback_repropose"),
    path("<int:pk>/stap/", views.step, name="step"),
    path("<int:pk>/notitie/", views.note, name="note"),
    path("<int:pk>/bijlage/<int:att_pk>/", views.attachment, name="attachment"),
]
