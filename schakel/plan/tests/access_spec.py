"""Access matrix of the plan app.

- Everyone signed in reads the plan overview, objectives, actions and
  indicators (the plan is not personal data).
- The follow-up (dashboard, report, core group and working-group pages) is
  for the coordinator, core-group members and working-group members.
- The coordinator manages everything (compute, export). Working-group members
  update actions and measurements of their own SD only: the demo
  working-group member sits in the working group of SD1.
"""

from schakel.core.access import DENY, OK, REDIRECT, Route, signed_in
from schakel.plan.models import Action, GroupMember, Indicator, Measurement, OperationalObjective, PlanGroup

FOLLOWUP = signed_in(DENY, coordinator=OK, kerngroep=OK, werkgroep=OK)


def _od(code):
    return lambda: {"pk": OperationalObjective.objects.get(code=code).pk}


def _action(sd):
    return lambda: {"pk": Action.objects.filter(objective__strategic_objective__code=sd).order_by("id").first().pk}


def _indicator(code):
    return lambda: {"pk": Indicator.objects.get(code=code).pk}


def _measurement(code):
    return lambda: {"pk": Measurement.objects.filter(indicator__code=code, corrected_by__isnull=True).first().pk}


def _last_seat(sd):
    return lambda: {
        "pk": GroupMember.objects.filter(group__strategic_objective__code=sd)
        .order_by("-pk")
        .values_list("pk", flat=True)[0]
    }


def _group(sd):
    return lambda: {"pk": PlanGroup.objects.get(strategic_objective__code=sd).pk}


ROUTES = [
    Route("plan:overview", signed_in(OK)),
    Route("plan:dashboard", FOLLOWUP),
    Route("plan:compute", signed_in(DENY, coordinator=REDIRECT), method="POST", data={"period": "2026-01"}),
    Route("plan:report", FOLLOWUP),
    Route("plan:report_xlsx", FOLLOWUP),
    Route("plan:report_pdf", FOLLOWUP),
    Route("plan:export", signed_in(DENY, coordinator=OK)),
    Route("plan:core_group", FOLLOWUP),
    Route("plan:group", FOLLOWUP, kwargs=_group("SD1")),
    # Adding a meeting (empty form: 400) only by the coordinator.
    Route("plan:group", signed_in(DENY, coordinator=400), kwargs=_group("SD1"), method="POST"),
    Route("plan:core_group", signed_in(DENY, coordinator=400), method="POST"),
    # Group seats and the accounts holding them: the coordinator only (an
    # empty add form: 400; unlinking and removing a seat: redirect).
    Route("plan:group_member_add", signed_in(DENY, coordinator=400), kwargs=_group("SD3"), method="POST"),
    Route(
        "plan:group_member_link",
        signed_in(DENY, coordinator=REDIRECT),
        kwargs=_last_seat("SD3"),
        method="POST",
        data={"user": ""},
    ),
    Route("plan:group_member_remove", signed_in(DENY, coordinator=REDIRECT), kwargs=_last_seat("SD3"), method="POST"),
    # Setting a target (invalid value: 400): coordinator and SD1's working group.
    Route(
        "plan:indicator",
        signed_in(DENY, coordinator=400, werkgroep=400),
        kwargs=_indicator("VM1"),
        method="POST",
        data={"target_value": "veel"},
    ),
    Route("plan:objective", signed_in(OK), kwargs=_od("OD1.1")),
    # Adding an action (empty form: 400) only by the coordinator and SD1's working group.
    Route("plan:objective", signed_in(DENY, coordinator=400, werkgroep=400), kwargs=_od("OD1.1"), method="POST"),
    Route("plan:objective", signed_in(DENY, coordinator=400), kwargs=_od("OD3.1"), method="POST"),
    Route("plan:action", signed_in(OK), kwargs=_action("SD1")),
    Route("plan:action", signed_in(DENY, coordinator=400, werkgroep=400), kwargs=_action("SD1"), method="POST"),
    Route("plan:action", signed_in(DENY, coordinator=400), kwargs=_action("SD3"), method="POST"),
    Route("plan:indicator", signed_in(OK), kwargs=_indicator("VM1")),
    Route("plan:indicator", signed_in(DENY, coordinator=400, werkgroep=400), kwargs=_indicator("VM1"), method="POST"),
    Route("plan:measurement_correct", signed_in(DENY, coordinator=OK, werkgroep=OK), kwargs=_measurement("VM1")),
]
