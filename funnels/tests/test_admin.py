"""The admin of funnels and spendings: deletions leave deletion records, moves that would hide
a spending are refused, and staff who are not superusers stay inside their household."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import User
from funnels import admin as funnels_admin
from funnels.models import Funnel, Spending, SpendingTombstone
from funnels.tests.factories import FunnelFactory, SpendingFactory

pytestmark = pytest.mark.django_db

SPENT_AT = datetime(2026, 3, 10, 12, 30, tzinfo=UTC)


@pytest.fixture
def superuser(make_member) -> User:
    """A superuser in a household of their own."""
    return make_member("root", is_staff=True, is_superuser=True)


@pytest.fixture
def shared(user) -> Funnel:
    return FunnelFactory(household=user.household, name="House")


def food_of(user: User) -> Funnel:
    return Funnel.objects.get(owner=user, name="Food")


def spend(funnel: Funnel, by: User, amount: str = "10.00") -> Spending:
    return SpendingFactory(funnel=funnel, created_by=by, amount=Decimal(amount), spent_at=SPENT_AT)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def spending_form(spending: Spending, **changes: object) -> dict[str, object]:
    """What the admin's change form of `spending` posts, with `changes`."""
    data = {
        "funnel": spending.funnel_id,
        "created_by": spending.created_by_id or "",
        "amount": spending.amount,
        "spent_at_0": "2026-03-10",
        "spent_at_1": "12:30:00",
        "note": spending.note,
    }
    return {**data, **changes}


def funnel_form(funnel: Funnel, **changes: object) -> dict[str, object]:
    """What the admin's change form of `funnel` posts, with `changes`."""
    data = {
        "household": funnel.household_id,
        "owner": funnel.owner_id or "",
        "name": funnel.name,
        "emoji": funnel.emoji,
        "color": funnel.color,
        "monthly_limit": funnel.monthly_limit,
        "position": funnel.position,
        "rollover": funnel.rollover,
    }
    return {**data, **changes}


def bulk_delete(client, model: str, pks: list[object]):
    """The admin's "Delete selected" action on `pks`, confirmed."""
    data = {"action": "delete_selected", "_selected_action": pks, "post": "yes"}
    return client.post(reverse(f"admin:funnels_{model}_changelist"), data, follow=True)


def tombstones() -> set[tuple[object, ...]]:
    return set(SpendingTombstone.objects.values_list("id", "funnel_id", "household_id", "owner_id"))


# --- deletions -----------------------------------------------------------------------------


def test_deleting_a_spending_in_the_admin_leaves_a_deletion_record(admin_client_for, staff, shared):
    spending = spend(shared, staff)
    client = admin_client_for(staff)
    url = reverse("admin:funnels_spending_delete", args=[spending.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:funnels_spending_changelist")
    assert not Spending.objects.filter(pk=spending.pk).exists()
    assert tombstones() == {(spending.pk, shared.pk, staff.household_id, None)}
    assert messages_of(response) == [f"The spending “{spending}” was deleted successfully."]


def test_bulk_deleting_spendings_in_the_admin_leaves_a_deletion_record_each(
    admin_client_for, staff, member, shared
):
    mine, theirs = spend(food_of(staff), staff), spend(food_of(member), member)
    kept = spend(shared, member)
    client = admin_client_for(staff)
    response = bulk_delete(client, "spending", [mine.pk, theirs.pk])
    assert list(Spending.objects.values_list("pk", flat=True)) == [kept.pk]
    assert tombstones() == {
        (mine.pk, mine.funnel_id, staff.household_id, staff.pk),
        (theirs.pk, theirs.funnel_id, staff.household_id, member.pk),
    }
    assert messages_of(response) == ["Successfully deleted 2 spendings."]


def test_deleting_a_funnel_in_the_admin_records_its_spendings_as_deleted(
    admin_client_for, staff, member, shared
):
    spendings = [spend(shared, staff), spend(shared, member)]
    client = admin_client_for(staff)
    url = reverse("admin:funnels_funnel_delete", args=[shared.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert not Funnel.objects.filter(pk=shared.pk).exists()
    assert not Spending.objects.exists()
    assert tombstones() == {(s.pk, shared.pk, staff.household_id, None) for s in spendings}
    assert messages_of(response) == [f"The funnel “{shared}” was deleted successfully."]


def test_bulk_deleting_funnels_in_the_admin_records_their_spendings_as_deleted(
    admin_client_for, staff, member, shared
):
    food, other = food_of(staff), food_of(member)
    gone = [spend(food, staff), spend(other, member)]
    kept = spend(shared, staff)
    client = admin_client_for(staff)
    response = bulk_delete(client, "funnel", [food.pk, other.pk])
    assert not Funnel.objects.filter(pk__in=[food.pk, other.pk]).exists()
    assert list(Spending.objects.values_list("pk", flat=True)) == [kept.pk]
    assert tombstones() == {
        (s.pk, s.funnel_id, staff.household_id, s.funnel.owner_id) for s in gone
    }
    assert messages_of(response) == ["Successfully deleted 2 funnels."]


# --- moves ---------------------------------------------------------------------------------


def _change(client, spending_or_funnel, data):
    model = type(spending_or_funnel)._meta.model_name
    url = reverse(f"admin:funnels_{model}_change", args=[spending_or_funnel.pk])
    return client.post(url, data)


def test_moving_a_spending_to_another_household_is_refused(
    admin_client_for, superuser, user, stranger, shared
):
    spending = spend(shared, user)
    response = _change(
        admin_client_for(superuser), spending, spending_form(spending, funnel=food_of(stranger).pk)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"funnel": [funnels_admin.SPENDING_STAYS]}
    assert funnels_admin.SPENDING_STAYS in response.content.decode()
    spending.refresh_from_db()
    assert spending.funnel_id == shared.pk
    assert not SpendingTombstone.objects.exists()


@pytest.mark.parametrize("where", ["shared to personal", "to another member's"])
def test_moving_a_spending_out_of_sight_of_a_member_is_refused(
    admin_client_for, staff, member, shared, where
):
    before, after = (
        (shared, food_of(member))
        if where == "shared to personal"
        else (food_of(staff), food_of(member))
    )
    spending = spend(before, staff)
    response = _change(admin_client_for(staff), spending, spending_form(spending, funnel=after.pk))
    assert response.context["adminform"].form.errors == {"funnel": [funnels_admin.SPENDING_STAYS]}
    spending.refresh_from_db()
    assert spending.funnel_id == before.pk
    assert not SpendingTombstone.objects.exists()


def test_moving_a_spending_where_the_same_members_still_see_it_is_saved(
    admin_client_for, staff, shared
):
    spending = spend(food_of(staff), staff)
    data = spending_form(spending, funnel=shared.pk, amount="12.50")
    response = _change(admin_client_for(staff), spending, data)
    assert response["Location"] == reverse("admin:funnels_spending_changelist")
    spending.refresh_from_db()
    assert (spending.funnel_id, spending.amount) == (shared.pk, Decimal("12.50"))
    assert not SpendingTombstone.objects.exists()  # nobody lost sight of it


def test_changing_who_spent_is_refused(admin_client_for, staff, member, shared):
    spending = spend(shared, staff)
    data = spending_form(spending, created_by=member.pk)
    response = _change(admin_client_for(staff), spending, data)
    assert response.context["adminform"].form.errors == {"created_by": [funnels_admin.AUTHOR_STAYS]}
    spending.refresh_from_db()
    assert spending.created_by_id == staff.pk


def test_a_spending_added_in_the_admin_is_by_a_member_of_the_funnels_household(
    admin_client_for, superuser, stranger, shared
):
    data = spending_form(Spending(funnel=shared, amount=Decimal("3.00")), created_by=stranger.pk)
    response = admin_client_for(superuser).post(reverse("admin:funnels_spending_add"), data)
    assert response.context["adminform"].form.errors == {
        "created_by": ["Who spent it is a member of the funnel's household."]
    }
    assert not Spending.objects.exists()


def test_moving_a_funnel_to_another_household_or_member_is_refused(
    admin_client_for, superuser, user, member, stranger
):
    food = food_of(user)
    spend(food, user)
    data = funnel_form(food, household=stranger.household_id, owner=member.pk)
    response = _change(admin_client_for(superuser), food, data)
    assert response.context["adminform"].form.errors == {
        "household": [funnels_admin.FUNNEL_STAYS],
        "owner": [funnels_admin.FUNNEL_OWNER_STAYS],
    }
    food.refresh_from_db()
    assert (food.household_id, food.owner_id) == (user.household_id, user.pk)
    assert not SpendingTombstone.objects.exists()


def test_sharing_a_personal_funnel_in_the_admin_is_saved(admin_client_for, staff):
    food = food_of(staff)
    response = _change(admin_client_for(staff), food, funnel_form(food, owner="", name="Food+"))
    assert response["Location"] == reverse("admin:funnels_funnel_changelist")
    food.refresh_from_db()
    assert (food.owner_id, food.name) == (None, "Food+")


def test_a_funnel_added_in_the_admin_is_saved(admin_client_for, staff, member):
    funnel = Funnel(household=staff.household, owner=member, name="Books", emoji="📚")
    data = funnel_form(funnel, color="#123456", monthly_limit="80.00", position=7)
    response = admin_client_for(staff).post(reverse("admin:funnels_funnel_add"), data)
    assert response["Location"] == reverse("admin:funnels_funnel_changelist")
    added = Funnel.objects.get(name="Books")
    assert (added.household_id, added.owner_id, added.monthly_limit) == (
        staff.household_id,
        member.pk,
        Decimal("80.00"),
    )


# --- staff who are not superusers ----------------------------------------------------------


def test_staff_list_only_their_households_funnels_and_spendings(
    admin_client_for, staff, member, stranger, shared
):
    ours = [spend(shared, member), spend(food_of(staff), staff)]
    spend(food_of(stranger), stranger)
    client = admin_client_for(staff)
    spendings = client.get(reverse("admin:funnels_spending_changelist")).context["cl"].result_list
    assert {s.pk for s in spendings} == {s.pk for s in ours}
    funnels = client.get(reverse("admin:funnels_funnel_changelist")).context["cl"].result_list
    assert {f.household_id for f in funnels} == {staff.household_id}
    assert len(funnels) == 5  # alice's and bob's Food and Misc, and the shared House


def test_staff_cannot_open_change_or_delete_another_households_spending(
    admin_client_for, staff, stranger
):
    theirs = spend(food_of(stranger), stranger)
    client = admin_client_for(staff)
    for view in ("change", "delete"):
        url = reverse(f"admin:funnels_spending_{view}", args=[theirs.pk])
        response = client.post(url, {"post": "yes", **spending_form(theirs, note="x")}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("admin:index")
        assert messages_of(response) == [
            f"spending with ID “{theirs.pk}” doesn’t exist. Perhaps it was deleted?"
        ]
    theirs.refresh_from_db()
    assert theirs.note == ""
    assert not SpendingTombstone.objects.exists()


def test_staff_bulk_delete_skips_another_households_funnels(admin_client_for, staff, stranger):
    theirs = food_of(stranger)
    spend(theirs, stranger)
    mine = food_of(staff)
    client = admin_client_for(staff)
    response = bulk_delete(client, "funnel", [mine.pk, theirs.pk])
    assert messages_of(response) == ["Successfully deleted 1 funnel."]
    assert not Funnel.objects.filter(pk=mine.pk).exists()
    assert Funnel.objects.filter(pk=theirs.pk).exists()
    assert theirs.spendings.count() == 1
    assert not SpendingTombstone.objects.exists()


def test_staff_cannot_move_a_spending_to_another_households_funnel(
    admin_client_for, staff, stranger, shared
):
    spending = spend(shared, staff)
    data = spending_form(spending, funnel=food_of(stranger).pk)
    response = _change(admin_client_for(staff), spending, data)
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["funnel"]
    assert "Select a valid choice" in errors["funnel"][0]
    spending.refresh_from_db()
    assert spending.funnel_id == shared.pk
