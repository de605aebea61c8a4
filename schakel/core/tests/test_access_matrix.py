"""Every named route × anonymous and every demo persona → the expected answer."""

from __future__ import annotations

import importlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from schakel.accounts.seeding import demo_users
from schakel.core.access import matches
from schakel.core.seeding import schakel_apps
from schakel.core.testing import persona_user

# Routes of third-party code that are not ours to classify.
IGNORED_NAMESPACES = {"djdt"}
IGNORED_NAMES = {"set_language"}  # Django's view; tested in core/tests/test_i18n.py


def named_routes(resolver=None, namespace: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            if ns in IGNORED_NAMESPACES:
                continue
            prefix = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            names |= named_routes(entry, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            full = f"{namespace}:{entry.name}" if namespace else entry.name
            if full not in IGNORED_NAMES:
                names.add(full)
    return names


def all_specs() -> dict[str, list]:
    specs = {}
    for cfg in schakel_apps():
        try:
            module = importlib.import_module(f"{cfg.name}.tests.access_spec")
        except ModuleNotFoundError as exc:
            if exc.name == f"{cfg.name}.tests.access_spec":
                continue
            raise
        specs[cfg.label] = module.ROUTES
    return specs


PERSONAS = ["anonymous"] + [u["persona"] for u in demo_users()["users"]]


def test_every_route_is_classified():
    classified = {route.name for routes in all_specs().values() for route in routes}
    missing = sorted(named_routes() - classified)
    assert not missing, f"routes without an access-matrix entry: {missing}"
    stale = sorted(classified - named_routes())
    assert not stale, f"access-matrix entries for routes that do not exist: {stale}"


@pytest.mark.parametrize("app_label", sorted(all_specs()))
def test_access_matrix(app_label, client, seeded):
    login_path = reverse("accounts:login")
    failures = []
    for route in all_specs()[app_label]:
        url = reverse(route.name, kwargs=route.kwargs() if route.kwargs else None) + route.query
        for persona in PERSONAS:
            client.logout()
            if persona != "anonymous":
                client.force_login(persona_user(persona))
            if route.method == "POST":
                response = client.post(url, route.data)
            else:
                response = client.get(url)
            expected = route.expected_for(persona)
            if not matches(expected, response, login_path):
                failures.append(f"{route.name} as {persona}: expected {expected}, got {response.status_code}")
    assert not failures, "\n".join(failures)
