from schakel.core.access import DENY, OK, REDIRECT, Route, signed_in

_legal_readers = dict.fromkeys(("coordinator", "osp", "parket", "handhaving", "liec", "dpo", "beheerder"), OK)

ROUTES = [
    Route("legal:overview", signed_in(DENY, **_legal_readers)),
    # Everyone signed in may read (and accept) the code.
    Route("legal:code", signed_in(OK)),
    Route("legal:code", signed_in(REDIRECT), method="POST"),
    Route("legal:code_publish", signed_in(DENY, beheerder=OK)),
]
