"""An ordinary report that the triage officer sends to the OSP becomes a
youth signal (ADR 0302 amendment 1, security review S3): on a phone she is
sent back to her queue with a message, and the signal is gone for her; the
OSP sees it in full."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from .helpers import log_in, no_overflow

pytestmark = pytest.mark.browser


def test_the_triage_officer_hands_an_ordinary_report_to_the_osp_and_loses_sight(demo_server, page_at, screenshot):
    from playwright.sync_api import expect

    from schakel.core.testing import persona_user
    from schakel.signals import services
    from schakel.signals.models import Category
    from schakel.workflows.models import WorkItem

    signal = services.signal_create(
        actor=persona_user("frontlijn"),
        category=Category.objects.get(code="overlast"),
        description="Groepje tieners hangt elke avond aan het speelplein; één jongen deelt pakjes uit (fictief).",
        observed_at=timezone.now() - timedelta(hours=3),
    )
    for choice in ("relevant", "verder"):
        signal.refresh_from_db()
        item = WorkItem.objects.get(instance_id=signal.instance_id, status=WorkItem.Status.OPEN)
        services.signal_task_complete(actor=persona_user("triage"), signal=signal, item_pk=item.pk, choice=choice)

    phone = page_at(360, 740)
    log_in(phone, demo_server.url, "triage@demo.schakel.test")
    phone.goto(demo_server.url + reverse("signals:detail", args=[signal.pk]))
    expect(phone.get_by_role("heading", level=1)).to_contain_text(signal.reference)
    phone.get_by_label("OSP (jongeren)", exact=True).check()
    phone.get_by_role("button", name="Stap afronden").click()
    phone.wait_for_load_state()
    # Back in the queue, told that the signal went to the OSP and is out of sight.
    expect(phone.get_by_role("heading", level=1)).to_have_text("Wachtrij van mijn team")
    expect(phone.get_by_text(f"Signaal {signal.reference} is overgedragen aan het OSP")).to_be_visible()
    expect(phone.get_by_role("link", name=signal.reference)).to_have_count(0)
    no_overflow(phone)
    screenshot(phone, "signals-handed-to-osp-360")
    assert phone.goto(demo_server.url + reverse("signals:detail", args=[signal.pk])).status == 404
    assert phone.csp_errors == [], phone.csp_errors

    # The OSP has it in its queue, marked as a youth signal.
    osp = page_at(1280, 900)
    log_in(osp, demo_server.url, "osp@demo.schakel.test")
    osp.goto(demo_server.url + reverse("signals:queue"))
    row = osp.locator("tr", has=osp.get_by_role("link", name=signal.reference))
    expect(row.get_by_text("jongere", exact=True)).to_be_visible()
    row.get_by_role("link", name=signal.reference).click()
    expect(osp.get_by_role("heading", level=1)).to_contain_text("jongerensignaal")
    expect(osp.get_by_text("één jongen deelt pakjes uit")).to_be_visible()
