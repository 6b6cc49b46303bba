"""The reports page: summary cards, charts with their tables, navigation, bad input, isolation."""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime
from decimal import Decimal

import pytest

from funnels.models import Funnel, Income
from funnels.tests.factories import FunnelFactory, SpendingFactory

UTC = zoneinfo.ZoneInfo("UTC")
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
pytestmark = [pytest.mark.django_db, pytest.mark.frozen(NOW)]


@pytest.fixture
def alice(client, user):
    client.force_login(user)
    return user


def income(user, amount: str, when: datetime, *, shared: bool = True, source: str = "Salary"):
    return Income.objects.create(
        household=user.household, received_by=user, amount=Decimal(amount),
        received_at=when, source=source, shared=shared,
    )  # fmt: skip


def page(client, query: str = "") -> str:
    response = client.get(f"/reports/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_summary_cards_show_the_periods_figures(client, alice, member):
    food = Funnel.objects.get(owner=alice, name="Food")
    SpendingFactory(funnel=food, created_by=alice, amount=Decimal("2100.00"), spent_at=NOW)
    income(alice, "1500.00", NOW)
    income(member, "999.00", NOW, shared=False, source="Bob secret")
    content = page(client)
    assert "1 Nov – 30 Nov 2026" in content
    cards = content.split('class="cards"')[1].split("</dl>")[0]
    assert re.search(r"Income</dt><dd>1,500.00", cards)
    assert re.search(r"Spent</dt><dd>2,100.00", cards)
    assert re.search(r'Balance</dt><dd class="negative">−600.00', cards)
    assert re.search(r'Remaining</dt><dd class="negative">1,900.00', cards) is None
    assert re.search(r"Remaining</dt><dd class=\"\">1,900.00", cards)
    assert "Over budget:" in content
    assert "by <strong>100.00</strong>" in content
    assert "Bob secret" not in content
    assert "999.00" not in content


def test_every_chart_is_an_svg_image_with_title_desc_and_a_table(client, alice):
    content = page(client)
    svgs = re.findall(r'<svg class="chart[^"]*"[^>]*>', content)
    assert len(svgs) == 4
    for tag in svgs:
        assert 'role="img"' in tag
        assert "aria-labelledby=" in tag
    assert content.count("<title id=") == 4
    assert content.count("<desc id=") == 4
    assert content.count("<table") == 4
    assert "<script>" not in content
    tags = re.findall(r"<[a-z][^>]*>", content)
    assert not [tag for tag in tags if re.search(r"\sstyle=", tag)]


def test_daily_chart_draws_the_pace_line_and_bars_over_it(client, alice):
    food = Funnel.objects.get(owner=alice, name="Food")
    SpendingFactory(funnel=food, created_by=alice, amount=Decimal("500.00"), spent_at=NOW)
    content = page(client)
    daily = content.split('id="daily-title"')[1].split("</svg>")[0]
    assert '<line class="pace"' in daily
    assert 'class="col money-out over"' in daily  # 500 a day is above 4000 / 30
    assert "133.33 a day" in content  # the legend: 4000 / 30 to the cent


def test_by_funnel_table_has_spent_share_count_limit_and_share_of_limit(client, alice):
    food = Funnel.objects.get(owner=alice, name="Food")
    SpendingFactory.create_batch(
        3, funnel=food, created_by=alice, amount=Decimal("100.00"), spent_at=NOW
    )
    misc = Funnel.objects.get(owner=alice, name="Misc")
    SpendingFactory(funnel=misc, created_by=alice, amount=Decimal("100.00"), spent_at=NOW)
    content = page(client)
    table = content.split('class="by-funnel"')[1].split("</table>")[0]
    food_row = table.split("Food")[1].split("</tr>")[0]
    cells = re.findall(r'<td class="num">([^<]*)', food_row)
    assert cells == ["300.00", "75.0%", "3", "2,000.00", "15.0%"]
    assert 'stroke="#ffa500"' in content  # Food's slice of the donut
    assert "Food 75.0%" in content  # the donut's description


def test_an_empty_period_renders_with_no_bars(client, alice):
    content = page(client, "?date=2024-02-10")
    assert "1 Feb – 29 Feb 2024" in content
    assert "Nothing in this period" in content
    assert "Nothing spent in this period." in content
    charts = content.split('id="flow-title"')[1].split('id="funnels-title"')[0]
    assert charts.count("Nothing in this period") == 1  # cash flow; the daily chart has its pace
    assert '<line class="pace"' in charts
    assert '<rect class="col' not in charts


def test_spending_on_one_day_long_names_and_many_funnels_render(client, alice):
    for index in range(13):
        FunnelFactory(
            household=alice.household, name=f"A very long funnel name number {index:02d} xx",
            color="#123456",
        )  # fmt: skip
    funnel = Funnel.objects.filter(household=alice.household).last()
    SpendingFactory(funnel=funnel, created_by=alice, amount=Decimal("5.00"), spent_at=NOW)
    content = page(client)
    assert content.count("A very long funnel name number") >= 13
    assert len(re.findall(r'<tr[^>]*>\s*<th scope="row"><svg class="key-swatch"', content)) == 15


def test_previous_and_next_links_move_by_one_period(client, alice):
    alice.household.period_start_day = 15
    alice.household.save()
    content = page(client, "?date=2026-03-01")
    assert "15 Feb – 14 Mar 2026" in content
    assert 'href="?date=2026-02-14" rel="prev"' in content
    assert 'href="?date=2026-03-15" rel="next"' in content


def test_trend_lists_six_periods_oldest_first(client, alice):
    income(alice, "10.00", datetime(2026, 6, 3, tzinfo=UTC))
    content = page(client)
    trend = content.split('id="trend-title"')[1]
    starts = re.findall(r'<a href="\?date=(\d{4}-\d{2}-\d{2})">', trend)
    assert starts == [
        "2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01",
    ]  # fmt: skip
    assert "Jun 2026: income 10.00" in content


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("/reports/?date=yesterday", "Use a date like 2026-11-22."),
        ("/reports/?date=2026-02-30", "Use a date like 2026-11-22."),
        ("/reports/?date=", "Use a date like 2026-11-22."),
        ("/reports/?date=1999-12-31", "Pick a date between 2000-01-01 and 2999-12-31."),
        ("/reports/?date=3000-01-01", "Pick a date between 2000-01-01 and 2999-12-31."),
        ("/reports/?date=2026-1-5", "Use a date like 2026-11-22."),
        # The calendar's month (test_web_calendar.py).
        ("/calendar/?month=2026-13", "Use a month like 2026-11."),
        ("/calendar/?month=2026-00", "Use a month like 2026-11."),
        ("/calendar/?month=nov", "Use a month like 2026-11."),
        ("/calendar/?month=", "Use a month like 2026-11."),
        ("/calendar/?month=2026-11-01", "Use a month like 2026-11."),
        ("/calendar/?month=1999-12", "Pick a month between 2000-01 and 2999-12."),
        ("/calendar/?month=3000-01", "Pick a month between 2000-01 and 2999-12."),
    ],
)
def test_bad_date_or_month_is_400_with_a_message(client, alice, query, message):
    response = client.get(query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_first_and_last_periods_have_no_link_beyond_the_range(client, alice):
    assert 'rel="prev"' not in page(client, "?date=2000-01-10")
    assert 'rel="next"' not in page(client, "?date=2999-12-10")


def test_signed_out_visitors_go_to_sign_in(client):
    response = client.get("/reports/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_reports_run_a_constant_number_of_queries(client, alice, django_assert_num_queries):
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            page(client)
        return len(context)

    small = count()
    for index in range(10):
        funnel = FunnelFactory(household=alice.household, owner=alice if index % 2 else None)
        SpendingFactory.create_batch(5, funnel=funnel, created_by=alice, spent_at=NOW)
        income(alice, "1.00", NOW)
    with django_assert_num_queries(small):
        page(client)
    assert small == 9  # session, user, household, summary 3, trend 3
