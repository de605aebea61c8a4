from schakel.core.access import DENY, OK, Route, signed_in


def _definition():
    from schakel.workflows.models import ProcessDefinition

    return {"pk": ProcessDefinition.objects.filter(key="signaal_triage").order_by("-version").first().pk}


ROUTES = [
    Route("workflows:definition_list", signed_in(DENY, beheerder=OK)),
    Route("workflows:definition_detail", signed_in(DENY, beheerder=OK), kwargs=_definition),
    Route("workflows:definition_edit", signed_in(DENY, beheerder=OK), kwargs=_definition),
]
