"""QRT in the street, on a phone (360 px): log an activity, score a wijkschouw
item with a photo, and see the incident map with its circles (no map tiles in
tests: the circles and markers must still be drawn)."""

from __future__ import annotations

import io
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


def _jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 140, 60)).save(buf, format="JPEG")
    return buf.getvalue()


def test_qrt_activity_and_wijkschouw_at_360(demo_server, page_at, screenshot):
    from schakel.neighbourhoods.models import QrtActivity, WalkScore

    expect = _expect()
    page = page_at(360, 740)
    log_in(page, demo_server.url, QRT)

    # --- a QRT activity, filled in as in the street ---------------------------------
    page.goto(demo_server.url + reverse("neighbourhoods:qrt_create"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Activiteit registreren")
    page.get_by_label("Opruimactie").check()
    page.get_by_label("Duur (minuten)").fill("45")
    address = page.get_by_label("Adres")
    address.press_sequentially("Bethaniënstraat 1", delay=20)
    # the datalist is filled by htmx from the address register
    expect(page.locator("#address-options option").first).to_have_attribute("value", re.compile("^Bethaniënstraat 1"))
    address.fill("Bethaniënstraat 1, 2800")
    page.get_by_label("Bereikte bewoners").fill("3")
    page.get_by_label("Notities").fill("Zwerfvuil aan de hoek opgeruimd met twee buren.")
    page.get_by_label("Agenderen op het PREV-POL-overleg").check()
    _no_overflow(page)
    screenshot(page, "qrt-activity-form-360")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Activiteit opgeslagen.")).to_be_visible()
    expect(page.get_by_text("Zwerfvuil aan de hoek opgeruimd met twee buren.")).to_be_visible()
    activity = QrtActivity.objects.get(notes__startswith="Zwerfvuil aan de hoek")
    assert activity.kind == "clean_up" and activity.duration_minutes == 45 and activity.prevpol_referral
    assert activity.address.street.name_nl == "Bethaniënstraat" and activity.address.house_number == "1"
    _no_overflow(page)
    screenshot(page, "qrt-activity-list-360")

    # --- a wijkschouw: start a walk, score one item with a photo ----------------------
    page.goto(demo_server.url + reverse("neighbourhoods:walk_create"))
    page.get_by_label("Sjabloon").select_option(label="Wijkschouw leefbaarheid (CROW)")
    page.get_by_label("Gebied").select_option(label="Demo-wijk Noordoost")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wijkschouw")
    page.locator("#id_score-item").select_option(label="Straatverlichting")
    page.locator("label.choice", has_text=re.compile(r"^\s*B\s*$")).click()
    page.get_by_label("Opmerking").fill("Twee lampen stuk in de doorsteek.")
    page.get_by_label("Foto").set_input_files(files=[{"name": "lamp.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])
    _no_overflow(page)
    screenshot(page, "wijkschouw-score-form-360")
    page.get_by_role("button", name="Score opslaan").click()
    expect(page.get_by_text("Score opgeslagen.")).to_be_visible()
    expect(page.get_by_text("Twee lampen stuk in de doorsteek.")).to_be_visible()
    score = WalkScore.objects.get(remark="Twee lampen stuk in de doorsteek.")
    assert score.value == "B" and score.photo
    expect(page.locator(".score-summary strong")).to_have_text("50,0 / 100")
    _no_overflow(page)
    screenshot(page, "wijkschouw-walk-360")

    # --- the trend of a demo area, and the incident map without tiles --------------
    page.get_by_role("link", name="trend van dit gebied").click()
    expect(page.locator("svg.trend-chart circle").first).to_be_visible()
    screenshot(page, "wijkschouw-trend-360")
    page.goto(demo_server.url + reverse("neighbourhoods:incident_list"))
    expect(page.locator("#incident-map path.leaflet-interactive")).to_have_count(8)  # 4 circles + 4 markers
    _no_overflow(page)
    screenshot(page, "incidents-map-360")
    assert page.csp_errors == []


def test_incident_history_at_360(demo_server, page_at, screenshot):
    """The QRT lead edits an incident; the incident page shows the appended
    history, with the internal-notes change only for readers of internal notes."""
    from schakel.neighbourhoods.models import Incident, IncidentRevision

    expect = _expect()
    incident = Incident.objects.filter(is_demo=True, location_label="Kalverenstraat").get()
    page = page_at(360, 740)
    log_in(page, demo_server.url, "qrtlead@demo.schakel.test")
    page.goto(demo_server.url + reverse("neighbourhoods:incident_edit", args=[incident.pk]))
    page.get_by_label("Schade").fill("Voordeur vernield, ruiten van twee buren gebarsten.")
    page.get_by_label("Interne notities").fill("Piste: conflict rond een verdwenen lading (demo).")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Incident bijgewerkt.")).to_be_visible()
    history = page.locator("#geschiedenis")
    expect(history.get_by_role("heading", name="Geschiedenis")).to_be_visible()
    expect(history.locator(".history__entry")).to_have_count(2)  # created by the seed, changed now
    expect(history).to_contain_text("Voordeur vernield, ruiten van twee buren gebarsten.")
    expect(history).to_contain_text("Piste: conflict rond een verdwenen lading (demo).")
    expect(history).to_contain_text("Eva Demo-QRT-verantwoordelijke")
    assert IncidentRevision.objects.filter(incident=incident).count() == 2
    history.scroll_into_view_if_needed()
    _no_overflow(page)
    screenshot(page, "incident-history-360")

    member = page_at(360, 740)
    log_in(member, demo_server.url, QRT)
    member.goto(demo_server.url + reverse("neighbourhoods:incident_detail", args=[incident.pk]))
    history = member.locator("#geschiedenis")
    expect(history).to_contain_text("Voordeur vernield, ruiten van twee buren gebarsten.")
    expect(history).not_to_contain_text("Piste: conflict")
    _no_overflow(member)
    screenshot(member, "incident-history-qrt-member-360")
    assert page.csp_errors == [] and member.csp_errors == []
