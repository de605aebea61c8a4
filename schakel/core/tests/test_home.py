"""The home page's "what waits on me" panels (core/home.py and <app>/home.py)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from schakel.core import home
from schakel.core.testing import UserFactory, assert_constant_queries, home_panels, persona_user

pytestmark = pytest.mark.django_db


def test_panels_follow_the_roles(client, seeded):
    triage, _ = home_panels(client, persona_user("triage"))
    assert "signals_queue" in triage
    assert "cases_actions" not in triage  # no case type to take part in
    parket, _ = home_panels(client, persona_user("parket"))
    assert {"cases_actions", "cases_meetings"} <= set(parket)
    assert "signals_queue" not in parket
    # Someone who only reads the plan gets no plan panel (nothing of theirs is due);
    # the DPO sees only whether the scheduled commands run (none ever did here).
    dpo, html = home_panels(client, persona_user("dpo"))
    assert set(dpo) == {"scheduled_tasks"}
    assert "Modules" in html


def test_anonymous_gets_the_login_page(client, seeded):
    response = client.get("/")
    assert response.status_code == 302
    from django.contrib.auth.models import AnonymousUser

    assert home.panels_for(AnonymousUser(), today=timezone.localdate()) == []


def _youth_signal():
    from schakel.signals import services
    from schakel.signals.models import Category

    return services.signal_create(
        actor=persona_user("frontlijn"),
        category=Category.objects.get(code="jongeren"),
        description="Jongere wordt opgehaald door een auto (fictief).",
        observed_at=timezone.now() - timedelta(hours=1),
    )


def test_youth_signal_only_on_the_home_of_those_who_may_see_youth_signals(client, seeded):
    from schakel.signals.selectors import queue_for

    signal = _youth_signal()
    osp = persona_user("osp")
    assert signal.team in osp.units.all()
    reference = f"S-{signal.pk:06d}"
    panels, html = home_panels(client, osp)
    assert reference in html
    assert panels["signals_queue"].total == queue_for(osp).count()

    # A team-mate who triages but may not see youth signals.
    mate = UserFactory(organisation=osp.organisation, perms=["signals.triage_signal"])
    mate.units.add(signal.team)
    panels, html = home_panels(client, mate)
    assert reference not in html
    assert all(reference not in row.label for row in panels["signals_queue"].rows)
    assert panels["signals_queue"].total == queue_for(mate).count()


def _action(case, organisation, **kw):
    from schakel.cases.models import ActionItem, Track

    return ActionItem.objects.create(
        case=case,
        title=kw.pop("title", "Controle uitbating (fictief)"),
        track=Track.values[0],
        owner_organisation=organisation,
        created_by=persona_user("handhaving"),
        **kw,
    )


def test_case_actions_only_from_the_users_own_circles(client, seeded):
    from schakel.cases.models import Case, CaseMember

    handhaving = persona_user("handhaving")
    youth_case = Case.objects.get(case_type="youth")
    assert not CaseMember.objects.filter(case=youth_case, user=handhaving, removed_at__isnull=True).exists()
    hidden = _action(youth_case, handhaving.organisation, title="Huisbezoek bij het gezin (fictief)")
    obh = Case.objects.filter(case_type="obh", members__user=handhaving).first()
    shown = _action(obh, handhaving.organisation, title="Sluiting voorbereiden (fictief)")
    panels, html = home_panels(client, handhaving)
    labels = [row.label for row in panels["cases_actions"].rows]
    assert shown.title in labels
    assert hidden.title not in html and youth_case.reference not in html


def test_case_actions_of_a_colleague_are_not_mine_but_unassigned_ones_are(client, seeded):
    from schakel.cases.models import Case

    handhaving, liec = persona_user("handhaving"), persona_user("liec")
    obh = Case.objects.filter(case_type="obh", members__user=handhaving).filter(members__user=liec).first()
    colleague = UserFactory(organisation=handhaving.organisation)
    other = _action(obh, handhaving.organisation, title="Van een collega (fictief)", owner_user=colleague)
    unassigned = _action(obh, handhaving.organisation, title="Voor de dienst (fictief)")
    for_me = _action(obh, liec.organisation, title="Voor mij bij een partner (fictief)", owner_user=handhaving)
    panels, _ = home_panels(client, handhaving)
    labels = [row.label for row in panels["cases_actions"].rows]
    assert unassigned.title in labels and for_me.title in labels
    assert other.title not in labels
    # The partner organisation's own unassigned actions are not on the LIEC analyst's
    # home for the city's action, and vice versa.
    panels, _ = home_panels(client, liec)
    assert unassigned.title not in [row.label for row in panels["cases_actions"].rows]


def test_overdue_actions_are_counted_and_marked(client, seeded):
    from schakel.cases.models import Case

    handhaving = persona_user("handhaving")
    obh = Case.objects.filter(case_type="obh", members__user=handhaving).first()
    today = timezone.localdate()
    late = _action(obh, handhaving.organisation, title="Te laat (fictief)", due_date=today - timedelta(days=2))
    _action(obh, handhaving.organisation, title="Op tijd (fictief)", due_date=today + timedelta(days=5))
    panels, html = home_panels(client, handhaving)
    panel = panels["cases_actions"]
    assert panel.overdue >= 1
    assert panel.rows[0].label == late.title and panel.rows[0].overdue
    assert re.search(r'badge badge--danger">\s*termijn ' + (today - timedelta(days=2)).strftime("%d-%m-%Y"), html)


def test_done_actions_leave_the_panel(client, seeded):
    from schakel.cases.models import ActionItem, Case

    handhaving = persona_user("handhaving")
    obh = Case.objects.filter(case_type="obh", members__user=handhaving).first()
    done = _action(obh, handhaving.organisation, title="Afgewerkt (fictief)", status=ActionItem.Status.DONE)
    panels, _ = home_panels(client, handhaving)
    assert done.title not in [row.label for row in panels["cases_actions"].rows]


def test_plan_actions_for_the_coordinator_and_an_owner(client, seeded):
    from schakel.plan.models import Action

    today = timezone.localdate()
    dpo = persona_user("dpo")
    action = Action.objects.filter(status__in=Action.OPEN).first()
    action.owner_user = dpo
    action.due_date = today - timedelta(days=1)
    action.save()
    panels, _ = home_panels(client, dpo)
    assert [row.label for row in panels["plan_actions"].rows] == [action.title]
    assert panels["plan_actions"].overdue == 1
    coordinator, _ = home_panels(client, persona_user("coordinator"))
    assert action.title in [row.label for row in coordinator["plan_actions"].rows]
    # Far in the future: not yet on anyone's home.
    action.due_date = today + timedelta(days=90)
    action.save()
    panels, _ = home_panels(client, dpo)
    assert "plan_actions" not in panels


def test_upcoming_meetings_only_those_the_user_is_invited_to(client, seeded):
    from schakel.cases.models import Meeting

    parket = persona_user("parket")
    start = timezone.now() + timedelta(days=3)
    invited = Meeting.objects.create(
        meeting_type="obh",
        title="OBH extra (fictief)",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        organiser=parket,
    )
    invited.participants.add(parket)
    Meeting.objects.create(
        meeting_type="obh",
        title="Niet voor u (fictief)",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        organiser=persona_user("handhaving"),
    )
    panels, html = home_panels(client, parket)
    assert "OBH extra (fictief)" in [row.label for row in panels["cases_meetings"].rows]
    assert "Niet voor u (fictief)" not in html


def test_home_queries_do_not_grow_with_the_work(client, seeded):
    from schakel.cases.models import Case

    osp = persona_user("osp")
    case = Case.objects.get(case_type="youth")
    client.force_login(osp)

    def make(n):
        for _ in range(n):
            _youth_signal()
            _action(case, osp.organisation, due_date=timezone.localdate())

    assert_constant_queries(make, lambda: client.get("/"), small=2, large=12)


def test_feedback_to_review_shows_for_reviewers_without_their_own_texts(client, seeded):
    from schakel.accounts.models import Unit
    from schakel.signals.models import Category, FeedbackReview, Signal, SignalAccess

    team = Unit.objects.get(code="preventie-veiligheid")
    triage = persona_user("triage")

    def pending(author):
        signal = Signal.objects.create(
            category=Category.objects.get(code="overlast"),
            description="x",
            observed_at=timezone.now(),
            status=Signal.Status.CLOSED,
            closed_at=timezone.now(),
            feedback_review=FeedbackReview.PENDING,
            feedback_proposed="Bedankt, we hebben de straat laten vegen (fictief).",
            feedback_proposed_by=author,
        )
        SignalAccess.objects.create(signal=signal, team=team)
        return signal

    # The demo has one text waiting (written by the OBH handler); approve it away.
    from schakel.signals import services as signal_services

    for signal in Signal.objects.filter(feedback_review=FeedbackReview.PENDING):
        signal_services.feedback_approve(actor=triage, signal=signal, text=signal.feedback_proposed)
    panels, _ = home_panels(client, triage)
    assert "signals_feedback" not in panels  # nothing waits: no panel
    own = pending(triage)
    panels, _ = home_panels(client, triage)
    assert "signals_feedback" not in panels  # never one's own text (four eyes)
    other = pending(persona_user("handhaving"))
    panels, _ = home_panels(client, triage)
    panel = panels["signals_feedback"]
    assert panel.total == 1
    assert [row.label.split(" · ")[0] for row in panel.rows] == [f"S-{other.pk:06d}"]
    assert own.pk != other.pk
    assert "signals_feedback" not in home_panels(client, persona_user("osp"))[0]
