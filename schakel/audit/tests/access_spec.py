from schakel.core.access import DENY, OK, Route, signed_in

ROUTES = [
    Route("audit:event_list", signed_in(DENY, dpo=OK)),
    # Invalid filter values: a Dutch message on the page, never a 500.
    Route("audit:event_list", signed_in(DENY, dpo=OK), query="?date_from=31-02-2026&kind=onbekend&organisation=x"),
    Route("audit:event_list", signed_in(DENY, dpo=OK), query="?before=abc&after=-1"),
    Route("audit:event_export", signed_in(DENY, dpo=OK)),
]
