"""Access matrix of the cases app. Case content is visible to circle members
only: the demo OBH case (owner handhaving; members liec, parket) and the demo
youth case (owner osp; member parket). Everyone else gets 404."""

from schakel.core.access import DENY, NOT_ALLOWED, OK, REDIRECT, Route, signed_in


def _case(title):
    def kwargs():
        from schakel.cases.models import Case

        return {"pk": Case.objects.get(title=title, is_demo=True).pk}

    return kwargs


def _item(title):
    def kwargs():
        from schakel.cases.models import AgendaItem

        item = AgendaItem.objects.get(case__title=title, case__is_demo=True)
        return {"pk": item.meeting_id, "item_pk": item.pk}

    return kwargs


def _meeting():
    from schakel.cases.models import Meeting

    return {"pk": Meeting.objects.get(is_demo=True).pk}


def _youth_subject():
    from schakel.cases.models import Case

    case = Case.objects.get(title=YOUTH, is_demo=True)
    return {"pk": case.pk, "subject_pk": case.case_subjects.first().subject_id}


def _youth_signal_id():
    from schakel.signals.models import Signal

    return {
        "signal_pk": Signal.objects.filter(category__parent__code="jongeren", is_demo=True).order_by("pk").first().pk
    }


def _hit():
    return {"pk": 999999}


def _member():
    from schakel.cases.models import Case

    case = Case.objects.get(title=OBH, is_demo=True)
    return {"pk": case.pk, "member_pk": case.members.get(role="partner", user__email__startswith="liec").pk}


def _intervention():
    from schakel.cases.models import Case

    case = Case.objects.get(title=OBH, is_demo=True)
    return {"pk": case.pk, "item_pk": case.interventions.first().pk}


OBH = "Nachtwinkel met opvallend weinig klanten"
YOUTH = "Jongere met signalen van rekrutering"
CASE_USERS = ("coordinator", "osp", "parket", "handhaving", "liec")
MEETING_USERS = CASE_USERS
OBH_MEMBERS = {"handhaving": OK, "liec": OK, "parket": OK}
YOUTH_MEMBERS = {"osp": OK, "parket": OK}

ROUTES = [
    Route("cases:list", signed_in(DENY, **dict.fromkeys(CASE_USERS, OK))),
    Route("cases:create", signed_in(DENY, **dict.fromkeys(CASE_USERS, OK))),
    # Opening a case from a signal: only for a signal at a case-approach step
    # (the demo has none); a youth signal that is not at that step and a
    # guessed id answer 403/404 to everyone (test_case_from_signal covers the
    # way in).
    Route("cases:from_signal", signed_in(DENY), kwargs=_youth_signal_id),
    Route("cases:from_signal", signed_in(DENY), kwargs=lambda: {"signal_pk": 987654}),
    Route("cases:from_signal", signed_in(DENY), kwargs=_youth_signal_id, method="POST"),
    Route("cases:hit_list", signed_in(DENY, **dict.fromkeys(CASE_USERS, OK))),
    Route("cases:hit_decide", signed_in(NOT_ALLOWED), kwargs=_hit),
    Route("cases:hit_decide", signed_in(DENY), kwargs=_hit, method="POST"),
    # The OBH case: members only; the outreach worker and coordinator get 404.
    Route("cases:detail", signed_in(DENY, **OBH_MEMBERS), kwargs=_case(OBH)),
    Route("cases:detail", signed_in(DENY, **YOUTH_MEMBERS), kwargs=_case(YOUTH)),
    # A guessed id answers exactly like a case you are not in.
    Route("cases:detail", signed_in(DENY), kwargs=lambda: {"pk": 987654}),
    Route("cases:network", signed_in(DENY, **OBH_MEMBERS), kwargs=_case(OBH)),
    Route("cases:plan", signed_in(DENY, **YOUTH_MEMBERS), kwargs=_case(YOUTH)),
    Route("cases:plan", signed_in(DENY, **OBH_MEMBERS), kwargs=_case(OBH)),
    Route("cases:status", signed_in(NOT_ALLOWED), kwargs=_case(OBH)),
    Route(
        "cases:status",
        signed_in(DENY, **dict.fromkeys(OBH_MEMBERS, REDIRECT)),
        kwargs=_case(OBH),
        method="POST",
        data={"to_status": "nonsense"},
    ),
    # Only the owner manages the circle.
    Route("cases:member_add", signed_in(DENY, handhaving=OK), kwargs=_case(OBH)),
    Route("cases:member_remove", signed_in(NOT_ALLOWED), kwargs=_member),
    Route("cases:member_remove", signed_in(DENY), kwargs=lambda: {"pk": 987654, "member_pk": 1}, method="POST"),
    Route("cases:subject_add", signed_in(DENY, **OBH_MEMBERS), kwargs=_case(OBH)),
    Route("cases:link_add", signed_in(DENY, **OBH_MEMBERS), kwargs=_case(OBH)),
    Route("cases:disclose", signed_in(DENY, **OBH_MEMBERS), kwargs=_case(OBH)),
    # The summary file and the confirmation page answer only for a disclosure
    # the user recorded (?sha256= of its event): without one, 404 for everyone.
    Route("cases:disclosed", signed_in(DENY), kwargs=_case(OBH)),
    Route("cases:disclose_text", signed_in(DENY), kwargs=_case(OBH)),
    Route("cases:duplicates", signed_in(DENY, **OBH_MEMBERS), kwargs=_case(OBH)),
    Route("cases:duplicates", signed_in(DENY, **YOUTH_MEMBERS), kwargs=_case(YOUTH)),
    Route("cases:reveal", signed_in(NOT_ALLOWED), kwargs=_youth_subject),
    # A reveal without a reason is refused with a message (redirect), never for non-members.
    Route(
        "cases:reveal",
        signed_in(DENY, **dict.fromkeys(YOUTH_MEMBERS, REDIRECT)),
        kwargs=_youth_subject,
        method="POST",
        data={"reason": ""},
    ),
    Route("cases:meeting_list", signed_in(DENY, **dict.fromkeys(MEETING_USERS, OK))),
    Route("cases:meeting_create", signed_in(DENY, **dict.fromkeys(MEETING_USERS, OK))),
    # The demo OBH meeting: participants handhaving (organiser), liec, parket.
    Route("cases:meeting_detail", signed_in(DENY, **OBH_MEMBERS), kwargs=_meeting),
    Route("cases:meeting_ics", signed_in(DENY, **OBH_MEMBERS), kwargs=_meeting),
    Route("cases:meeting_item_add", signed_in(DENY, **dict.fromkeys(MEETING_USERS, NOT_ALLOWED)), kwargs=_meeting),
    Route("cases:meeting_item", signed_in(DENY, **OBH_MEMBERS), kwargs=_item(OBH)),
    Route("cases:item_pdf", signed_in(DENY, **OBH_MEMBERS), kwargs=_item(OBH)),
    Route("cases:decision_add", signed_in(DENY, **dict.fromkeys(MEETING_USERS, NOT_ALLOWED)), kwargs=_item(OBH)),
    Route("cases:action_add", signed_in(DENY, **dict.fromkeys(MEETING_USERS, NOT_ALLOWED)), kwargs=_item(OBH)),
    Route(
        "cases:action_status",
        signed_in(DENY, **dict.fromkeys(MEETING_USERS, NOT_ALLOWED)),
        kwargs=lambda: {**_item(OBH)(), "action_pk": 1},
    ),
    Route(
        "cases:action_status",
        signed_in(DENY),
        kwargs=lambda: {**_item(OBH)(), "action_pk": 987654},
        method="POST",
        data={"status": "done"},
    ),
    # Linking signals: members with a change role who hold cases.link_signal
    # (the prosecutor holds no signals permission at all).
    Route("cases:signal_link", signed_in(DENY, handhaving=OK, liec=OK), kwargs=_case(OBH)),
    Route("cases:signal_link", signed_in(DENY, osp=OK), kwargs=_case(YOUTH)),
    Route("cases:signal_unlink", signed_in(NOT_ALLOWED), kwargs=lambda: {**_case(OBH)(), "signal_pk": 987654}),
    Route(
        "cases:signal_unlink",
        signed_in(DENY),
        kwargs=lambda: {**_case(OBH)(), "signal_pk": 987654},
        method="POST",
    ),
    # Status steps of the plan: members with a change role; a bad step is a message (redirect).
    Route("cases:intervention_status", signed_in(NOT_ALLOWED), kwargs=_intervention),
    Route(
        "cases:intervention_status",
        signed_in(DENY, **dict.fromkeys(OBH_MEMBERS, REDIRECT)),
        kwargs=_intervention,
        method="POST",
        data={"to_status": "nonsense"},
    ),
    Route("cases:exit_goal_status", signed_in(NOT_ALLOWED), kwargs=lambda: {**_case(YOUTH)(), "item_pk": 987654}),
    Route(
        "cases:exit_goal_status",
        signed_in(DENY),
        kwargs=lambda: {**_case(YOUTH)(), "item_pk": 987654},
        method="POST",
        data={"to_status": "reached"},
    ),
    # Retention periods: read by the DPO and the administrator, edited by the administrator.
    Route("cases:retention_rules", signed_in(DENY, dpo=OK, beheerder=OK)),
    Route(
        "cases:retention_rules",
        signed_in(DENY, beheerder=OK),
        method="POST",
        data={"case_type": "obh", "obh-months_after_close": "0", "obh-legal_basis": ""},
    ),
    # Police and prosecutor only.
    Route("cases:twophase_list", signed_in(DENY, liec=OK, parket=OK)),
    Route("cases:twophase_decide", signed_in(DENY, liec=NOT_ALLOWED, parket=NOT_ALLOWED), kwargs=lambda: {"pk": 1}),
    # A POST on a row that is not there (or not visible) is 404 for everyone.
    Route("cases:twophase_decide", signed_in(DENY), kwargs=lambda: {"pk": 987654}, method="POST"),
]

# --- REST API (schakel/cases/api.py): the same circles as the pages. --------
# A visitor gets 403 (the API does not redirect to a login page).
ROUTES += [
    Route("api:case_list", signed_in(DENY, anonymous=403, **dict.fromkeys(CASE_USERS, OK))),
    # An empty POST: the form's errors (400) for those who may open cases.
    Route("api:case_list", signed_in(403, anonymous=403, **dict.fromkeys(CASE_USERS, 400)), method="POST"),
    Route("api:case_detail", signed_in(DENY, anonymous=403, **OBH_MEMBERS), kwargs=_case(OBH)),
    Route("api:case_detail", signed_in(DENY, anonymous=403, **YOUTH_MEMBERS), kwargs=_case(YOUTH)),
    Route("api:case_detail", signed_in(404, anonymous=403), kwargs=lambda: {"pk": 987654}),
    Route("api:case_members", signed_in(DENY, anonymous=403, **OBH_MEMBERS), kwargs=_case(OBH)),
    Route("api:case_members", signed_in(404, anonymous=403), kwargs=lambda: {"pk": 987654}),
    Route("api:case_subjects", signed_in(DENY, anonymous=403, **YOUTH_MEMBERS), kwargs=_case(YOUTH)),
    Route("api:case_subjects", signed_in(DENY, anonymous=403, **OBH_MEMBERS), kwargs=_case(OBH)),
]
