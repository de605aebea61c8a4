"""The main navigation. Apps register entries in their AppConfig.ready();
the menu shows an entry only when the user holds its permission, so nobody
sees a link to a page that would refuse them."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str  # lazy translation
    url_name: str
    permission: str | None  # None: every signed-in user
    order: int = 100


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _items[item.key] = item


def items_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    visible = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.key)):
        if item.permission is None or user.has_perm(item.permission):
            visible.append({"key": item.key, "label": item.label, "url": reverse(item.url_name)})
    return visible
