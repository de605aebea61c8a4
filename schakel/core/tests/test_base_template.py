"""The base template: every page's title names the page, then the app."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_page_title_is_page_then_app(client):
    html = client.get(reverse("accounts:login")).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    assert title.endswith(" · Schakel")
    assert title != " · Schakel" and not title.startswith("·")


def test_every_page_names_its_icon_and_the_icon_is_served(client):
    """Without an icon link the browser asks /favicon.ico on every page: a
    404 in the log and in the console each time."""
    from django.contrib.staticfiles import finders

    html = client.get(reverse("accounts:login")).content.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html).group(1)
    assert href.endswith("schakel/favicon.svg")
    path = finders.find("schakel/favicon.svg")
    assert path
    with open(path) as icon:
        assert icon.read().startswith("<svg")
