from schakel.core.access import DENY, OK, Route, signed_in

ROUTES = [
    Route("places:address_search", signed_in(DENY, coordinator=OK, qrt=OK, qrtlead=OK, liec=OK), query="?q=Beth"),
    Route("places:area_list", signed_in(DENY, coordinator=OK, qrt=OK, qrtlead=OK, liec=OK, beheerder=OK)),
]
