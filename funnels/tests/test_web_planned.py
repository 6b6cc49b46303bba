"""Planned spendings on the pages (docs/rules.md §12.2): the funnels page's "Planned" section
and the dashboard's upcoming occurrences with "paid" and "skip", all plain POSTs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from funnels import planned
from funnels.models import PlannedOccurrence, PlannedSpending, Spending
from funnels.templatetags.planned import due_on, ordinal
from funnels.tests.planned_helpers import NOW, plain_food

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]
D = Decimal


@pytest.fixture
def food(alice):
    return plain_food(alice)


def form(funnel, **changes):
    return {"funnel": str(funnel.pk), "amount": "1.234,50", "date": "2026-12-01",
            "repeat": "monthly", "note": "Rent"} | changes  # fmt: skip


def test_add_from_the_funnels_page_without_javascript(client, food):
    page = client.get("/funnels/").content.decode()
    assert 'id="planned"' in page
    assert "Nothing planned yet." in page
    assert 'action="/planned/new/"' in page
    response = client.post("/planned/new/", form(food))
    assert response.status_code == 302
    assert response["Location"] == "/funnels/#planned"
    plan = PlannedSpending.objects.get()
    assert (plan.amount, plan.date, plan.repeat, plan.note) == (
        D("1234.50"), date(2026, 12, 1), "monthly", "Rent",
    )  # fmt: skip
    page = client.get("/funnels/").content.decode()
    assert "Rent 1,234.50" in page
    assert "Every month from 1 Dec 2026" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": ""}, "Enter an amount."),
        ({"amount": "0"}, "The amount must be more than zero."),
        ({"amount": "abc"}, "Enter the amount as a number"),
        ({"date": ""}, "Enter the day it is due."),
        ({"date": "2026-02-30"}, "Enter a valid date."),
        ({"date": "1999-12-01"}, "Pick a date between 2000 and 2999."),
        ({"repeat": "daily"}, "Choose how often it comes back"),
        ({"note": "x" * 201}, "at most 200 characters"),
        ({"funnel": "00000000-0000-0000-0000-000000000000"}, "not one you can spend from"),
    ],
)
def test_bad_input_shows_the_form_again_and_saves_nothing(client, food, changes, message):
    response = client.post("/planned/new/", form(food) | changes)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not PlannedSpending.objects.exists()


def test_edit_and_delete(client, alice, food):
    plan = planned.planned_create(user=alice, funnel=food, amount="900", date=date(2026, 11, 30))
    page = client.get(f"/planned/{plan.pk}/edit/").content.decode()
    assert 'value="2026-11-30"' in page
    response = client.post(f"/planned/{plan.pk}/edit/", form(food, amount="950", repeat="none"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.amount, plan.repeat, plan.date) == (D("950"), "none", date(2026, 12, 1))
    assert "Delete Rent 950.00?" in client.get(f"/planned/{plan.pk}/delete/").content.decode()
    assert client.post(f"/planned/{plan.pk}/delete/").status_code == 302
    assert not PlannedSpending.objects.exists()


def test_dashboard_lists_upcoming_and_sets_the_money_aside(client, alice, food):
    planned.planned_create(
        user=alice, funnel=food, amount="900", date=date(2026, 12, 1), note="Rent",
        repeat="monthly",
    )  # fmt: skip
    planned.planned_create(
        user=alice, funnel=food, amount="45", date=date(2026, 11, 20), note="Gas"
    )
    page = client.get("/").content.decode()
    assert "Gas 45.00</strong> on the 20th" in page
    assert "Rent 900.00</strong> on 1 Dec" in page
    assert page.index("Gas 45.00") < page.index("Rent 900.00")
    # Only Gas is in this period: (2000 − 45)·10/30 = 651.66.
    assert "45.00 set aside" in page
    daily = f'id="daily-{food.pk}"><span data-cents="65166" data-pending-funnel="{food.pk}">'
    assert daily + "651.66<" in page


def test_paid_and_skip_buttons_without_javascript(client, alice, food):
    gas = planned.planned_create(
        user=alice, funnel=food, amount="45", date=date(2026, 11, 20), note="Gas", repeat="weekly"
    )
    response = client.post(f"/planned/{gas.pk}/paid/", {"date": "2026-11-20"}, follow=True)
    assert "Gas 45.00 on 20 Nov: recorded as spent." in response.content.decode()
    spending = Spending.objects.get()
    assert (spending.amount, spending.spent_at, spending.note) == (D("45"), NOW, "Gas")
    again = client.post(f"/planned/{gas.pk}/paid/", {"date": "2026-11-20"}, follow=True)
    assert Spending.objects.count() == 1
    assert again.status_code == 200
    skipped = client.post(f"/planned/{gas.pk}/skip/", {"date": "2026-11-27"}, follow=True)
    assert "Gas 45.00 on 27 Nov: skipped." in skipped.content.decode()
    refused = client.post(f"/planned/{gas.pk}/paid/", {"date": "2026-11-27"}, follow=True)
    assert "was skipped already" in refused.content.decode()
    wrong = client.post(f"/planned/{gas.pk}/skip/", {"date": "2026-11-21"}, follow=True)
    assert "does not fall due on 2026-11-21" in wrong.content.decode()
    for bad in ("", "soon", "1999-11-20"):
        response = client.post(f"/planned/{gas.pk}/paid/", {"date": bad})
        assert response.status_code == 400
        assert "Pick the day of the occurrence." in response.content.decode()
    assert PlannedOccurrence.objects.count() == 2
    page = client.get("/").content.decode()
    assert "Gas 45.00</strong> on the 20th" not in page
    assert "Gas 45.00</strong> on 4 Dec" in page


@pytest.mark.parametrize("who", ["member", "stranger"])
def test_nobody_else_edits_deletes_pays_or_skips_a_personal_plan(request, client, alice, food, who):
    plan = planned.planned_create(user=alice, funnel=food, amount="9", date=date(2026, 11, 20))
    client.force_login(request.getfixturevalue(who))
    for url, data in (
        (f"/planned/{plan.pk}/edit/", form(food)),
        (f"/planned/{plan.pk}/delete/", {}),
        (f"/planned/{plan.pk}/paid/", {"date": "2026-11-20"}),
        (f"/planned/{plan.pk}/skip/", {"date": "2026-11-20"}),
        (f"/planned/{plan.pk}/unskip/", {"date": "2026-11-20"}),
    ):
        assert client.post(url, data).status_code == 404
    assert client.get(f"/planned/{plan.pk}/edit/").status_code == 404
    assert "Nothing planned yet." in client.get("/funnels/").content.decode()
    response = client.post("/planned/new/", form(food))
    assert response.status_code == 422
    plan.refresh_from_db()
    assert plan.amount == D("9")
    assert PlannedSpending.objects.count() == 1
    assert not Spending.objects.exists()


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 11, 10), "today"),
        (date(2026, 11, 11), "tomorrow"),
        (date(2026, 11, 21), "on the 21st"),
        (date(2026, 11, 12), "on the 12th"),
        (date(2026, 11, 22), "on the 22nd"),
        (date(2026, 11, 3), "was due on the 3rd"),
        (date(2026, 12, 1), "on 1 Dec"),
        (date(2027, 1, 1), "on 1 Jan 2027"),
    ],
)
def test_due_on(day, text):
    assert due_on(day, date(2026, 11, 10)) == text


def test_ordinals():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st", "111th",
    ]  # fmt: skip


@pytest.mark.parametrize("plans", [1, 25])
def test_dashboard_query_count_does_not_grow_with_plans(
    client, alice, food, django_assert_num_queries, plans
):
    for n in range(plans):
        plan = planned.planned_create(
            user=alice, funnel=food, amount="3", date=date(2026, 11, 10 + n % 18),
            repeat=("none", "weekly", "monthly", "yearly")[n % 4], note=f"Plan {n}",
        )  # fmt: skip
        if n % 5 == 1:
            planned.planned_paid(user=alice, plan=plan, on=plan.date)
    client.get("/")  # closes the funnels' ended periods once (§12.1)
    # session, user, household, funnels with sums, closed periods, plans with their done
    # occurrences, recent spendings, income sources.
    with django_assert_num_queries(8):
        response = client.get("/")
    assert response.content.decode().count('class="spending occurrence"') == min(plans, 10)


def test_paid_with_htmx_answers_the_changed_regions(client, alice, food):
    gas = planned.planned_create(
        user=alice, funnel=food, amount="45", date=date(2026, 11, 20), note="Gas"
    )
    page = client.get("/").content.decode()
    assert f'hx-post="/planned/{gas.pk}/paid/"' in page
    response = client.post(
        f"/planned/{gas.pk}/paid/", {"date": "2026-11-20"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "Gas 45.00 on 20 Nov: recorded as spent." in body  # the toast
    assert 'id="upcoming"' in body
    assert "Gas 45.00</strong> on the 20th" not in body
    # Paid now, on the 10th: spent 45, nothing set aside, daily unchanged (2000·10/30 − 45 + 45).
    daily = f'id="daily-{food.pk}"><span data-cents="65166" data-pending-funnel="{food.pk}">'
    assert daily + "651.66<" in body
    conflict = client.post(
        f"/planned/{gas.pk}/skip/", {"date": "2026-11-20"}, HTTP_HX_REQUEST="true"
    )
    assert "was recorded as a spending already" in conflict.content.decode()
    assert Spending.objects.count() == 1


def test_a_skip_shows_on_the_dashboard_and_can_be_taken_back(client, alice, food):
    gas = planned.planned_create(
        user=alice, funnel=food, amount="45", date=date(2026, 11, 20), note="Gas"
    )
    client.post(f"/planned/{gas.pk}/skip/", {"date": "2026-11-20"})
    page = client.get("/").content.decode()
    assert "Gas 45.00</strong> on the 20th · <em>skipped</em>" in page
    assert f'action="/planned/{gas.pk}/unskip/"' in page
    assert "45.00 set aside" not in page
    response = client.post(f"/planned/{gas.pk}/unskip/", {"date": "2026-11-20"}, follow=True)
    assert "Gas 45.00 on 20 Nov: set aside again." in response.content.decode()
    page = client.get("/").content.decode()
    assert "<em>skipped</em>" not in page
    assert "45.00 set aside" in page
    assert not PlannedOccurrence.objects.exists()
    assert client.post(f"/planned/{gas.pk}/unskip/", {"date": ""}).status_code == 400
