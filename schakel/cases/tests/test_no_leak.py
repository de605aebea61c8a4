"""Nothing of a case leaks to someone outside its circle (issue 6, ADR 0400/0401/0404).

Three observers look at the platform: an outreach worker (youth cases only)
next to an OBH case, a police analyst and a city colleague who may join OBH
cases but are not in this one. The proof is differential where it can be:
everything an observer can ask — pages, API, counts, search, agendas, exports,
error answers — is recorded, the secret case is created (with subjects,
minutes, a decision and a place on a shared meeting's agenda), and every
answer is asked again. The two recordings must be identical, byte for byte
apart from per-request tokens. Guessed ids are compared with ids that do not
exist. Separate tests cover the young person's identity (pseudonym only for a
city officer) and the hit notification of the case owner.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from schakel.audit.models import AuditEvent
from schakel.cases import services
from schakel.cases.models import Hit, Notification
from schakel.subjects import services as subject_services

from .conftest import OBH_PERMS, YOUTH_PERMS

pytestmark = pytest.mark.django_db

REGISTRY = ["subjects.view_subject", "subjects.change_subject"]
SECRET_TITLE = "Zeldzaam pand Quirinuskaai"
SECRET_STRINGS = [
    SECRET_TITLE,
    "Quirinuskaai",
    "Xaverius",
    "Quastenberg",
    "Quastbar",
    "85.07.30-033.28",
    "85073003328",
    "0403.170.701",
    "0403170701",
    "1QZX999",
    "30-07-1985",
    "VERSLAG-GEHEIM",
    "BESLUIT-GEHEIM",
    "NOTITIE-GEHEIM",
]


def scrub(content: bytes) -> str:
    """An answer without its per-request parts (CSRF token, CSP nonce, ICS stamp)."""
    text = content.decode("utf-8", "replace")
    text = re.sub(r'nonce="[^"]*"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]*"', "", text)
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    return re.sub(r"DTSTAMP:\S+", "DTSTAMP", text)


def url_or_none(name, *args):
    """Routes of the subject registry pages are added by another module; a
    route that does not exist (yet) is skipped, one that exists is checked."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@pytest.fixture
def owner(make_user, city):
    """Owns the secret case; sees every (non-youth) signal and may link them."""
    return make_user(OBH_PERMS + REGISTRY + ["cases.link_signal", "signals.view_all_signals"], org=city)


@pytest.fixture
def observers(make_user, city, police):
    return {
        "outreach": make_user(YOUTH_PERMS + REGISTRY, org=city),
        "analyst": make_user(OBH_PERMS + REGISTRY, org=police),
        "colleague": make_user(OBH_PERMS + REGISTRY, org=city),
    }


@pytest.fixture
def world(owner, observers, ground):
    """Each observer has a case of his own; the analyst shares one case with
    the owner; all three take part in the owner's OBH meeting."""
    own = {}
    for name, user in observers.items():
        case_type = "youth" if name == "outreach" else "obh"
        own[name] = services.case_open(
            actor=user, case_type=case_type, title=f"Eigen dossier {name}", legal_ground=ground
        )
        kid = subject_services.person_create(actor=user, first_name="Eigen", last_name=f"Persoon {name}")
        services.case_subject_add(actor=user, case=own[name], subject=kid, role="involved")
    shared = services.case_open(actor=owner, case_type="obh", title="Gedeeld dossier", legal_ground=ground)
    services.case_member_add(actor=owner, case=shared, user=observers["analyst"], role="partner", legal_ground=ground)
    start = timezone.now() + dt.timedelta(days=3)
    meeting = services.meeting_create(
        actor=owner,
        meeting_type="obh",
        title="OBH december",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        location="Stadhuis",
        participants=list(observers.values()),
    )
    item = services.meeting_item_add(actor=owner, meeting=meeting, case=shared)
    # Each observer reported a signal; the owner will link them to the secret case.
    from schakel.signals.models import Category, Signal

    category = Category.objects.create(code="t-pand", name="Pand met kenmerken")
    reported = {
        name: Signal.objects.create(
            reporter=user,
            category=category,
            observed_at=timezone.now() - dt.timedelta(days=1),
            description=f"Melding van {name}: afgeplakte ramen.",
        )
        for name, user in observers.items()
    }
    return {"own": own, "shared": shared, "meeting": meeting, "shared_item": item, "signals": reported}


def make_secret(owner, ground, meeting, signals=()):
    """The OBH case nobody else may learn of, with every kind of content
    (and the given signals linked to it)."""
    case = services.case_open(actor=owner, case_type="obh", title=SECRET_TITLE, legal_ground=ground)
    person = subject_services.person_create(
        actor=owner,
        first_name="Xaverius",
        last_name="Quastenberg",
        birth_date=dt.date(1985, 7, 30),
        national_number="85.07.30-033.28",
    )
    shop = subject_services.enterprise_create(actor=owner, name="Quastbar", kbo_number="0403.170.701")
    car = subject_services.vehicle_create(actor=owner, plate="1-QZX-999")
    for subject, role in ((person, "operator"), (shop, "enterprise"), (car, "vehicle")):
        services.case_subject_add(actor=owner, case=case, subject=subject, role=role)
    services.case_link_create(
        actor=owner,
        case=case,
        source_subject_id=person.pk,
        target_subject_id=shop.pk,
        link_type="manages",
        source="KBO",
    )
    item = services.meeting_item_add(actor=owner, meeting=meeting, case=case)
    services.minutes_save(actor=owner, item=item, text="VERSLAG-GEHEIM over de uitbater", expected_version=0)
    services.decision_record(actor=owner, item=item, text="BESLUIT-GEHEIM: sluiting voorbereiden")
    for signal in signals:
        services.case_signal_link(actor=owner, case=case, signal=signal, note="NOTITIE-GEHEIM bij de melding")
    return {"case": case, "person": person, "shop": shop, "car": car, "item": item}


def search_queries():
    return ["Xaverius Quastenberg", "Quastenberg Xaverius", "85.07.30-033.28", "0403.170.701", "1-QZX-999", "Quastbar"]


def observe(client, world, name):
    """Every answer the observer can get without knowing an id of the secret case."""
    own, meeting = world["own"][name], world["meeting"]
    gets = [
        reverse("cases:list"),
        reverse("cases:list") + "?q=Quirinuskaai",
        reverse("cases:list") + "?type=obh",
        reverse("cases:list") + "?status=aangemeld",
        reverse("cases:hit_list"),
        reverse("cases:meeting_list"),
        reverse("cases:meeting_detail", args=[meeting.pk]),
        reverse("cases:meeting_ics", args=[meeting.pk]),
        reverse("cases:detail", args=[own.pk]),
        reverse("cases:duplicates", args=[own.pk]),
        reverse("cases:link_add", args=[own.pk]),
        reverse("cases:network", args=[own.pk]),
        reverse("api:case_list"),
        reverse("api:case_list") + "?q=Quirinuskaai",
        reverse("api:case_list") + "?type=obh&status=aangemeld",
        reverse("api:case_subjects", args=[own.pk]),
        # The observer's own signal, which the owner links to the secret case.
        reverse("signals:mine"),
        reverse("signals:detail", args=[world["signals"][name].pk]),
    ]
    if name == "analyst":
        item = world["shared_item"]
        gets += [
            reverse("cases:meeting_item", args=[meeting.pk, item.pk]),
            reverse("cases:detail", args=[world["shared"].pk]),
        ]
    for query in search_queries():
        gets.append(reverse("api:subject_search") + f"?q={query}")
        page = url_or_none("subjects:search")
        if page:
            gets.append(f"{page}?q={query}")
    seen = {}
    for url in gets:
        response = client.get(url)
        seen[url] = f"{response.status_code}\n{scrub(response.content)}"
    return seen


def strip_typed(text, typed):
    from urllib.parse import quote, quote_plus

    for query in typed:
        for form in (query, quote(query), quote_plus(query), query.replace("-", "&#x2d;")):
            text = text.replace(form, "")
    return text


def assert_no_secret(texts, typed=()):
    """No secret string in any answer, apart from the echo of what the
    observer typed himself (a search box shows its query)."""
    for key, text in texts.items():
        text = strip_typed(text, typed)
        for secret in SECRET_STRINGS:
            assert secret not in text, f"{secret!r} leaks through {key}"


@pytest.mark.parametrize("name", ["outreach", "analyst", "colleague"])
def test_creating_a_case_changes_nothing_an_outsider_can_observe(client, world, owner, observers, ground, name):
    observer = observers[name]
    client.force_login(observer)
    before = observe(client, world, name)
    secret = make_secret(owner, ground, world["meeting"], signals=world["signals"].values())
    client.force_login(observer)
    after = observe(client, world, name)
    assert after.keys() == before.keys()
    # The observer's own pages and his signal answer (they are not refusals).
    signal_page = reverse("signals:detail", args=[world["signals"][name].pk])
    for url in (reverse("signals:mine"), signal_page, reverse("cases:detail", args=[world["own"][name].pk])):
        assert before[url].startswith("200\n"), url
    for url in before:
        assert after[url] == before[url], f"the answer of {url} changed when a case the observer is not in appeared"
    assert_no_secret(after, typed=["Quirinuskaai", *search_queries()])
    assert secret["case"].signal_links.count() == 3
    # Searching the secret case's subjects told the observer nothing, but its
    # owner got hits naming the observer as the one who triggered them.
    hits = Hit.objects.filter(case=secret["case"], triggered_by=observer)
    assert {h.matched_subject_id for h in hits} >= {secret["person"].pk, secret["shop"].pk, secret["car"].pk}
    assert not Notification.objects.filter(recipient=observer).exists()


def _case_urls(pk):
    return [
        reverse("cases:detail", args=[pk]),
        reverse("cases:network", args=[pk]),
        reverse("cases:plan", args=[pk]),
        reverse("cases:duplicates", args=[pk]),
        reverse("cases:subject_add", args=[pk]),
        reverse("cases:link_add", args=[pk]),
        reverse("cases:disclose", args=[pk]),
        reverse("cases:disclose_text", args=[pk]),
        reverse("cases:disclosed", args=[pk]),
        reverse("cases:member_add", args=[pk]),
        reverse("api:case_detail", args=[pk]),
        reverse("api:case_members", args=[pk]),
        reverse("api:case_subjects", args=[pk]),
    ]


def _answer(response, url_real, url_guess):
    return response.status_code, scrub(response.content).replace(url_real, "URL").replace(url_guess, "URL")


@pytest.mark.parametrize("name", ["outreach", "analyst", "colleague"])
@pytest.mark.parametrize("offset", [1, 7, 1000, 987654])
def test_a_guessed_case_id_answers_like_a_missing_one(client, world, owner, observers, ground, name, offset):
    secret = make_secret(owner, ground, world["meeting"])
    pk, missing = secret["case"].pk, secret["case"].pk + offset
    client.force_login(observers[name])
    for real_url, guess_url in zip(_case_urls(pk), _case_urls(missing), strict=True):
        real, guess = client.get(real_url), client.get(guess_url)
        assert real.status_code == 404, real_url
        assert _answer(real, real_url, guess_url) == _answer(guess, real_url, guess_url), real_url
    # Writes answer the same way: nothing changes, nothing is said.
    posts = [
        ("cases:status", {"to_status": "besproken"}),
        ("cases:status", {"to_status": "afgesloten", "note": "Geen opvolging nodig", "confirm": "1"}),
        ("cases:subject_add", {"kind": "vehicle", "role": "vehicle", "plate": "1-ABC-123"}),
        ("cases:member_add", {"user": observers[name].pk, "role": "partner"}),
        ("cases:disclose", {"purpose": "Iets doorgeven"}),
    ]
    for route, data in posts:
        real_url, guess_url = reverse(route, args=[pk]), reverse(route, args=[missing])
        real, guess = client.post(real_url, data), client.post(guess_url, data)
        assert real.status_code == 404
        assert _answer(real, real_url, guess_url) == _answer(guess, real_url, guess_url), route
    secret["case"].refresh_from_db()
    assert secret["case"].status == "aangemeld"
    assert secret["case"].members.count() == 1 and secret["case"].case_subjects.count() == 3
    refused = AuditEvent.objects.filter(action="cases.case_access_refused", actor=observers[name])
    assert {str(pk), str(missing)} <= set(refused.values_list("object_id", flat=True))


@pytest.mark.parametrize("name", ["outreach", "analyst", "colleague"])
def test_guessed_agenda_items_and_exports_answer_like_missing_ones(client, world, owner, observers, ground, name):
    meeting = world["meeting"]
    secret = make_secret(owner, ground, meeting)
    client.force_login(observers[name])
    for route in ("cases:meeting_item", "cases:item_pdf", "cases:decision_add", "cases:action_add"):
        real_url = reverse(route, args=[meeting.pk, secret["item"].pk])
        guess_url = reverse(route, args=[meeting.pk, secret["item"].pk + 500])
        real, guess = client.get(real_url), client.get(guess_url)
        assert real.status_code in (404, 405) and real.status_code == guess.status_code, route
        assert _answer(real, real_url, guess_url) == _answer(guess, real_url, guess_url), route
    ics = client.get(reverse("cases:meeting_ics", args=[meeting.pk])).content.decode()
    assert "OBH december" in ics
    assert_no_secret({"ics": ics})


@pytest.mark.parametrize("name", ["outreach", "analyst", "colleague"])
def test_a_guessed_subject_id_answers_like_a_missing_one(client, world, owner, observers, ground, name):
    """Subject ids of the secret case used on the observer's own case: reveal,
    link and merge answers are the same as for ids that do not exist."""
    secret = make_secret(owner, ground, world["meeting"])
    own = world["own"][name]
    person, missing = secret["person"].pk, secret["car"].pk + 1000
    client.force_login(observers[name])

    def both(route, data_for, args_for):
        real_url, guess_url = reverse(route, args=args_for(person)), reverse(route, args=args_for(missing))
        real, guess = client.post(real_url, data_for(person)), client.post(guess_url, data_for(missing))
        # A form error names the value the user typed ("12 is geen beschikbare keuze").
        real_text = re.sub(rf"(?<!\d){person}(?= is geen)", "ID", _answer(real, real_url, guess_url)[1])
        guess_text = re.sub(rf"(?<!\d){missing}(?= is geen)", "ID", _answer(guess, real_url, guess_url)[1])
        assert real.status_code == guess.status_code, route
        assert real_text == guess_text, route
        return real

    reveal = both("cases:reveal", lambda s: {"reason": "Ik wil weten wie dit is"}, lambda s: [own.pk, s])
    assert reveal.status_code == 404
    mine = own.case_subjects.get().subject_id
    link = both(
        "cases:link_add",
        lambda s: {"source_subject": mine, "target_subject": s, "link_type": "family_of", "source": "gok"},
        lambda s: [own.pk],
    )
    assert link.status_code == 200  # the form, with the same "not a valid choice" error
    merge = both(
        "cases:duplicates",
        lambda s: {"pair_a": mine, "pair_b": s, "survivor": mine, "reason": "zelfde"},
        lambda s: [own.pk],
    )
    assert merge.status_code == 404
    for url in (url_or_none("subjects:detail", person), url_or_none("subjects:edit", person)):
        if url:
            guess = url.replace(f"/{person}/", f"/{missing}/")
            real_r, guess_r = client.get(url), client.get(guess)
            assert real_r.status_code == guess_r.status_code == 404, url
            assert _answer(real_r, url, guess) == _answer(guess_r, url, guess)
    secret["person"].refresh_from_db()
    assert secret["person"].merged_into_id is None
    assert not own.case_subjects.filter(subject_id=person).exists()


def test_outreach_worker_cannot_see_an_obh_case_even_by_name(client, world, owner, observers, ground):
    secret = make_secret(owner, ground, world["meeting"])
    outreach = observers["outreach"]
    client.force_login(outreach)
    body = client.get(reverse("api:case_list"), {"type": "obh"}).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
    assert client.get(reverse("api:case_detail", args=[secret["case"].pk])).json() == {"detail": "Niet gevonden."}
    # Even as a participant of the meeting, the agenda does not show the case.
    html = client.get(reverse("cases:meeting_detail", args=[world["meeting"].pk])).content.decode()
    assert SECRET_TITLE not in html and secret["case"].reference not in html
    # Being added to the circle is refused: an outreach worker cannot join an OBH case.
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.case_member_add(actor=owner, case=secret["case"], user=outreach, role="partner", legal_ground=ground)


@pytest.fixture
def youth_world(make_user, city, ground):
    """A youth case of an outreach worker with a city officer in the circle."""
    osp = make_user(YOUTH_PERMS + REGISTRY, org=city)
    officer = make_user(YOUTH_PERMS + REGISTRY, org=city)
    case = services.case_open(actor=osp, case_type="youth", title="Jongere in beeld", legal_ground=ground)
    services.case_member_add(actor=osp, case=case, user=officer, role="partner", legal_ground=ground)
    young = subject_services.person_create(
        actor=osp,
        first_name="Ysaline",
        last_name="Verborgenhove",
        birth_date=dt.date(2011, 3, 9),
        national_number="11.03.09-004.07",
    )
    services.case_subject_add(actor=osp, case=case, subject=young, role="young_person")
    start = timezone.now() + dt.timedelta(days=2)
    meeting = services.meeting_create(
        actor=osp,
        meeting_type="youth",
        title="Casusoverleg jongeren",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        participants=[officer],
    )
    item = services.meeting_item_add(actor=osp, meeting=meeting, case=case)
    services.minutes_save(actor=osp, item=item, text=f"Besproken: {young.pseudonym}", expected_version=0)
    return {"osp": osp, "officer": officer, "case": case, "young": young, "meeting": meeting, "item": item}


IDENTITY = ["Ysaline", "Verborgenhove", "09-03-2011", "2011-03-09", "11.03.09-004.07", "11030900407"]


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_city_officer_in_the_circle_sees_the_young_person_by_pseudonym_only(client, youth_world):
    w = youth_world
    case, young, meeting, item = w["case"], w["young"], w["meeting"], w["item"]
    client.force_login(w["officer"])
    answers = {
        "page": client.get(reverse("cases:detail", args=[case.pk])).content.decode(),
        "network": client.get(reverse("cases:network", args=[case.pk])).content.decode(),
        "api": client.get(reverse("api:case_subjects", args=[case.pk])).content.decode(),
        "item": client.get(reverse("cases:meeting_item", args=[meeting.pk, item.pk])).content.decode(),
        "pdf": _pdf_text(client.get(reverse("cases:item_pdf", args=[meeting.pk, item.pk])).content),
    }
    for query in ("Ysaline Verborgenhove", "11.03.09-004.07", "Verborgenhove"):
        answers[f"api search {query}"] = client.get(reverse("api:subject_search"), {"q": query}).content.decode()
        page = url_or_none("subjects:search")
        if page:
            answers[f"page search {query}"] = strip_typed(client.get(page, {"q": query}).content.decode(), [query])
    for where, text in answers.items():
        for secret in IDENTITY:
            assert secret not in text, f"{secret!r} visible to the city officer in {where}"
    for where in ("page", "network", "api", "pdf"):
        assert young.pseudonym in answers[where], where
    # The pseudonym itself finds the young person, by pseudonym.
    found = client.get(reverse("api:subject_search"), {"q": young.pseudonym}).json()["results"]
    assert [(r["id"], r["label"]) for r in found] == [(young.pk, young.pseudonym)]


def test_city_officer_outside_the_circle_learns_nothing_of_the_young_person(client, youth_world, make_user, city):
    w = youth_world
    handhaving = make_user(OBH_PERMS + REGISTRY, org=city)
    client.force_login(handhaving)
    nothing = client.get(reverse("api:subject_search"), {"q": "Zoltan Niemandsland"})
    for query in ("Ysaline Verborgenhove", w["young"].pseudonym):
        response = client.get(reverse("api:subject_search"), {"q": query})
        assert response.status_code == nothing.status_code == 200
        assert response.json()["results"] == nothing.json()["results"] == []
        assert response.json().keys() == nothing.json().keys()
    assert client.get(reverse("api:case_detail", args=[w["case"].pk])).status_code == 404
    assert client.get(reverse("api:case_list")).json()["count"] == 0


def test_the_owners_hit_names_the_trigger_but_nothing_of_the_triggers_case(client, world, owner, observers, ground):
    secret = make_secret(owner, ground, world["meeting"])
    analyst = observers["analyst"]
    own = world["own"]["analyst"]
    # The analyst registers the same person in his own case (from the page).
    client.force_login(analyst)
    response = client.post(
        reverse("cases:subject_add", args=[own.pk]),
        {
            "kind": "person",
            "role": "involved",
            "first_name": "Xaverius",
            "last_name": "Quastenberg",
            "birth_date": "30-07-1985",
            "national_number": "85.07.30-033.28",
        },
    )
    assert response.status_code == 302
    hit = Hit.objects.get(case=secret["case"], triggered_by=analyst)
    assert hit.matched_subject_id == secret["person"].pk
    note = Notification.objects.get(recipient=owner, kind="hit")
    assert own.title not in note.text and own.reference not in note.text and "Quastenberg" not in note.text
    assert not Notification.objects.filter(recipient=analyst).exists()
    client.force_login(owner)
    hits_page = client.get(reverse("cases:hit_list")).content.decode()
    assert analyst.email in hits_page  # who triggered it, so the owner may contact him
    for other_side in (own.title, own.reference, "Eigen Persoon analyst"):
        assert other_side not in hits_page
    assert reverse("cases:detail", args=[own.pk]) not in hits_page
    # The owner cannot open the trigger's case either.
    assert client.get(reverse("cases:detail", args=[own.pk])).status_code == 404
    assert client.get(reverse("api:case_detail", args=[own.pk])).status_code == 404
