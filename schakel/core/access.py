"""The access matrix: every route, every role, the expected answer.

Each app lists its routes in ``<app>/tests/access_spec.py`` as ``ROUTES``.
``core/tests/test_access_matrix.py`` walks the URL configuration and fails for
any named route that no spec classifies, then requests each route as an
anonymous visitor and as every demo persona and compares the answers.

Expected answers:
    OK      200
    LOGIN   redirect to the login page
    DENY    403 or 404 (404 where "not yours" must look like "missing")
    REDIRECT any other redirect
    NOT_ALLOWED 405 (e.g. GET on a POST-only route)
    or an explicit status code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

OK = "ok"
LOGIN = "login"
DENY = "deny"
REDIRECT = "redirect"
NOT_ALLOWED = "not_allowed"


@dataclass
class Route:
    name: str
    # persona code -> expectation; "anonymous" for visitors; "*" for every
    # signed-in persona not named.
    expect: dict[str, str | int]
    kwargs: Callable[[], dict] | None = None
    query: str = ""
    method: str = "GET"
    data: dict = field(default_factory=dict)

    def expected_for(self, persona: str):
        if persona in self.expect:
            return self.expect[persona]
        if persona == "anonymous":
            return LOGIN
        return self.expect["*"]


def signed_in(default, anonymous=LOGIN, **overrides) -> dict:
    """expect=signed_in(DENY, coordinator=OK) reads: visitors go to login,
    everyone is refused except the coordinator."""
    return {"anonymous": anonymous, "*": default, **overrides}


def matches(expected, response, login_path: str) -> bool:
    status = response.status_code
    if isinstance(expected, int):
        return status == expected
    location = response.get("Location", "")
    if expected == OK:
        return status == 200
    if expected == LOGIN:
        return status in (301, 302) and location.startswith(login_path)
    if expected == DENY:
        return status in (403, 404)
    if expected == REDIRECT:
        return status in (301, 302, 303) and not location.startswith(login_path)
    if expected == NOT_ALLOWED:
        return status == 405
    raise ValueError(f"unknown expectation {expected!r}")
