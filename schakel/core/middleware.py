from __future__ import annotations

import ipaddress
import re

from django.conf import settings

from . import after_response, request_context

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


def client_ip(request) -> str | None:
    """The client address. Behind the reverse proxy (production) the proxy sets
    X-Forwarded-For; its last hop is the one our own proxy appended."""
    raw = request.META.get("REMOTE_ADDR") or ""
    if not settings.DEMO_MODE:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            raw = forwarded.split(",")[-1].strip()
    try:
        # The canonical spelling, so stored events, throttling and the hash agree.
        return str(ipaddress.ip_address(raw[:45]))
    except ValueError:
        return None


class RequestContextMiddleware:
    """Gives every request an id (or keeps a well-formed X-Request-ID from the
    proxy) and makes it available to the audit trail; opens the request's
    queue of work to run after the response (``after_response``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else request_context.new_request_id()
        request.request_id = request_id
        token = request_context.set_current(request_context.RequestContext(request_id, client_ip(request)))
        queue = after_response.open_queue()
        try:
            response = self.get_response(request)
        finally:
            after_response.close_queue(queue)
            request_context.reset(token)
        response["X-Request-ID"] = request_id
        return response
