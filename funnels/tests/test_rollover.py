"""Rollover through the database (docs/rules.md §12.1): closing rows, carries, exactly once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from accounts.daily import daily_jobs_run
from funnels.models import Funnel, PeriodClose
from funnels.selectors import funnel_rows, overview_for
from funnels.services import funnel_update
from funnels.tests.factories import FunnelFactory, SpendingFactory

D = Decimal


def at(y, m, d, h=12):
    return datetime(y, m, d, h, tzinfo=UTC)


def _household(user, *, start_day=1, tz="UTC"):
    household = user.household
    household.timezone, household.period_start_day, household.allowance_mode = tz, start_day, "pace"
    household.save()
    Funnel.objects.filter(household=household).delete()
    return household


def _funnel(user, *, created, limit="1000", policy="all", cap=None):
    with time_machine.travel(created, tick=False):
        return FunnelFactory(
            household=user.household,
            owner=user,
            monthly_limit=D(limit),
            rollover=policy,
            rollover_cap=None if cap is None else D(cap),
        )


def spend(funnel, user, amount, when):
    SpendingFactory(funnel=funnel, created_by=user, amount=D(amount), spent_at=when)


def carry_on(user, funnel, when):
    with time_machine.travel(when, tick=False):
        row = next(r for r in overview_for(user=user).rows if r.funnel.pk == funnel.pk)
    return row.figures


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("policy", "cap", "expected"),
    [
        ("none", None, "0"),
        ("surplus", None, "300"),  # 200, 0 (overspent 100), 300
        ("all", None, "400"),  # 200, 100, 400
        ("capped", "250", "250"),  # 200, 0, 250
    ],
)
def test_chain_of_three_closed_periods_per_policy(user, policy, cap, expected):
    _household(user)
    funnel = _funnel(user, created=at(2026, 1, 1), policy=policy, cap=cap)
    spend(funnel, user, "800", at(2026, 1, 10))
    spend(funnel, user, "1100" if policy == "all" else "1300", at(2026, 2, 10))
    spend(funnel, user, "700", at(2026, 3, 10))
    figures = carry_on(user, funnel, at(2026, 4, 2))
    assert figures.carry_in == D(expected)
    assert figures.remaining == D("1000") + D(expected)
    assert PeriodClose.objects.filter(funnel=funnel).count() == 3


@pytest.mark.django_db
def test_limit_changed_after_a_close_keeps_the_closed_limit(user):
    _household(user)
    funnel = _funnel(user, created=at(2026, 1, 1))
    spend(funnel, user, "600", at(2026, 1, 5))
    assert carry_on(user, funnel, at(2026, 2, 3)).carry_in == D("400")
    with time_machine.travel(at(2026, 2, 3), tick=False):
        funnel_update(user=user, funnel=funnel, monthly_limit=D("5000"))
    figures = carry_on(user, funnel, at(2026, 2, 4))
    assert figures.carry_in == D("400")  # January still closed with 1000
    assert figures.remaining == D("5400")
    assert PeriodClose.objects.get(funnel=funnel).monthly_limit == D("1000")


@pytest.mark.django_db
def test_a_period_closed_under_none_starts_the_chain_again(user):
    _household(user)
    funnel = _funnel(user, created=at(2026, 1, 1), policy="all")
    spend(funnel, user, "800", at(2026, 1, 10))
    assert carry_on(user, funnel, at(2026, 2, 2)).carry_in == D("200")  # January closed: all
    with time_machine.travel(at(2026, 2, 3), tick=False):
        funnel_update(user=user, funnel=funnel, rollover="none")
    spend(funnel, user, "100", at(2026, 2, 10))
    assert carry_on(user, funnel, at(2026, 3, 2)).carry_in == D("0")  # February: none
    with time_machine.travel(at(2026, 3, 3), tick=False):
        funnel_update(user=user, funnel=funnel, rollover="all")
    spend(funnel, user, "700", at(2026, 3, 10))
    assert carry_on(user, funnel, at(2026, 4, 2)).carry_in == D("300")  # March: all, 0 in
    # Before the reset nothing counts any more, not even a spending added there later...
    spend(funnel, user, "999", at(2026, 1, 20))
    assert carry_on(user, funnel, at(2026, 4, 3)).carry_in == D("300")
    # ...after it everything does.
    spend(funnel, user, "50", at(2026, 3, 20))
    assert carry_on(user, funnel, at(2026, 4, 3)).carry_in == D("250")
    assert PeriodClose.objects.filter(funnel=funnel).count() == 3


@pytest.mark.django_db
def test_a_spending_added_to_a_closed_period_moves_its_carry(user):
    _household(user)
    funnel = _funnel(user, created=at(2026, 1, 1))
    assert carry_on(user, funnel, at(2026, 3, 3)).carry_in == D("2000")
    spend(funnel, user, "250.55", at(2026, 1, 20))
    assert carry_on(user, funnel, at(2026, 3, 3)).carry_in == D("1749.45")


@pytest.mark.django_db
def test_funnel_created_mid_period_first_closes_its_creation_period(user):
    _household(user)
    funnel = _funnel(user, created=at(2026, 1, 23))
    # First period counted from day 23 (§11.5): 1000 / 9 on its first day.
    assert carry_on(user, funnel, at(2026, 1, 23)).daily == D("111.11")
    assert carry_on(user, funnel, at(2026, 1, 23)).carry_in == D("0")
    spend(funnel, user, "100", at(2026, 1, 25))
    assert carry_on(user, funnel, at(2026, 2, 1)).carry_in == D("900")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start_day", "created", "today", "closed"),
    [
        (1, at(2024, 1, 5), at(2024, 3, 1), [date(2024, 1, 1), date(2024, 2, 1)]),
        (28, at(2024, 1, 28), at(2024, 3, 28), [date(2024, 1, 28), date(2024, 2, 28)]),
        (28, at(2023, 2, 27), at(2023, 3, 28), [date(2023, 1, 28), date(2023, 2, 28)]),
    ],
)
def test_start_days_1_and_28_across_february(user, start_day, created, today, closed):
    _household(user, start_day=start_day)
    funnel = _funnel(user, created=created, policy="all")
    carry_on(user, funnel, today)
    starts = list(PeriodClose.objects.filter(funnel=funnel).values_list("period_start", flat=True))
    assert starts == closed


@pytest.mark.django_db
def test_spending_at_local_midnight_after_dst_counts_in_the_right_closed_period(user):
    _household(user, tz="Europe/Berlin")
    funnel = _funnel(user, created=at(2026, 3, 1, 10))
    # 2026-03-31 23:30 in Berlin (CEST, UTC+2) is 21:30 UTC: March, not April.
    spend(funnel, user, "100", datetime(2026, 3, 31, 21, 30, tzinfo=UTC))
    # 2026-04-01 00:30 in Berlin is 2026-03-31 22:30 UTC: April.
    spend(funnel, user, "50", datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
    assert carry_on(user, funnel, at(2026, 4, 2)).carry_in == D("900")
    assert carry_on(user, funnel, at(2026, 5, 2)).carry_in == D("1850")


@pytest.mark.django_db
def test_daily_job_closes_periods_once_even_when_run_twice(user):
    _household(user)
    funnel = _funnel(user, created=at(2026, 1, 1))
    job = "funnels.rollover.period_closes_daily"
    with time_machine.travel(at(2026, 3, 2), tick=False):
        first = daily_jobs_run(jobs=[job], today=date(2026, 3, 2))
        second = daily_jobs_run(jobs=[job], today=date(2026, 3, 2))
    assert first.ran[0][2] == 2
    assert second.ran == []
    assert PeriodClose.objects.filter(funnel=funnel).count() == 2


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_closed_periods(
    client, user, django_assert_num_queries
):
    _household(user)
    _funnel(user, created=at(2021, 1, 1))
    _funnel(user, created=at(2026, 1, 1))
    client.force_login(user)
    with time_machine.travel(at(2026, 11, 2), tick=False):
        client.get("/")  # closes the 70 missed periods
        with django_assert_num_queries(8):
            response = client.get("/")
    assert response.status_code == 200
    assert PeriodClose.objects.count() == 70 + 10


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the test run's in-memory SQLite database locks whole tables between threads "
    "('database table is locked'), which a file database with a busy timeout does not",
)
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_readers_close_each_period_exactly_once(user):
    _household(user)
    funnel = _funnel(user, created=at(2026, 1, 1))
    spend(funnel, user, "100", at(2026, 1, 3))
    barrier = threading.Barrier(8)
    carries, errors = [], []

    def read():
        try:
            barrier.wait()
            carries.append(funnel_rows(user=user)[0].figures.carry_in)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    # The clock is the process's: move it once for all threads (a travel per thread would end
    # under the others' feet).
    with time_machine.travel(at(2026, 6, 2), tick=False):
        threads = [threading.Thread(target=read) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert carries == [D("4900")] * 8
    assert PeriodClose.objects.filter(funnel=funnel).count() == 5


@pytest.mark.django_db
def test_api_sets_policy_and_shows_carry_in(user, api_client_for):
    _household(user)
    funnel = _funnel(user, created=at(2026, 1, 1), policy="none")
    with time_machine.travel(at(2026, 1, 20), tick=False):
        response = api_client_for(user).patch(
            f"/api/v1/funnels/{funnel.pk}/",
            {"rollover": "capped", "rollover_cap": "150.00"},
            format="json",
        )
        assert response.status_code == 200, response.json()
        assert (response.json()["rollover"], response.json()["rollover_cap"]) == (
            "capped",
            "150.00",
        )
    with time_machine.travel(at(2026, 2, 2), tick=False):
        body = api_client_for(user).get("/api/v1/overview/").json()
    assert body["funnels"][0]["carry_in"] == "150.00"
    assert body["totals"]["carry_in"] == "150.00"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rollover": "most"}, "rollover"),
        ({"rollover": "capped"}, "rollover_cap"),
        ({"rollover": "capped", "rollover_cap": "-1"}, "rollover_cap"),
        ({"rollover_cap": 1.5}, "rollover_cap"),
        ({"rollover_cap": "NaN"}, "rollover_cap"),
    ],
)
def test_api_refuses_bad_rollover_and_changes_nothing(user, api_client_for, body, field):
    _household(user)
    funnel = _funnel(user, created=at(2026, 1, 1), policy="none")
    response = api_client_for(user).patch(f"/api/v1/funnels/{funnel.pk}/", body, format="json")
    assert response.status_code == 400
    assert field in str(response.json())
    funnel.refresh_from_db()
    assert (funnel.rollover, funnel.rollover_cap) == ("none", None)


@pytest.mark.django_db
def test_funnel_form_sets_policy_and_dashboard_shows_the_carry(client, user):
    from funnels.tests.test_web_funnels import valid_post

    _household(user)
    client.force_login(user)
    with time_machine.travel(at(2026, 1, 10), tick=False):
        response = client.post(
            "/funnels/new/",
            valid_post(monthly_limit="1000", rollover="capped", rollover_cap="120,50"),
        )
        assert response.status_code == 302
    funnel = Funnel.objects.get(household=user.household)
    assert (funnel.rollover, funnel.rollover_cap) == ("capped", D("120.50"))
    with time_machine.travel(at(2026, 2, 3), tick=False):
        client.force_login(user)
        page = client.get("/").content.decode()
    assert "+120.50 carried in" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rollover": "capped", "rollover_cap": ""}, "Enter the most that may carry over."),
        ({"rollover": "capped", "rollover_cap": "-5"}, "cannot be negative"),
        ({"rollover": "most"}, "Choose what carries over"),
        ({"rollover": "capped", "rollover_cap": "abc"}, 'aria-describedby="cap-errors"'),
    ],
)
def test_funnel_form_refuses_bad_rollover_and_saves_nothing(client, user, changes, message):
    from funnels.tests.test_web_funnels import valid_post

    _household(user)
    client.force_login(user)
    response = client.post("/funnels/new/", valid_post(**changes))
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert not Funnel.objects.filter(household=user.household).exists()


@pytest.mark.django_db
def test_a_far_future_date_closes_only_the_periods_that_really_ended(user):
    _household(user)
    funnel = _funnel(user, created=at(2026, 1, 1))
    with time_machine.travel(at(2026, 3, 5), tick=False):
        row = next(
            r
            for r in overview_for(user=user, on=date(2999, 12, 1)).rows
            if r.funnel.pk == funnel.pk
        )
    assert row.figures.carry_in == D("2000")  # January and February, as today
    assert PeriodClose.objects.filter(funnel=funnel).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body", [{"rollover": "capped"}, {"rollover": "capped", "rollover_cap": None}]
)
def test_api_capped_comes_with_its_cap_even_when_one_is_stored(user, api_client_for, body):
    """The rule the schema states (anyOf): "capped" needs a non-null cap in the same body, on
    PATCH too, whatever cap the funnel already has."""
    _household(user)
    funnel = _funnel(user, created=at(2026, 1, 1), policy="surplus")
    Funnel.objects.filter(pk=funnel.pk).update(rollover_cap=D("80.00"))
    response = api_client_for(user).patch(f"/api/v1/funnels/{funnel.pk}/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"rollover_cap": ["Enter the most that may carry over."]}
    funnel.refresh_from_db()
    assert (funnel.rollover, funnel.rollover_cap) == ("surplus", D("80.00"))


@pytest.mark.django_db
def test_api_creates_a_capped_funnel_only_with_its_cap(user, api_client_for):
    body = {"name": "Fun", "emoji": "🎉", "color": "#aabbcc", "monthly_limit": "100"}
    client = api_client_for(user)
    refused = client.post("/api/v1/funnels/", {**body, "rollover": "capped"}, format="json")
    assert refused.json() == {"rollover_cap": ["Enter the most that may carry over."]}
    assert not Funnel.objects.filter(name="Fun").exists()
    made = client.post(
        "/api/v1/funnels/", {**body, "rollover": "capped", "rollover_cap": 30}, format="json"
    )
    assert made.status_code == 201
    assert (made.json()["rollover"], made.json()["rollover_cap"]) == ("capped", "30.00")


@pytest.mark.django_db
def test_the_schema_states_that_capped_needs_a_cap(api_client):
    schemas = api_client.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    for name in ("FunnelInputRequest", "PatchedFunnelInputRequest"):
        any_of = schemas[name]["anyOf"]
        assert any_of[0] == {"properties": {"rollover": {"not": {"enum": ["capped"]}}}}
        assert any_of[1]["required"] == ["rollover", "rollover_cap"]
        assert "nullable" not in any_of[1]["properties"]["rollover_cap"]
        assert schemas[name]["properties"]["rollover_cap"]["nullable"] is True
