from schakel.core.access import OK, Route, signed_in

ROUTES = [
    # The schema describes endpoints, not data; any signed-in user may read it.
    Route("api:schema", signed_in(OK, anonymous=403)),
]
