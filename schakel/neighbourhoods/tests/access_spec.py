from schakel.core.access import DENY, NOT_ALLOWED, OK, Route, signed_in


def _incident():
    from schakel.neighbourhoods.models import Incident

    return {"pk": Incident.objects.filter(is_demo=True).order_by("pk").first().pk}


def _export(fmt):
    return lambda: {**_incident(), "fmt": fmt}


def _activity():
    from schakel.neighbourhoods.models import QrtActivity

    return {"pk": QrtActivity.objects.filter(is_demo=True).order_by("pk").first().pk}


def _walk():
    from schakel.neighbourhoods.models import Walk

    return {"pk": Walk.objects.filter(is_demo=True).order_by("pk").first().pk}


def _photo():
    from schakel.neighbourhoods.models import WalkScore

    score = WalkScore.objects.filter(walk__is_demo=True).exclude(photo="").order_by("pk").first()
    return {"pk": score.walk_id, "score_pk": score.pk}


def _followup():
    from schakel.neighbourhoods.models import FollowUpAction

    return {"pk": FollowUpAction.objects.order_by("pk").first().pk}


def _area():
    from schakel.places.models import Area

    return {"area_pk": Area.objects.get(code="demo-noordwest").pk}


def _template():
    from schakel.neighbourhoods.models import ChecklistTemplate

    return {"pk": ChecklistTemplate.objects.order_by("pk").first().pk}


def _session():
    from schakel.neighbourhoods.models import BehangtafelSession

    return {"pk": BehangtafelSession.objects.filter(is_demo=True).order_by("pk").first().pk}


READ_INCIDENTS = signed_in(DENY, qrt=OK, qrtlead=OK, coordinator=OK, liec=OK)
QRT_AND_COORDINATOR = signed_in(DENY, qrt=OK, qrtlead=OK, coordinator=OK)
QRT_ONLY = signed_in(DENY, qrt=OK, qrtlead=OK)

ROUTES = [
    Route("neighbourhoods:incident_list", READ_INCIDENTS),
    Route("neighbourhoods:incident_create", QRT_ONLY),
    Route("neighbourhoods:incident_detail", READ_INCIDENTS, kwargs=_incident),
    Route("neighbourhoods:incident_edit", QRT_ONLY, kwargs=_incident),
    Route("neighbourhoods:incident_export", READ_INCIDENTS, kwargs=_export("csv")),
    Route("neighbourhoods:incident_export", READ_INCIDENTS, kwargs=_export("xlsx")),
    Route("neighbourhoods:qrt_list", QRT_AND_COORDINATOR),
    Route("neighbourhoods:qrt_create", QRT_ONLY),
    Route("neighbourhoods:qrt_edit", QRT_ONLY, kwargs=_activity),
    Route("neighbourhoods:walk_list", QRT_AND_COORDINATOR),
    Route("neighbourhoods:walk_create", QRT_ONLY),
    Route("neighbourhoods:walk_detail", QRT_AND_COORDINATOR, kwargs=_walk),
    # Wijkschouw photos only through this view (never /media/), for readers of the walk.
    Route("neighbourhoods:walk_photo", QRT_AND_COORDINATOR, kwargs=_photo),
    Route("neighbourhoods:followup_transition", signed_in(NOT_ALLOWED), kwargs=_followup),
    Route("neighbourhoods:area_trend", QRT_AND_COORDINATOR, kwargs=_area),
    Route("neighbourhoods:template_list", signed_in(DENY, beheerder=OK)),
    Route("neighbourhoods:template_create", signed_in(DENY, beheerder=OK)),
    Route("neighbourhoods:template_edit", signed_in(DENY, beheerder=OK), kwargs=_template),
    Route("neighbourhoods:session_list", QRT_AND_COORDINATOR),
    Route("neighbourhoods:session_create", QRT_ONLY),
    Route("neighbourhoods:session_detail", QRT_AND_COORDINATOR, kwargs=_session),
    Route("neighbourhoods:theme_list", signed_in(DENY, beheerder=OK)),
    # Retention periods: read by the DPO and the administrator, edited by the administrator.
    Route("neighbourhoods:retention_rules", signed_in(DENY, dpo=OK, beheerder=OK)),
    # A POST names no rule here (?edit=<pk> is not known in advance): refused for
    # everyone; the DPO's POST on a named rule is refused in test_views.
    Route("neighbourhoods:retention_rules", signed_in(DENY), method="POST", data={"months": "12"}),
]
