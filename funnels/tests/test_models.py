"""Model rules: validation messages and the database constraints behind them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from funnels.fields import to_money
from funnels.models import Funnel, Spending
from funnels.services import funnel_create, spending_create
from funnels.tests.amount_table import AMOUNT_TABLE
from funnels.tests.factories import FunnelFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12.5", D("12.50")), ("12,5", D("12.50")), (" 7 ", D("7.00")), ("0.10", D("0.10")),
     (D("3"), D("3.00")), (42, D("42.00")), ("9999999999.99", D("9999999999.99"))],
)  # fmt: skip
def test_to_money_accepts_dot_and_comma(raw, expected):
    assert to_money(raw) == expected


@pytest.mark.parametrize(
    "raw", ["abc", "", "1.234", "NaN", "Infinity", "-inf", "1e400", "10000000000.00", 1.5, True,
            None, "1,2,3", "1.000,50"],
)  # fmt: skip
def test_to_money_rejects_what_is_not_an_exact_amount(raw):
    with pytest.raises(ValidationError):
        to_money(raw)


@pytest.mark.parametrize(("text", "cents"), AMOUNT_TABLE)
def test_typed_amounts_follow_the_shared_table(text, cents):
    if cents is None:
        with pytest.raises(ValidationError):
            to_money(text, typed=True)
    else:
        assert to_money(text, typed=True) == Decimal(cents) / 100


@pytest.mark.parametrize("text", ["1,234.50", "12,345", "1.234,50"])
def test_api_decimal_strings_never_read_grouping(text):
    # A machine sends "12.345" meaning a mistake, not twelve thousand: the API stays strict.
    with pytest.raises(ValidationError):
        to_money(text)


@pytest.mark.parametrize("amount", ["0", "-1.00", "0.00"])
def test_spending_amount_must_be_positive(user, amount):
    funnel = user.personal_funnels.first()
    with pytest.raises(ValidationError) as error:
        spending_create(user=user, funnel=funnel, amount=amount)
    assert "amount" in error.value.message_dict
    assert not Spending.objects.exists()


def test_database_refuses_a_non_positive_amount_even_without_validation(user):
    funnel = user.personal_funnels.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Spending.objects.create(funnel=funnel, created_by=user, amount=D("0.00"))


def test_database_refuses_a_negative_limit(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        FunnelFactory(household=user.household, monthly_limit=D("-1.00"))


def test_database_refuses_a_personal_funnel_owned_outside_its_household(user, stranger):
    with pytest.raises(IntegrityError), transaction.atomic():
        FunnelFactory(household=user.household, owner=stranger)
    funnel = FunnelFactory(household=user.household, owner=user)
    funnel.owner = stranger
    with pytest.raises(IntegrityError), transaction.atomic():
        funnel.save()


def test_validation_names_the_owner_outside_the_household(user, stranger):
    funnel = Funnel(
        household=user.household, owner=stranger, name="x", emoji="🍞", color="#000000",
        monthly_limit=D("1.00"),
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        funnel.full_clean()
    assert "owner" in error.value.message_dict


def test_database_refuses_period_start_day_outside_1_to_28(user):
    household = user.household
    household.period_start_day = 29
    with pytest.raises(IntegrityError), transaction.atomic():
        household.save()
    household.period_start_day = 0
    with pytest.raises(ValidationError):
        household.full_clean()


@pytest.mark.parametrize("emoji", ["🍞", "🛍️", "🇩🇪", "👨‍👩‍👧", "👍🏽", "#️⃣"])
def test_funnel_accepts_one_emoji_grapheme(user, emoji):
    funnel = funnel_create(
        user=user, name="Fun", emoji=emoji, color="#FFA500", monthly_limit="10", shared=True
    )
    assert funnel.emoji == emoji
    assert funnel.color == "#ffa500"  # stored lower case
    assert funnel.owner is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("emoji", "ab"), ("emoji", "🍞🍞"), ("emoji", ""), ("color", "red"), ("color", "#12345"),
     ("name", ""), ("name", "x" * 41), ("monthly_limit", "-5"), ("monthly_limit", "1.001")],
)  # fmt: skip
def test_funnel_rejects_bad_fields_with_a_message(user, field, value):
    fields = {"name": "Fun", "emoji": "🍞", "color": "#ffa500", "monthly_limit": "10"}
    fields[field] = value
    before = Funnel.objects.count()
    with pytest.raises(ValidationError) as error:
        funnel_create(user=user, shared=False, **fields)
    assert field in error.value.message_dict
    assert Funnel.objects.count() == before


def test_note_is_limited_to_200_characters(user):
    funnel = user.personal_funnels.first()
    with pytest.raises(ValidationError) as error:
        spending_create(user=user, funnel=funnel, amount="1", note="x" * 201)
    assert "note" in error.value.message_dict


def test_amounts_round_trip_exactly(user):
    funnel = user.personal_funnels.first()
    spending = spending_create(user=user, funnel=funnel, amount="9999999999.99")
    spending.refresh_from_db()
    assert spending.amount == D("9999999999.99")


def test_a_shared_funnel_others_spent_from_cannot_become_personal(user, member):
    from funnels.services import funnel_update

    shared = FunnelFactory(household=user.household, owner=None)
    spending_create(user=member, funnel=shared, amount="5")
    with pytest.raises(ValidationError) as error:
        funnel_update(user=user, funnel=shared, shared=False)
    assert "shared" in error.value.message_dict
    shared.refresh_from_db()
    assert shared.owner is None


def test_a_shared_funnel_only_i_spent_from_can_become_mine(user, member):
    from funnels.services import funnel_update

    shared = FunnelFactory(household=user.household, owner=None)
    spending_create(user=user, funnel=shared, amount="5")
    funnel_update(user=user, funnel=shared, shared=False)
    shared.refresh_from_db()
    assert shared.owner == user
