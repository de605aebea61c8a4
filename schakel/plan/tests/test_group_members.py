"""The coordinator links accounts to the seats of the core group and the
working groups: a linked working-group member may edit the actions of that
group's strategic objective; an unlinked or removed one no longer may."""

import pytest
from django.urls import reverse

from schakel.accounts.models import Organisation
from schakel.audit.models import AuditEvent
from schakel.core.testing import assert_constant_queries, persona_user
from schakel.plan import services
from schakel.plan.models import GroupMember, PlanGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def sd3(seeded_plan):
    return PlanGroup.objects.get(plan=seeded_plan, strategic_objective__code="SD3")


def test_coordinator_adds_a_seat_with_an_account_and_it_grants_the_sd(persona_client, sd3):
    member_user = persona_user("werkgroep")  # police, seated in SD1 only
    assert not services.can_edit_actions(member_user, sd3.strategic_objective_id)
    client = persona_client("coordinator")
    response = client.post(
        reverse("plan:group_member_add", args=[sd3.pk]),
        {"function": "Wijkinspecteur", "organisation": member_user.organisation_id, "user": member_user.pk},
    )
    assert response.status_code == 302
    seat = GroupMember.objects.get(group=sd3, user=member_user)
    assert seat.function == "Wijkinspecteur"
    assert services.can_edit_actions(member_user, sd3.strategic_objective_id)
    assert AuditEvent.objects.filter(action="plan.group_member_added", object_id=str(sd3.pk)).exists()
    page = client.get(reverse("plan:group", args=[sd3.pk])).content.decode()
    assert "Wijkinspecteur" in page and member_user.get_full_name() in page


def test_linking_and_unlinking_a_seeded_seat(persona_client, sd3):
    seat = GroupMember.objects.filter(group=sd3, user__isnull=True).select_related("organisation").first()
    holder = (
        persona_user("coordinator").__class__.objects.filter(organisation=seat.organisation, is_active=True).first()
    )
    assert holder is not None, "the demo has an account in every seated organisation"
    client = persona_client("coordinator")
    url = reverse("plan:group_member_link", args=[seat.pk])
    assert client.post(url, {"user": holder.pk}).status_code == 302
    seat.refresh_from_db()
    assert seat.user == holder
    assert client.post(url, {"user": ""}).status_code == 302
    seat.refresh_from_db()
    assert seat.user is None
    actions = list(
        AuditEvent.objects.filter(action__startswith="plan.group_member_")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["plan.group_member_linked", "plan.group_member_unlinked"]


def test_an_account_of_another_organisation_is_refused_and_nothing_changes(persona_client, sd3):
    seat = GroupMember.objects.filter(group=sd3, user__isnull=True).select_related("organisation").first()
    stranger = persona_user("parket")
    assert stranger.organisation_id != seat.organisation_id
    client = persona_client("coordinator")
    response = client.post(reverse("plan:group_member_link", args=[seat.pk]), {"user": stranger.pk}, follow=True)
    assert "hoort niet bij" in response.content.decode()
    seat.refresh_from_db()
    assert seat.user is None
    # The add form says the same and keeps what was typed.
    response = client.post(
        reverse("plan:group_member_add", args=[sd3.pk]),
        {"function": "Substituut", "organisation": seat.organisation_id, "user": stranger.pk},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "hoort niet bij" in html and 'value="Substituut"' in html
    assert not GroupMember.objects.filter(group=sd3, function="Substituut").exists()
    assert not AuditEvent.objects.filter(action__startswith="plan.group_member_").exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"function": "   "}, "Dit veld is vereist"),
        ({"function": "Analist", "organisation": ""}, "Dit veld is vereist"),
    ],
)
def test_bad_input_on_the_add_form(persona_client, sd3, data, message):
    before = GroupMember.objects.count()
    payload = {"organisation": Organisation.objects.first().pk, **data}
    response = persona_client("coordinator").post(reverse("plan:group_member_add", args=[sd3.pk]), payload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert GroupMember.objects.count() == before


def test_the_same_account_cannot_hold_two_seats_in_one_group(persona_client, sd3):
    user = persona_user("werkgroep")
    services.group_member_add(
        actor=persona_user("coordinator"), group=sd3, function="A", organisation=user.organisation, user=user
    )
    response = persona_client("coordinator").post(
        reverse("plan:group_member_add", args=[sd3.pk]),
        {"function": "B", "organisation": user.organisation_id, "user": user.pk},
    )
    assert response.status_code == 400
    assert "al lid van deze groep" in response.content.decode()
    assert GroupMember.objects.filter(group=sd3, user=user).count() == 1


def test_removing_a_seat_takes_its_rights_away(persona_client, seeded_plan):
    sd1 = PlanGroup.objects.get(plan=seeded_plan, strategic_objective__code="SD1")
    member_user = persona_user("werkgroep")
    assert services.can_edit_actions(member_user, sd1.strategic_objective_id)
    seat = GroupMember.objects.get(group=sd1, user=member_user)
    response = persona_client("coordinator").post(reverse("plan:group_member_remove", args=[seat.pk]))
    assert response.status_code == 302
    assert not GroupMember.objects.filter(pk=seat.pk).exists()
    assert not services.can_edit_actions(member_user, sd1.strategic_objective_id)
    event = AuditEvent.objects.get(action="plan.group_member_removed")
    assert f"user {member_user.pk}" in event.summary


def test_others_cannot_manage_members(persona_client, sd3):
    seat = GroupMember.objects.filter(group=sd3).first()
    client = persona_client("werkgroep")  # follows the plan, does not manage it
    before = list(GroupMember.objects.values_list("pk", "user_id"))
    assert client.post(reverse("plan:group_member_remove", args=[seat.pk])).status_code == 403
    assert client.post(reverse("plan:group_member_link", args=[seat.pk]), {"user": ""}).status_code == 403
    assert (
        client.post(reverse("plan:group_member_add", args=[sd3.pk]), {"function": "X", "organisation": 1}).status_code
        == 403
    )
    assert list(GroupMember.objects.values_list("pk", "user_id")) == before
    html = client.get(reverse("plan:group", args=[sd3.pk])).content.decode()
    assert "Lid toevoegen" not in html and "Koppelen" not in html


def test_a_missing_seat_answers_404(persona_client):
    client = persona_client("coordinator")
    assert client.post(reverse("plan:group_member_remove", args=[999999])).status_code == 404
    assert client.post(reverse("plan:group_member_link", args=[999999]), {"user": ""}).status_code == 404


def test_group_page_queries_do_not_grow_with_members(persona_client, sd3):
    client = persona_client("coordinator")
    coordinator = persona_user("coordinator")
    orgs = list(Organisation.objects.order_by("pk"))

    def make(n):
        start = GroupMember.objects.filter(group=sd3).count()
        for i in range(n):
            services.group_member_add(
                actor=coordinator, group=sd3, function=f"Functie {start + i}", organisation=orgs[i % len(orgs)]
            )

    assert_constant_queries(make, lambda: client.get(reverse("plan:group", args=[sd3.pk])))


def test_only_accounts_that_may_read_the_plan_are_offered_and_accepted(persona_client, sd3):
    from schakel.core.testing import UserFactory

    seat = GroupMember.objects.filter(group=sd3, user__isnull=True).select_related("organisation").first()
    outsider = UserFactory(organisation=seat.organisation, first_name="Zonder", last_name="Planrechten")
    reader = UserFactory(organisation=seat.organisation, perms=["plan.view_actionplan"], last_name="Planlezer")
    client = persona_client("coordinator")
    page = client.get(reverse("plan:group", args=[sd3.pk])).content.decode()
    assert "Planlezer" in page
    assert "Planrechten" not in page
    response = client.post(reverse("plan:group_member_link", args=[seat.pk]), {"user": outsider.pk}, follow=True)
    assert "Kies een account dat het plan mag inzien." in response.content.decode()
    seat.refresh_from_db()
    assert seat.user is None
    # The add form refuses it as an invalid choice and keeps what was typed.
    response = client.post(
        reverse("plan:group_member_add", args=[sd3.pk]),
        {"function": "Analist", "organisation": seat.organisation_id, "user": outsider.pk},
    )
    assert response.status_code == 400 and 'value="Analist"' in response.content.decode()
    assert client.post(reverse("plan:group_member_link", args=[seat.pk]), {"user": reader.pk}).status_code == 302
    seat.refresh_from_db()
    assert seat.user == reader
