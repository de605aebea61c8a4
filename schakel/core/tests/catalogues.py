"""Make sure the compiled translation catalogues (.mo) exist and are fresh.

``make run`` and ``make test`` run ``compilemessages``; a bare ``pytest`` run
may not. Tests that render French or English pages call ``ensure_compiled()``
first; it compiles only when a ``.mo`` is missing or older than its ``.po`` and
then drops Django's in-process catalogue cache so the new files are read.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command

IGNORE = [".venv", "node_modules", "staticfiles", "var", ".git", "test-artifacts"]


def po_files() -> list[Path]:
    return sorted(p for base in settings.LOCALE_PATHS for p in Path(base).glob("*/LC_MESSAGES/django.po"))


def _stale() -> bool:
    for po in po_files():
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            return True
    return False


def ensure_compiled() -> None:
    if not _stale():
        return
    call_command("compilemessages", ignore_patterns=IGNORE, verbosity=0)
    reset_translation_cache()


def reset_translation_cache() -> None:
    # The same reset Django's test signals do when LOCALE_PATHS changes.
    from asgiref.local import Local
    from django.utils.translation import trans_real

    trans_real._translations = {}
    trans_real._default = None
    trans_real._active = Local()
    # Django 5.2 caches "does a catalogue exist for this language" (check_for_language uses it).
    for name in ("translation_catalog_exists", "check_for_language"):
        cache_clear = getattr(getattr(trans_real, name, None), "cache_clear", None)
        if cache_clear:
            cache_clear()
