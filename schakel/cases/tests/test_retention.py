"""Retention of closed cases: past the rule of its type a case goes with
everything that is only its own, a proof without content stays, audit events
stay, and subjects still in another case stay."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from schakel.audit.models import AuditEvent
from schakel.cases import retention, services
from schakel.cases.models import (
    AgendaItem,
    Case,
    CaseDeletionProof,
    CaseMember,
    CaseRetentionRule,
    CaseSignalLink,
    CaseStatusChange,
    Hit,
    InterventionStatusChange,
    MinutesRevision,
    TwoPhaseFile,
)
from schakel.cases.seeding import load_reference
from schakel.legal.models import LegalInstrument
from schakel.subjects import services as subject_services
from schakel.subjects.models import Person, Subject, SubjectLink, SubjectNameKey

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(db):
    load_reference(lambda m: None)
    return {r.case_type: r for r in CaseRetentionRule.objects.all()}


def _close(case, actor, *, days_ago):
    services.case_status_change(actor=actor, case=case, to_status="afgesloten", note="Doel bereikt.")
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=days_ago))


@pytest.fixture
def full_case(enforcer, analyst, ground, city):
    """An OBH case with a member, subjects, a link, minutes, a decision, an
    action, an intervention with history, a hit and a linked signal."""
    from schakel.signals.models import Category, Signal

    case = services.case_open(actor=enforcer, case_type="obh", title="Pand aan de vaart", legal_ground=ground)
    services.case_member_add(actor=enforcer, case=case, user=analyst, role="partner", legal_ground=ground)
    own = subject_services.person_create(actor=enforcer, first_name="Jan", last_name="Fictief-Eigen")
    shop = subject_services.enterprise_create(actor=enforcer, name="Fictieve Handel", kbo_number="0403.170.701")
    services.case_subject_add(actor=enforcer, case=case, subject=own, role="operator")
    services.case_subject_add(actor=enforcer, case=case, subject=shop, role="enterprise")
    services.case_link_create(
        actor=enforcer,
        case=case,
        source_subject_id=own.pk,
        target_subject_id=shop.pk,
        link_type="manages",
        source="KBO",
    )
    meeting = services.meeting_create(
        actor=enforcer,
        meeting_type="obh",
        title="OBH",
        starts_at=timezone.now(),
        ends_at=timezone.now() + dt.timedelta(hours=1),
    )
    item = services.meeting_item_add(actor=enforcer, meeting=meeting, case=case)
    services.minutes_save(actor=enforcer, item=item, text="Besproken: sluiting.", expected_version=0)
    services.decision_record(actor=enforcer, item=item, text="Sluiting voorbereiden")
    services.action_item_create(
        actor=enforcer, case=case, item=item, title="Brief", track="administrative", owner_organisation=city
    )
    intervention = services.intervention_add(
        actor=enforcer,
        case=case,
        track="administrative",
        instrument=LegalInstrument.objects.get(code="ngw-134quater"),
        description="Sluiting",
        responsible_organisation=city,
    )
    services.intervention_set_status(actor=enforcer, intervention=intervention, to_status="running")
    category = Category.objects.create(code="t-ret", name="Test")
    enforcer.user_permissions.add(*Permission.objects.filter(codename__in=["link_signal", "view_all_signals"]))
    enforcer = type(enforcer).objects.get(pk=enforcer.pk)
    signal = Signal.objects.create(category=category, observed_at=timezone.now(), description="x")
    services.case_signal_link(actor=enforcer, case=case, signal=signal, note="past")
    case.own, case.shop, case.meeting, case.signal = own, shop, meeting, signal
    return case


def test_expired_case_is_deleted_with_a_proof_and_audit_stays(full_case, enforcer, rules):
    audit_before = AuditEvent.objects.filter(object_id=str(full_case.pk), object_type="cases.case").count()
    _close(full_case, enforcer, days_ago=61 * 31)
    ref, pk = full_case.reference, full_case.pk
    assert retention.retention_run(dry_run=True) == 1 and Case.objects.filter(pk=pk).exists()

    assert retention.retention_run() == 1
    assert not Case.objects.filter(pk=pk).exists()
    for model in (CaseMember, CaseStatusChange, AgendaItem, CaseSignalLink, Hit):
        assert not model.objects.filter(case_id=pk).exists()
    assert not MinutesRevision.objects.exists() and not InterventionStatusChange.objects.exists()
    # Subjects that were only in this case are gone, with their links and keys.
    assert not Subject.objects.filter(pk__in=[full_case.own.pk, full_case.shop.pk]).exists()
    assert not Person.objects.exists() and not SubjectLink.objects.exists()
    assert not SubjectNameKey.objects.filter(subject_id__in=[full_case.own.pk, full_case.shop.pk]).exists()
    # The meeting (shared with other cases) and the signal (the signals app's) stay.
    assert full_case.meeting.__class__.objects.filter(pk=full_case.meeting.pk).exists()
    assert full_case.signal.__class__.objects.filter(pk=full_case.signal.pk).exists()

    proof = CaseDeletionProof.objects.get()
    assert (proof.case_reference, proof.case_type, proof.closed_at is not None) == (ref, "obh", True)
    assert "60 months" in proof.rule and len(proof.content_sha256) == 64
    assert proof.counts["members"] == 2 and proof.counts["subjects_deleted"] == 2
    assert "Pand aan de vaart" not in str(proof.counts) + proof.rule
    # Audit events are never deleted; the deletion itself is one more.
    assert AuditEvent.objects.filter(object_id=str(pk), object_type="cases.case").count() == audit_before + 2
    assert AuditEvent.objects.filter(action="cases.case_deleted_retention", object_id=str(pk)).exists()


def test_case_within_its_period_or_open_is_kept(full_case, enforcer, ground, rules):
    _close(full_case, enforcer, days_ago=59 * 30)
    open_case = services.case_open(actor=enforcer, case_type="obh", title="Nog lopend", legal_ground=ground)
    Case.objects.filter(pk=open_case.pk).update(registered_at=timezone.now() - dt.timedelta(days=4000))
    assert retention.retention_run() == 0
    assert Case.objects.count() == 2 and not CaseDeletionProof.objects.exists()


def test_rule_per_type_and_no_rule_means_keep(outreach, ground, rules):
    youth = services.case_open(actor=outreach, case_type="youth", title="Jongere", legal_ground=ground)
    _close(youth, outreach, days_ago=25 * 31)  # past 24 months for youth
    assert retention.retention_run() == 1
    other = services.case_open(actor=outreach, case_type="youth", title="Jongere twee", legal_ground=ground)
    _close(other, outreach, days_ago=25 * 31)
    CaseRetentionRule.objects.filter(case_type="youth").delete()
    assert retention.retention_run() == 0 and Case.objects.filter(pk=other.pk).exists()


def test_subject_in_another_case_stays(full_case, enforcer, ground, rules):
    second = services.case_open(actor=enforcer, case_type="obh", title="Tweede pand", legal_ground=ground)
    services.case_subject_add(actor=enforcer, case=second, subject=full_case.shop, role="enterprise")
    TwoPhaseFile.objects.create(
        judicial_reference="X", summary="Y", proposed_by=enforcer, case=full_case, phase="transferred"
    )
    _close(full_case, enforcer, days_ago=61 * 31)
    assert retention.retention_run() == 1
    assert Subject.objects.filter(pk=full_case.shop.pk).exists()
    assert not Subject.objects.filter(pk=full_case.own.pk).exists()
    assert second.case_subjects.get().subject_id == full_case.shop.pk
    assert TwoPhaseFile.objects.get().case_id is None  # the two-phase row stays, unlinked


def test_management_command(full_case, enforcer, rules):
    _close(full_case, enforcer, days_ago=61 * 31)
    from io import StringIO

    out = StringIO()
    call_command("cases_retention", "--dry-run", stdout=out)
    assert "would delete 1 cases" in out.getvalue()
    call_command("cases_retention", stdout=out)
    assert "deleted 1 cases" in out.getvalue() and CaseDeletionProof.objects.count() == 1


def test_months_ago_keeps_the_day_inside_the_month():
    now = dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC)
    assert retention.months_ago(now, 1) == dt.datetime(2026, 2, 28, 12, 0, tzinfo=dt.UTC)
    assert retention.months_ago(now, 60) == dt.datetime(2021, 3, 31, 12, 0, tzinfo=dt.UTC)
    assert retention.months_ago(now, 15) == dt.datetime(2024, 12, 31, 12, 0, tzinfo=dt.UTC)


def test_retention_rules_page(client, make_user, rules):
    admin = make_user(["cases.view_caseretentionrule", "cases.change_caseretentionrule"])
    reader = make_user(["cases.view_caseretentionrule"])
    client.force_login(reader)
    url = reverse("cases:retention_rules")
    page = client.get(url).content.decode()
    assert "60 maanden na afsluiten" in page and "<form" not in page.split("<main", 1)[-1].split("</main>")[0]
    assert (
        client.post(url, {"case_type": "obh", "obh-months_after_close": 1, "obh-legal_basis": "x"}).status_code == 403
    )
    client.force_login(admin)
    bad = client.post(url, {"case_type": "obh", "obh-months_after_close": 0, "obh-legal_basis": ""})
    assert bad.status_code == 200 and CaseRetentionRule.objects.get(case_type="obh").months_after_close == 60
    ok = client.post(url, {"case_type": "obh", "obh-months_after_close": 72, "obh-legal_basis": "Protocolakkoord"})
    assert ok.status_code == 302
    rule = CaseRetentionRule.objects.get(case_type="obh")
    assert (rule.months_after_close, rule.legal_basis) == (72, "Protocolakkoord")
    assert AuditEvent.objects.filter(action="cases.retention_rule_saved", summary="60 -> 72 months").exists()


def test_merged_duplicates_and_their_merge_rows_go_with_the_survivor(enforcer, ground, rules):
    from schakel.subjects.models import SubjectMerge

    case = services.case_open(actor=enforcer, case_type="obh", title="Pand met dubbels", legal_ground=ground)
    first = subject_services.person_create(actor=enforcer, first_name="Piet", last_name="Fictief-Dubbel")
    second = subject_services.person_create(actor=enforcer, first_name="Piet", last_name="Fictief-Dubbel")
    services.case_subject_add(actor=enforcer, case=case, subject=first, role="operator")
    services.case_subject_add(actor=enforcer, case=case, subject=second, role="involved")
    subject_services.subject_merge(actor=enforcer, survivor=first, duplicate=second, reason="zelfde persoon")
    assert SubjectMerge.objects.count() == 1 and Subject.objects.get(pk=second.pk).merged_into_id == first.pk
    _close(case, enforcer, days_ago=61 * 31)
    assert retention.retention_run() == 1
    assert not Subject.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert not SubjectMerge.objects.exists()  # the merge snapshot held personal data too
    assert CaseDeletionProof.objects.get().counts["subjects_deleted"] == 2
