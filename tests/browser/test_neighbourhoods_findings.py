"""Hallway-test findings on the neighbourhoods pages, on a phone (360 px):
wijkschouw photos open through the checked view (M6), a mistaken score is
withdrawn with a reason and stops counting (M7), the incident choice shows date
and time (M11), the Back button cannot save a QRT activity twice (m5), and a
form without map tiles shows a note instead of a grey box (m18)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from .helpers import log_in
from .helpers import no_overflow as _no_overflow

pytestmark = pytest.mark.browser

QRT = "qrt@demo.schakel.test"


def _expect():
    from playwright.sync_api import expect

    return expect


def test_wijkschouw_photo_and_withdrawn_score_at_360(demo_server, page_at, screenshot):
    from schakel.audit.models import AuditEvent
    from schakel.neighbourhoods.models import WalkScore

    expect = _expect()
    with_photo = WalkScore.objects.filter(walk__is_demo=True).exclude(photo="").order_by("pk").first()
    walk = with_photo.walk
    page = page_at(360, 740)
    log_in(page, demo_server.url, QRT)
    page.goto(demo_server.url + reverse("neighbourhoods:walk_detail", args=[walk.pk]))

    # --- M6: the photo link goes to the checked view and the photo arrives -----------
    link = page.locator(f"#score-{with_photo.pk}").get_by_role("link", name="foto")
    href = link.get_attribute("href")
    assert href == reverse("neighbourhoods:walk_photo", args=[walk.pk, with_photo.pk])
    assert "/media/" not in page.content()
    response = page.request.get(demo_server.url + href)
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert AuditEvent.objects.filter(action="neighbourhoods.walk_photo_viewed", object_id=str(with_photo.pk)).exists()
    stranger = page_at(360, 740)
    stranger.goto(demo_server.url + href)
    assert "/account/aanmelden/" in stranger.url  # no session: to the login page, no photo

    # --- M7: score C by mistake, then withdraw it with a reason ------------------------
    page.locator("#id_score-item").select_option(label="Zwerfvuil en sluikstort")
    page.locator("label.choice", has_text=re.compile(r"^\s*D\s*$")).click()
    page.get_by_role("button", name="Score opslaan").click()
    expect(page.get_by_text("Score opgeslagen.")).to_be_visible()
    wrong = WalkScore.objects.filter(walk=walk, value="D").order_by("-pk").first()
    walk.refresh_from_db()
    before = walk.score
    row = page.locator(f"#score-{wrong.pk}")
    row.get_by_text("Score fout? Intrekken").click()
    row.get_by_role("button", name="Score intrekken").click()
    row = page.locator(f"#score-{wrong.pk}")
    expect(row.get_by_text("Geef de reden waarom deze score fout is.")).to_be_visible()
    row.get_by_label("Waarom is deze score fout?").fill("Verkeerd item aangeduid")
    _no_overflow(page)
    screenshot(page, "wijkschouw-withdraw-form-360")
    row.get_by_role("button", name="Score intrekken").click()
    expect(page.get_by_text("De score is ingetrokken en telt niet meer mee.")).to_be_visible()
    row = page.locator(f"#score-{wrong.pk}")
    expect(row).to_have_class(re.compile("score--withdrawn"))
    expect(row.locator("del.badge")).to_have_text("D")
    expect(row).to_contain_text("Verkeerd item aangeduid")
    walk.refresh_from_db()
    assert walk.score > before
    expect(page.locator(".score-summary strong")).to_have_text(f"{walk.score:.1f}".replace(".", ",") + " / 100")
    row.scroll_into_view_if_needed()
    _no_overflow(page)
    screenshot(page, "wijkschouw-withdrawn-360")
    assert page.csp_errors == []


def test_qrt_log_incident_labels_back_button_and_no_map_at_360(demo_server, page_at, screenshot, settings):
    from schakel.neighbourhoods.models import QrtActivity

    expect = _expect()
    settings.MAP_TILE_URL = ""
    page = page_at(360, 740)
    log_in(page, demo_server.url, QRT)

    # --- m18: the incident form without tiles: a note, the address and "Gebruik mijn locatie"
    page.goto(demo_server.url + reverse("neighbourhoods:incident_create"))
    expect(page.get_by_text("Geen achtergrondkaart ingesteld.")).to_be_visible()
    expect(page.locator("[data-map]")).to_have_count(0)
    expect(page.get_by_label("Adres")).to_be_visible()
    expect(page.get_by_role("button", name="Gebruik mijn locatie")).to_be_visible()
    _no_overflow(page)
    screenshot(page, "incident-form-no-tiles-360")

    # --- M11: the incident choice: date and time first, newest first, no two alike --
    page.goto(demo_server.url + reverse("neighbourhoods:qrt_create"))
    labels = [t.strip() for t in page.locator("#id_incident option").all_inner_texts() if t.strip() != "---------"]
    assert labels and len(set(labels)) == len(labels)
    assert all(re.match(r"^\d{2}-\d{2}-\d{4} \d{2}:\d{2} · ", label) for label in labels), labels
    stamps = [re.match(r"^(\d{2})-(\d{2})-(\d{4}) (\d{2}:\d{2})", label).groups() for label in labels]
    keys = [(y, m, d, hm) for d, m, y, hm in stamps]
    assert keys == sorted(keys, reverse=True)

    # --- m5: save, Back, save again: one activity, and the user is told -------------
    before = QrtActivity.objects.count()
    page.get_by_label("Bewonerscontact").check()
    page.get_by_label("Duur (minuten)").fill("20")
    page.get_by_label("Gebied").select_option(label="Demo-wijk Noordoost")
    page.get_by_label("Bereikte bewoners").fill("4")
    page.get_by_label("Notities").fill("Terug-knop-test")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Activiteit opgeslagen.")).to_be_visible()
    assert QrtActivity.objects.count() == before + 1
    page.go_back()
    page.wait_for_load_state()
    expect(page.get_by_label("Notities")).to_have_value("Terug-knop-test")
    page.get_by_role("button", name="Opslaan").click()
    # Back either restores the page (same token: the saved activity is shown) or
    # reloads it with the typed values (new token: a warning, nothing saved)
    notice = page.locator(".message").filter(
        has_text=re.compile("Dit formulier was al opgeslagen|al een activiteit met precies dezelfde gegevens")
    )
    expect(notice).to_be_visible()
    assert QrtActivity.objects.count() == before + 1
    activity = QrtActivity.objects.get(notes="Terug-knop-test")
    if "precies dezelfde" in notice.inner_text():
        expect(page.get_by_label("Notities")).to_have_value("Terug-knop-test")
        expect(notice.get_by_role("link", name="Bekijk de opgeslagen activiteit")).to_have_attribute(
            "href", reverse("neighbourhoods:qrt_edit", args=[activity.pk])
        )
    else:
        assert page.url.endswith(reverse("neighbourhoods:qrt_edit", args=[activity.pk]))
    _no_overflow(page)
    screenshot(page, "qrt-back-button-360")
    assert page.csp_errors == []
