from schakel.core.access import OK, Route, signed_in

ROUTES = [
    Route("core:home", signed_in(OK)),
    Route("core:health", {"anonymous": OK, "*": OK}),
]
