from schakel.core.access import DENY, OK, REDIRECT, Route, signed_in

_legal_readers = dict.fromkeys(("coordinator", "osp", "parket", "handhaving", "liec", "dpo", "beheerder"), OK)


def _ground_pk():
    from schakel.legal.models import LegalGround

    return LegalGround.objects.get(code="toestemming").pk


def _instrument_pk():
    from schakel.legal.models import LegalInstrument

    return LegalInstrument.objects.get(code="gas").pk


ROUTES = [
    Route("legal:overview", signed_in(DENY, **_legal_readers)),
    # Everyone signed in may read (and accept) the code.
    Route("legal:code", signed_in(OK)),
    Route("legal:code", signed_in(REDIRECT), method="POST"),
    Route("legal:code_publish", signed_in(DENY, beheerder=OK)),
    Route("legal:ground_create", signed_in(DENY, beheerder=OK)),
    Route("legal:ground_edit", signed_in(DENY, beheerder=OK), kwargs=lambda: {"pk": _ground_pk()}),
    Route("legal:instrument_create", signed_in(DENY, beheerder=OK)),
    Route("legal:instrument_edit", signed_in(DENY, beheerder=OK), kwargs=lambda: {"pk": _instrument_pk()}),
]
