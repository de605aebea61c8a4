from django.contrib.auth.models import Group

from schakel.accounts.models import Organisation
from schakel.core.access import DENY, NOT_ALLOWED, OK, REDIRECT, Route, signed_in
from schakel.core.testing import persona_user


def _colleague():
    # A user of the administrator's own organisation (Stad Mechelen).
    return {"pk": persona_user("qrt").pk}


def _police_user():
    return {"pk": persona_user("liec").pk}


ROUTES = [
    Route("accounts:login", {"anonymous": OK, "*": REDIRECT}),
    Route("accounts:logout", {"anonymous": NOT_ALLOWED, "*": NOT_ALLOWED}),
    Route("accounts:mfa_verify", signed_in(OK)),
    Route("accounts:mfa_enrol", signed_in(OK)),
    Route("accounts:my_account", signed_in(OK)),
    Route("accounts:password_reset", {"anonymous": OK, "*": OK}),
    Route("accounts:password_reset_done", {"anonymous": OK, "*": OK}),
    Route(
        "accounts:password_reset_confirm", {"anonymous": OK, "*": OK}, kwargs=lambda: {"uidb64": "MQ", "token": "x-y"}
    ),
    Route("accounts:password_reset_complete", {"anonymous": OK, "*": OK}),
    Route("accounts:user_list", signed_in(DENY, beheerder=OK)),
    Route("accounts:user_create", signed_in(DENY, beheerder=OK)),
    Route("accounts:user_edit", signed_in(DENY, beheerder=OK), kwargs=_colleague),
    # Another organisation's user: 404 for the city's administrator too.
    Route("accounts:user_edit", signed_in(DENY), kwargs=_police_user),
    Route("accounts:organisation_list", signed_in(DENY, beheerder=OK)),
    Route("accounts:organisation_create", signed_in(DENY, beheerder=OK)),
    Route(
        "accounts:organisation_edit",
        signed_in(DENY, beheerder=OK),
        kwargs=lambda: {"pk": Organisation.objects.get(code="pz-rivierenland").pk},
    ),
    Route("accounts:role_list", signed_in(DENY, beheerder=OK)),
    Route(
        "accounts:role_edit",
        signed_in(DENY, beheerder=OK),
        kwargs=lambda: {"pk": Group.objects.get(name="QRT-medewerker").pk},
    ),
]
