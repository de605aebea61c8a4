"""Scheduled tasks: the DPO's start-page panel and the page, at 1280 px and on a phone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .helpers import log_in, narrow_table_problems, no_overflow, wide_table_problems

pytestmark = pytest.mark.browser


def test_dpo_sees_late_and_failed_tasks_and_opens_the_page(demo_server, page_at, screenshot):
    from django.utils import timezone

    from schakel.core import scheduled
    from schakel.core.models import ScheduledRun

    now = timezone.now()
    for task in scheduled.TASKS:
        if task.command not in ("signals_retention", "audit_verify"):
            ScheduledRun.objects.create(task=task.command, started_at=now, finished_at=now, ok=True, summary="0")
    old = now - timedelta(days=3)
    ScheduledRun.objects.create(
        task="signals_retention",
        started_at=old,
        finished_at=old,
        ok=True,
        summary="signals_retention: deleted 2 signals",
    )
    ScheduledRun.objects.create(
        task="audit_verify", started_at=now, finished_at=now, ok=False, error="CommandError: audit chain BROKEN"
    )
    for width in (1280, 360):
        page = page_at(width)
        log_in(page, demo_server.url, "dpo@demo.schakel.test")
        panel = page.locator("#panel-scheduled_tasks")
        text = panel.inner_text()
        assert "Audittrail controleren" in text and "laatste poging mislukt" in text
        assert "Bewaartermijnen van signalen toepassen" in text and "te laat" in text
        assert "Bewaartermijnen van casussen" not in text  # on time
        no_overflow(page)
        screenshot(page, f"scheduled-home-{width}")
        panel.get_by_role("link", name="Naar de geplande taken").click()
        page.wait_for_url("**/geplande-taken/")
        assert page.get_by_role("heading", name="Geplande taken", exact=True).is_visible()
        body = page.locator("main").inner_text()
        assert "audit chain BROKEN" in body and "deleted 2 signals" in body
        problems = narrow_table_problems(page) if width == 360 else wide_table_problems(page)
        assert problems == [], problems
        screenshot(page, f"scheduled-page-{width}")
