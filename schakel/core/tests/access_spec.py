from schakel.core.access import DENY, OK, Route, signed_in

ROUTES = [
    Route("core:home", signed_in(OK)),
    Route("core:health", {"anonymous": OK, "*": OK}),
    # Whether the scheduled commands run: the administrator and the DPO.
    Route("core:scheduled", signed_in(DENY, beheerder=OK, dpo=OK)),
]
