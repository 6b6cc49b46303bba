"""The history page: visible spendings, filters, pagination, and editing a spending."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from funnels.models import Funnel, Spending
from funnels.tests.factories import FunnelFactory, SpendingFactory
from funnels.views import HISTORY_PAGE_SIZE

pytestmark = pytest.mark.django_db


def food_of(user) -> Funnel:
    return Funnel.objects.get(owner=user, name="Food")


def spend(funnel, by, amount: str, when: datetime, note: str = "") -> Spending:
    return SpendingFactory(
        funnel=funnel, created_by=by, amount=Decimal(amount), spent_at=when, note=note
    )


def test_history_lists_only_what_the_member_can_see(client, alice, member, stranger):
    shared = FunnelFactory(household=alice.household, name="House")
    # A whole second: the page prints the time with its microseconds, which could hold "4.44".
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    spend(food_of(alice), alice, "1.11", now)
    spend(shared, member, "2.22", now)
    spend(food_of(member), member, "3.34", now)
    spend(food_of(stranger), stranger, "4.44", now)
    content = client.get("/spendings/").content.decode()
    assert "1.11" in content
    assert "2.22" in content
    assert "3.34" not in content  # (1.11 + 2.22 = 3.33 is the total shown)
    assert "4.44" not in content


def test_filters_by_funnel_member_and_local_dates(client, alice, member):
    alice.household.timezone = "Europe/Berlin"
    alice.household.save()
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    shared = FunnelFactory(household=alice.household, name="House")
    spend(shared, member, "10.01", datetime(2026, 3, 1, 0, 30, tzinfo=berlin))
    spend(shared, alice, "10.02", datetime(2026, 3, 2, 12, 0, tzinfo=berlin))
    spend(food_of(alice), alice, "10.03", datetime(2026, 3, 2, 23, 59, tzinfo=berlin))
    spend(food_of(alice), alice, "10.04", datetime(2026, 3, 3, 0, 0, tzinfo=berlin))
    spend(shared, None, "10.05", datetime(2026, 3, 2, 9, 0, tzinfo=berlin))

    def shown(**query: str) -> set[str]:
        response = client.get("/spendings/", query)
        assert response.status_code == 200
        content = response.content.decode()
        return {a for a in ("10.01", "10.02", "10.03", "10.04", "10.05") if a in content}

    assert shown(funnel=str(shared.pk)) == {"10.01", "10.02", "10.05"}
    assert shown(member="bob") == {"10.01"}
    assert shown(member="~former") == {"10.05"}
    assert shown(since="2026-03-02", until="2026-03-02") == {"10.02", "10.03", "10.05"}
    assert shown(since="2026-03-03") == {"10.04"}
    assert shown(until="2026-03-01") == {"10.01"}
    assert shown(funnel=str(food_of(alice).pk), member="alice", since="2026-03-02") == {
        "10.03",
        "10.04",
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "yesterday"}, "Use a date."),
        ({"until": "2026-02-30"}, "Use a date."),
        ({"since": "2026-03-05", "until": "2026-03-01"}, "The end date is before the start date."),
        ({"funnel": "nope"}, "Pick one of your funnels."),
        ({"member": "mallory"}, "Select a valid choice."),
        ({"since": "0001-01-01"}, "Pick a date between 1900 and 9998."),
        ({"until": "9999-12-31"}, "Pick a date between 1900 and 9998."),
    ],
)
def test_bad_filters_give_a_message_not_a_500(client, alice, query, message):
    spend(food_of(alice), alice, "5.55", datetime.now(UTC))
    response = client.get("/spendings/", query)
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert "5.55" not in content


def test_filtering_by_a_hidden_funnel_is_refused(client, alice, member):
    hidden = food_of(member)
    spend(hidden, member, "31.41", datetime(2026, 1, 1, tzinfo=UTC))
    response = client.get("/spendings/", {"funnel": str(hidden.pk)})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Pick one of your funnels." in content
    assert "31.41" not in content


def test_history_is_paginated_newest_first(client, alice):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for index in range(HISTORY_PAGE_SIZE + 3):
        spend(food_of(alice), alice, f"{index + 1}.00", start + timedelta(hours=index))
    first = client.get("/spendings/").content.decode()
    assert f"{HISTORY_PAGE_SIZE + 3}.00" in first
    assert "Page 1 of 2" in first
    assert first.index(f"{HISTORY_PAGE_SIZE + 3}.00") < first.index(f"{HISTORY_PAGE_SIZE}.00")
    second = client.get("/spendings/", {"page": "2"}).content.decode()
    assert ">1.00<" in second
    assert "Page 2 of 2" in second
    # Out-of-range or junk page numbers land on a real page.
    assert client.get("/spendings/", {"page": "999"}).status_code == 200
    assert client.get("/spendings/", {"page": "x"}).status_code == 200


def test_pagination_links_keep_the_filters(client, alice):
    for index in range(HISTORY_PAGE_SIZE + 1):
        spend(
            food_of(alice),
            alice,
            "1.00",
            datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=index),
        )
    content = client.get("/spendings/", {"member": "alice"}).content.decode()
    assert "?member=alice&amp;page=2" in content


def test_edit_a_spending(client, alice):
    alice.household.timezone = "Europe/Berlin"
    alice.household.save()
    spending = spend(food_of(alice), alice, "5.00", datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    page = client.get(f"/spendings/{spending.pk}/edit/").content.decode()
    assert 'value="5.00"' in page
    assert 'value="2026-03-02T12:00"' in page  # shown in local time
    misc = Funnel.objects.get(owner=alice, name="Misc")
    response = client.post(
        f"/spendings/{spending.pk}/edit/",
        {"amount": "6,40", "funnel": str(misc.pk), "spent_at": "2026-03-01T08:15", "note": "fix"},
    )
    assert response.status_code == 302
    spending.refresh_from_db()
    assert spending.amount == Decimal("6.40")
    assert spending.funnel == misc
    assert spending.spent_at == datetime(2026, 3, 1, 7, 15, tzinfo=UTC)
    assert spending.note == "fix"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "0"}, "The amount must be more than zero."),
        ({"amount": "1.2345"}, "Use at most 2 decimal places."),  # 1.001 is 1,001 (rules §11.1)
        ({"spent_at": ""}, "Enter the date and time."),
        ({"spent_at": "soon"}, "Enter a valid date"),
        ({"funnel": "bad"}, "That funnel is not one you can spend from."),
        ({"note": "n" * 201}, "at most 200 characters"),
    ],
)
def test_edit_with_bad_input_changes_nothing(client, alice, changes, message):
    spending = spend(food_of(alice), alice, "5.00", datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    data = {"amount": "7", "funnel": str(food_of(alice).pk), "spent_at": "2026-03-02T12:00"}
    data.update(changes)
    response = client.post(f"/spendings/{spending.pk}/edit/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    spending.refresh_from_db()
    assert spending.amount == Decimal("5.00")


def test_cannot_move_a_spending_into_a_hidden_funnel(client, alice, member):
    spending = spend(food_of(alice), alice, "5.00", datetime.now(UTC))
    response = client.post(
        f"/spendings/{spending.pk}/edit/",
        {"amount": "5", "funnel": str(food_of(member).pk), "spent_at": "2026-03-02T12:00"},
    )
    assert response.status_code == 422
    spending.refresh_from_db()
    assert spending.funnel == food_of(alice)


def test_cannot_edit_what_one_cannot_see(client, alice, member):
    hidden = spend(food_of(member), member, "5.00", datetime.now(UTC))
    assert client.get(f"/spendings/{hidden.pk}/edit/").status_code == 404
    data = {"amount": "1", "funnel": str(food_of(alice).pk), "spent_at": "2026-03-02T12:00"}
    assert client.post(f"/spendings/{hidden.pk}/edit/", data).status_code == 404
    hidden.refresh_from_db()
    assert hidden.amount == Decimal("5.00")


def test_edit_redirects_only_to_local_next(client, alice):
    spending = spend(food_of(alice), alice, "5.00", datetime.now(UTC))
    data = {"amount": "1", "funnel": str(food_of(alice).pk), "spent_at": "2026-03-02T12:00"}
    response = client.post(
        f"/spendings/{spending.pk}/edit/", {**data, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/spendings/"
    response = client.post(f"/spendings/{spending.pk}/edit/", {**data, "next": "/"})
    assert response["Location"] == "/"


def test_edit_from_the_history_returns_to_the_same_filtered_page(client, alice):
    spending = spend(food_of(alice), alice, "5.00", datetime.now(UTC))
    page = client.get("/spendings/", {"member": "alice"}).content.decode()
    assert f"/spendings/{spending.pk}/edit/?next=/spendings/%3Fmember%3Dalice" in page
    form = client.get(f"/spendings/{spending.pk}/edit/", {"next": "/spendings/?member=alice"})
    assert 'name="next" value="/spendings/?member=alice"' in form.content.decode()
    data = {"amount": "1", "funnel": str(food_of(alice).pk), "spent_at": "2026-03-02T12:00"}
    response = client.post(
        f"/spendings/{spending.pk}/edit/", {**data, "next": "/spendings/?member=alice"}
    )
    assert response["Location"] == "/spendings/?member=alice"
