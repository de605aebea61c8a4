"""Security review finding A1: every API endpoint is rate limited, the
registry search (a hit/no-hit trigger) more tightly than the rest."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.throttling import UserRateThrottle


def _api_views(patterns=None, prefix=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from _api_views(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and (prefix + str(p.pattern)).startswith("api/"):
            cls = getattr(p.callback, "cls", None) or getattr(p.callback, "view_class", None)
            if cls is not None:
                yield prefix + str(p.pattern), cls


def test_the_api_has_views():
    assert len(list(_api_views())) >= 5


def test_every_api_endpoint_is_rate_limited():
    unthrottled = [
        route for route, cls in _api_views() if not any(isinstance(t, UserRateThrottle) for t in cls().get_throttles())
    ]
    assert unthrottled == []


def test_the_user_rate_answers_429_with_retry_after(persona_client, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {**UserRateThrottle.THROTTLE_RATES, "user": "3/min"})
    client = persona_client("triage")
    url = reverse("api:signal_list")
    codes = [client.get(url).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    last = client.get(url)
    assert last.status_code == 429 and int(last["Retry-After"]) > 0
    # Another user has a count of their own.
    assert persona_client("coordinator").get(url).status_code == 200


def test_the_registry_search_allows_sixty_searches_a_minute(persona_client):
    client = persona_client("liec")
    url = reverse("api:subject_search")
    codes = [client.get(url, {"q": f"Naam{i}"}).status_code for i in range(60)]
    assert codes == [200] * 60
    assert client.get(url, {"q": "Nog een"}).status_code == 429
