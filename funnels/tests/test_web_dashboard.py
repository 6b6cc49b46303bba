"""The dashboard: two-click spending entry with HTMX, its no-JS fallback, delete and undo."""

from __future__ import annotations

import re
import uuid
import zoneinfo
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from funnels.models import Funnel, Spending
from funnels.selectors import period_of
from funnels.tests.factories import FunnelFactory, SpendingFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
CREATE = "/spendings/new/"


def food_of(user) -> Funnel:
    return Funnel.objects.get(owner=user, name="Food")


def test_dashboard_has_amount_field_and_one_button_per_funnel(client, alice):
    content = client.get("/").content.decode()
    assert 'inputmode="decimal"' in content
    assert 'id="amount"' in content
    for funnel in Funnel.objects.visible_to(alice):
        assert f'name="funnel" value="{funnel.pk}"' in content
        assert f'fill="{funnel.color}"' in content
    # The form's default (Enter) button is disabled, so Enter never picks a funnel by itself.
    first_button = re.search(r"<button[^>]*>", content.split('id="entry"')[1]).group(0)
    assert "disabled" in first_button


def test_dashboard_has_no_inline_script_handler_or_style(client, alice):
    content = client.get("/").content.decode()
    tags = re.findall(r"<[a-z][^>]*>", content)
    assert not [tag for tag in tags if re.search(r"\s(style|on[a-z]+)=", tag)]
    scripts = re.findall(r"<script[^>]*>", content)
    assert scripts
    assert all("nonce=" in tag for tag in scripts)
    assert "hx-on" not in content


def test_two_click_entry_saves_and_returns_the_changed_regions(client, alice):
    food = food_of(alice)
    response = client.post(CREATE, {"amount": "12,50", "funnel": str(food.pk)}, **HX)
    assert response.status_code == 200
    spending = Spending.objects.get()
    assert spending.amount == Decimal("12.50")
    assert spending.funnel == food
    assert spending.created_by == alice
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="entry-errors"')
    for region in ("period", "funnel-list", "totals", "recent", "toast"):
        assert re.search(rf'id="{region}"[^>]*hx-swap-oob="true"', content), region
    # 2000 over 30 days in November, day 22: 1466.66 before; the spending takes 12.50 off.
    assert '>1,987.50</span> left</span> <span class="nowrap">of 2,000.00' in content
    assert '<strong class="amount">12.50</strong> Food' in content
    assert '<p class="saved">Saved 12.50 from Food.</p>' in content


def test_plain_post_saves_and_redirects_to_the_dashboard(client, alice):
    response = client.post(CREATE, {"amount": "7.25", "funnel": str(food_of(alice).pk)})
    assert response.status_code == 302
    assert response["Location"] == reverse("funnels:dashboard")
    assert Spending.objects.get().amount == Decimal("7.25")
    page = client.get("/").content.decode()
    assert "7.25" in page
    assert "Saved 7.25 from Food." in page


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "Enter an amount."),
        ("abc", "Enter the amount as a number like 12.50."),
        ("0", "The amount must be more than zero."),
        ("-5", "The amount must be more than zero."),
        ("NaN", "Enter the amount as a number like 12.50."),
        ("Infinity", "Enter the amount as a number like 12.50."),
        ("1.2345", "Use at most 2 decimal places."),
        ("99999999999", "The amount is too large"),
        ("1,2,3", "Enter the amount as a number like 12.50."),
    ],
)
@pytest.mark.parametrize("htmx", [True, False])
def test_invalid_amount_shows_a_message_and_saves_nothing(client, alice, amount, message, htmx):
    headers = HX if htmx else {}
    response = client.post(CREATE, {"amount": amount, "funnel": str(food_of(alice).pk)}, **headers)
    assert response.status_code == 422
    content = response.content.decode()
    assert message in content
    assert 'id="entry-errors"' in content
    if not htmx:
        # The whole page comes back with the typed amount still in the field.
        assert 'id="funnel-list"' in content
        assert f'value="{amount}"' in content
    assert not Spending.objects.exists()


def test_missing_funnel_asks_to_tap_one(client, alice):
    response = client.post(CREATE, {"amount": "5"}, **HX)
    assert response.status_code == 422
    assert "Tap a funnel to spend from." in response.content.decode()
    assert not Spending.objects.exists()


@pytest.mark.parametrize("funnel_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_unknown_funnel_is_refused(client, alice, funnel_id):
    response = client.post(CREATE, {"amount": "5", "funnel": funnel_id}, **HX)
    assert response.status_code == 422
    assert "That funnel is not one you can spend from." in response.content.decode()


def test_cannot_spend_from_another_members_personal_funnel(client, alice, member):
    response = client.post(CREATE, {"amount": "5", "funnel": str(food_of(member).pk)}, **HX)
    assert response.status_code == 422
    assert not Spending.objects.exists()


def test_cannot_spend_from_another_households_funnel(client, alice, stranger):
    response = client.post(CREATE, {"amount": "5", "funnel": str(food_of(stranger).pk)})
    assert response.status_code == 422
    assert not Spending.objects.exists()


def test_note_and_local_date_are_saved_in_the_household_time_zone(client, alice):
    alice.household.timezone = "Europe/Berlin"
    alice.household.save()
    response = client.post(
        CREATE,
        {
            "amount": "3",
            "funnel": str(food_of(alice).pk),
            "note": "  bakery ",
            "spent_at": "2026-11-20T10:00",
        },
        **HX,
    )
    assert response.status_code == 200
    spending = Spending.objects.get()
    assert spending.note == "bakery"
    assert spending.spent_at == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("spent_at", ["yesterday", "2026-13-01T10:00", "2026-11-31T10:00"])
def test_bad_date_is_refused(client, alice, spent_at):
    response = client.post(
        CREATE, {"amount": "3", "funnel": str(food_of(alice).pk), "spent_at": spent_at}, **HX
    )
    assert response.status_code == 422
    assert "Enter a valid date/time." in response.content.decode()
    assert not Spending.objects.exists()


def test_too_long_note_is_refused(client, alice):
    response = client.post(
        CREATE, {"amount": "3", "funnel": str(food_of(alice).pk), "note": "x" * 201}, **HX
    )
    assert response.status_code == 422
    assert "at most 200 characters" in response.content.decode()
    assert not Spending.objects.exists()


def test_recent_list_shows_who_spent_from_shared_funnels_in_local_time(client, alice, member):
    alice.household.timezone = "America/New_York"
    alice.household.save()
    shared = FunnelFactory(household=alice.household, name="Groceries", emoji="🛒")
    now = datetime.now(UTC).replace(microsecond=0)
    SpendingFactory(funnel=shared, created_by=member, amount=Decimal("4.20"), spent_at=now)
    SpendingFactory(funnel=shared, created_by=None, amount=Decimal("1.10"), note="old")
    content = client.get("/").content.decode()
    assert f'<span class="who">{member.name}</span>' in content
    assert '<span class="who">former member</span>' in content
    local = now.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert f"{local:%H:%M}</time>" in content


def test_delete_asks_for_confirmation_first(client, alice):
    spending = SpendingFactory(funnel=food_of(alice), created_by=alice)
    response = client.get(f"/spendings/{spending.pk}/delete/")
    assert response.status_code == 200
    assert "Delete this spending?" in response.content.decode()
    assert Spending.objects.filter(pk=spending.pk).exists()


def test_htmx_delete_then_undo_brings_the_same_spending_back(client, alice):
    spent_at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    spending = SpendingFactory(
        funnel=food_of(alice),
        created_by=alice,
        amount=Decimal("9.99"),
        note="milk",
        spent_at=spent_at,
    )
    response = client.post(f"/spendings/{spending.pk}/delete/", **HX)
    assert response.status_code == 200
    assert not Spending.objects.exists()
    content = response.content.decode()
    assert "Spending deleted." in content
    token = re.search(r'name="token" value="([^"]+)"', content).group(1)

    response = client.post("/spendings/undo/", {"token": token}, **HX)
    assert response.status_code == 200
    restored = Spending.objects.get()
    assert (restored.pk, restored.amount, restored.funnel_id, restored.spent_at, restored.note) == (
        spending.pk,
        Decimal("9.99"),
        spending.funnel_id,
        spent_at,
        "milk",
    )
    assert "9.99" in response.content.decode()
    # Undoing twice changes nothing.
    assert client.post("/spendings/undo/", {"token": token}, **HX).status_code == 200
    assert Spending.objects.count() == 1


def test_plain_delete_redirects_with_an_undo_offer(client, alice):
    spending = SpendingFactory(funnel=food_of(alice), created_by=alice)
    response = client.post(f"/spendings/{spending.pk}/delete/")
    assert response.status_code == 302
    assert response["Location"].startswith("/?undo=")
    page = client.get(response["Location"]).content.decode()
    assert "Spending deleted." in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert client.post("/spendings/undo/", {"token": token}).status_code == 302
    assert Spending.objects.filter(pk=spending.pk).exists()


def test_undo_with_a_forged_token_is_refused(client, alice):
    response = client.post("/spendings/undo/", {"token": "forged"})
    assert response.status_code == 400
    assert "too late to undo" in response.content.decode()
    assert not Spending.objects.exists()


def test_undo_token_of_another_member_is_refused(client, alice, member):
    shared = FunnelFactory(household=alice.household)
    spending = SpendingFactory(funnel=shared, created_by=alice)
    response = client.post(f"/spendings/{spending.pk}/delete/", **HX)
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)
    client.force_login(member)
    assert client.post("/spendings/undo/", {"token": token}).status_code == 400
    assert not Spending.objects.exists()


def test_undo_of_someone_elses_spending_keeps_its_author(client, alice, member):
    shared = FunnelFactory(household=alice.household)
    spending = SpendingFactory(funnel=shared, created_by=member, amount=Decimal("4.20"))
    response = client.post(f"/spendings/{spending.pk}/delete/", **HX)
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)
    assert client.post("/spendings/undo/", {"token": token}, **HX).status_code == 200
    restored = Spending.objects.get(pk=spending.pk)
    assert restored.created_by == member  # not alice, who pressed Undo


def test_undo_after_the_funnel_is_gone_says_so(client, alice):
    funnel = FunnelFactory(household=alice.household)
    spending = SpendingFactory(funnel=funnel, created_by=alice)
    response = client.post(f"/spendings/{spending.pk}/delete/", **HX)
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)
    funnel.delete()
    response = client.post("/spendings/undo/", {"token": token})
    assert response.status_code == 400
    assert "funnel is gone" in response.content.decode()
    assert not Spending.objects.exists()


def test_cannot_delete_a_spending_one_cannot_see(client, alice, member, stranger):
    hidden = [
        SpendingFactory(funnel=food_of(member), created_by=member),
        SpendingFactory(funnel=food_of(stranger), created_by=stranger),
    ]
    for spending in hidden:
        assert client.post(f"/spendings/{spending.pk}/delete/", **HX).status_code == 404
        assert client.get(f"/spendings/{spending.pk}/delete/").status_code == 404
    assert Spending.objects.count() == 2


def test_pages_require_sign_in(client):
    for url in ("/", "/spendings/", "/funnels/", "/household/", "/account/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login"))
    assert client.post(CREATE, {"amount": "1"}).status_code == 302
    assert not Spending.objects.exists()


def _with_funnels(user, count: int) -> None:
    """Give `user` `count` visible funnels in all (2 defaults + more), each with spendings."""
    for index in range(count - 2):
        funnel = FunnelFactory(household=user.household, owner=user if index % 2 else None)
        SpendingFactory.create_batch(3, funnel=funnel, created_by=user)
    SpendingFactory.create_batch(2, funnel=food_of(user), created_by=user)


# GET: session, user, household, funnels with their sums, closed periods (rollover), plans
# (§12.2), recent spendings, income sources.
DASHBOARD_QUERIES = 8
# POST: session, user, household, the funnel, the insert, then the figures' four reads (funnels
# with sums, closed periods, plans, recent spendings).
SAVE_QUERIES = 9


@pytest.mark.parametrize("funnels", [2, 12])
def test_dashboard_runs_a_constant_number_of_queries(
    client, alice, funnels, django_assert_num_queries
):
    _with_funnels(alice, funnels)
    assert Funnel.objects.visible_to(alice).count() == funnels
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get("/")
    assert response.content.decode().count('class="funnel"') == funnels


@pytest.mark.parametrize("funnels", [2, 12])
def test_saving_a_spending_runs_a_constant_number_of_queries(
    client, alice, funnels, django_assert_num_queries
):
    _with_funnels(alice, funnels)
    food = food_of(alice)
    with django_assert_num_queries(SAVE_QUERIES):
        response = client.post(CREATE, {"amount": "1", "funnel": str(food.pk)}, **HX)
    assert response.status_code == 200
    assert response.content.decode().count('class="funnel"') == funnels
    assert food.spendings.count() == 3


def test_each_recent_spending_links_to_its_own_edit_and_delete(client, alice):
    # The links are reversed once per render with a placeholder id (templatetags/links.py).
    spendings = SpendingFactory.create_batch(3, funnel=food_of(alice), created_by=alice)
    content = client.get("/").content.decode()
    for spending in spendings:
        edit = reverse("funnels:spending-edit", args=[spending.pk])
        delete = reverse("funnels:spending-delete", args=[spending.pk])
        assert f'<a href="{edit}?next=/">' in content
        assert f'href="{delete}" hx-post="{delete}"' in content


# A tap with the client id every tap carries (the offline queue's): one more read, whether the
# id is taken by a spending or a deletion. Outside a test's transaction, as in production (a
# request is not wrapped in one): inside one the insert needs a savepoint (PostgreSQL would
# abort the whole transaction on a taken id), two statements more.
TAP_QUERIES = SAVE_QUERIES + 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("funnels", [2, 12])
def test_a_tap_with_a_client_id_runs_a_constant_number_of_queries(
    client, alice, funnels, django_assert_num_queries
):
    _with_funnels(alice, funnels)
    food = food_of(alice)
    tap = {"amount": "1", "funnel": str(food.pk), "client_id": str(uuid.uuid4())}
    with django_assert_num_queries(TAP_QUERIES):
        response = client.post(CREATE, tap, **HX)
    assert response.status_code == 200
    assert response.content.decode().count('class="funnel"') == funnels
    assert food.spendings.filter(pk=tap["client_id"]).exists()


def test_htmx_request_after_sign_out_goes_to_the_sign_in_page(client):
    response = client.post(CREATE, {"amount": "1"}, **HX)
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))
    assert not Spending.objects.exists()


def test_undo_offer_in_the_address_is_shown_only_to_whoever_deleted(client, alice, member):
    shared = FunnelFactory(household=alice.household)
    spending = SpendingFactory(funnel=shared, created_by=alice)
    location = client.post(f"/spendings/{spending.pk}/delete/")["Location"]
    assert "Spending deleted." in client.get(location).content.decode()
    client.force_login(member)
    assert "Spending deleted." not in client.get(location).content.decode()


@pytest.mark.parametrize("typed", ["1,234.50", "1 234,50", "1.234,50"])
def test_amount_typed_as_the_app_shows_it_is_saved(client, alice, typed):
    response = client.post(CREATE, {"amount": typed, "funnel": str(food_of(alice).pk)}, **HX)
    assert response.status_code == 200
    assert Spending.objects.get().amount == Decimal("1234.50")
    assert '<p class="saved">Saved 1,234.50 from Food.</p>' in response.content.decode()


def test_spending_outside_the_current_period_says_where_it_went(client, alice):
    # The day before the current period starts, whatever day the test runs.
    day = period_of(household=alice.household).start - timedelta(days=1)
    data = {"amount": "12.50", "funnel": str(food_of(alice).pk), "spent_at": f"{day}T09:00"}
    response = client.post(CREATE, data, **HX)
    assert response.status_code == 200
    expected = f"Saved 12.50 in Food on {day.day} {day:%b}, in an earlier period."
    assert f'<p class="saved">{expected}</p>' in response.content.decode()
    # Without JavaScript the same words come back after the redirect.
    client.post(CREATE, data)
    assert expected in client.get("/").content.decode()
    assert Spending.objects.count() == 2


def test_undo_offer_says_how_long_it_lasts(client, alice):
    spending = SpendingFactory(funnel=food_of(alice), created_by=alice)
    response = client.post(reverse("funnels:spending-delete", args=[spending.pk]), **HX)
    content = response.content.decode()
    assert 'data-seconds="60"' in content
    assert "for 60 s" in content
