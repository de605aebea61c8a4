from schakel.core.access import DENY, NOT_ALLOWED, OK, Route, signed_in


def _signal():
    from schakel.signals.models import Signal

    signal = Signal.objects.filter(category__code="graffiti", is_demo=True).order_by("pk").first()
    return {"pk": signal.pk}


def _youth_signal():
    from schakel.signals.models import Signal

    return {"pk": Signal.objects.filter(category__parent__code="jongeren", is_demo=True).order_by("pk").first().pk}


def _attachment():
    from schakel.signals.models import Attachment

    att = Attachment.objects.select_related("signal").filter(signal__is_demo=True).order_by("pk").first()
    return {"pk": att.signal_id, "att_pk": att.pk}


def _category():
    from schakel.signals.models import Category

    return {"pk": Category.objects.get(code="jongeren").pk}


def _rule():
    from schakel.signals.models import RoutingRule

    return {"pk": RoutingRule.objects.order_by("pk").first().pk}


def _invitation():
    from schakel.signals.models import Invitation

    return {"pk": Invitation.objects.order_by("pk").first().pk}


REPORTERS = {"coordinator", "qrt", "qrtlead", "triage", "osp", "handhaving", "liec", "frontlijn", "extern"}
TRIAGERS = {"triage", "osp", "handhaving", "liec"}

ROUTES = [
    Route("signals:intake", signed_in(DENY, **dict.fromkeys(REPORTERS, OK))),
    Route("signals:address_search", signed_in(DENY, **dict.fromkeys(REPORTERS, OK)), query="?q=Kalv"),
    Route("signals:mine", signed_in(OK)),
    Route("signals:queue", signed_in(DENY, **dict.fromkeys(TRIAGERS, OK))),
    Route("signals:map", signed_in(DENY, coordinator=OK, **dict.fromkeys(TRIAGERS, OK))),
    Route("signals:export", signed_in(DENY, coordinator=OK, triage=OK)),
    Route("signals:export", signed_in(DENY, coordinator=OK, triage=OK), query="?format=xlsx"),
    Route("signals:invitations", signed_in(DENY, triage=OK, osp=OK, beheerder=OK)),
    # GET shows the confirmation; the revocation itself is a POST (tested in test_views).
    # The demo link is the triage team's: the OSP may not revoke it (404), the
    # functional administrator may revoke any link (test_security_review).
    Route("signals:invitation_revoke", signed_in(DENY, triage=OK, osp=404, beheerder=OK), kwargs=_invitation),
    # A forged token: the same answer for everyone, no account needed.
    Route("signals:partner", {"anonymous": 404, "*": 404}, kwargs=lambda: {"token": "forged-token"}),
    # The public status lookup (reference + code): a form for everyone.
    Route("signals:status_lookup", {"anonymous": OK, "*": OK}),
    Route("signals:settings", signed_in(DENY, beheerder=OK)),
    Route("signals:category_edit", signed_in(DENY, beheerder=OK), kwargs=_category),
    Route("signals:rule_create", signed_in(DENY, beheerder=OK)),
    Route("signals:rule_edit", signed_in(DENY, beheerder=OK), kwargs=_rule),
    # GET shows the confirmation; the delete itself is a POST (tested in test_views).
    Route("signals:rule_delete", signed_in(DENY, beheerder=OK), kwargs=_rule),
    # A demo graffiti signal reported by the frontline worker, triaged by the
    # city's prevention team: the coordinator sees all non-youth signals, the
    # reporter sees its status page, the police and OSP teams never had it.
    Route("signals:detail", signed_in(DENY, coordinator=OK, triage=OK, frontlijn=OK), kwargs=_signal),
    # A youth signal from the external partner: only the OSP sees it; the
    # reporter sees the status only; the coordinator and triage officer do not.
    Route("signals:detail", signed_in(DENY, osp=OK, extern=OK), kwargs=_youth_signal),
    Route("signals:step", {"anonymous": NOT_ALLOWED, "*": NOT_ALLOWED}, kwargs=_signal),
    Route("signals:note", {"anonymous": NOT_ALLOWED, "*": NOT_ALLOWED}, kwargs=_signal),
    Route("signals:attachment", signed_in(DENY, coordinator=OK, triage=OK), kwargs=_attachment),
    # Written feedback waiting for review: the triage role (review_feedback).
    Route("signals:feedback_reviews", signed_in(DENY, triage=OK)),
    Route("signals:feedback_approve", {"anonymous": NOT_ALLOWED, "*": NOT_ALLOWED}, kwargs=_signal),
    Route("signals:feedback_reject", {"anonymous": NOT_ALLOWED, "*": NOT_ALLOWED}, kwargs=_signal),
    Route("signals:feedback_repropose", {"anonymous": NOT_ALLOWED, "*": NOT_ALLOWED}, kwargs=_signal),
    # The API lists only what the caller may see (an empty list for most).
    Route("api:signal_list", signed_in(OK, anonymous=403)),
]
