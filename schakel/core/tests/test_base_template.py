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
