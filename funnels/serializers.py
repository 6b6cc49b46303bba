"""Serializers of the REST API v1: explicit, one for what is read and one for what is written.

Read serializers render domain objects (a funnel with its §2 figures, a spending); input
serializers only parse and type-check. Every rule lives in the model and the services.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import emoji
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from budget.api import (
    NAME_TEXT,
    PLAIN_TEXT,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictUUIDField,
)
from funnels.allowance import EARLIEST_DATE, LATEST_DATE
from funnels.fields import MONEY_PATTERN, POSITIVE_MONEY_PATTERN, to_money
from funnels.models import Funnel, Rollover

MAX_POSITION = 2**31 - 1
# What the schema says of those limits: a year 2000-2999 (the format says the rest).
DATE_PATTERN = r"^2[0-9]{3}-[0-9]{2}-[0-9]{2}$"
DATETIME_PATTERN = r"^2[0-9]{3}-[0-9]{2}-[0-9]{2}T"

MONEY_OUT = {
    "type": "string",
    "format": "decimal",
    "pattern": r"^-?[0-9]+\.[0-9]{2}$",
    "example": "12.50",
}


def money_in_schema(*, positive: bool) -> dict[str, Any]:
    """The schema of money sent in: a decimal string of MONEY_PATTERN, or a whole number."""
    pattern = POSITIVE_MONEY_PATTERN if positive else MONEY_PATTERN
    smallest = 1 if positive else 0
    more = "more than zero" if positive else "zero or more"
    return {
        "oneOf": [
            {"type": "string", "format": "decimal", "pattern": pattern, "example": "12.50"},
            {"type": "integer", "minimum": smallest, "maximum": 9999999999},
        ],
        "description": f'Money {more}: a decimal string such as "12.50" (or "12,50"; at most '
        "10 digits before the separator and 2 after, no sign, spaces or leading zeros) "
        "or a whole number.",
    }


@extend_schema_field(MONEY_OUT)
class MoneyReadField(serializers.Field):
    """Money written as a decimal string with two places ("12.50")."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Decimal) -> str:
        return f"{Decimal(value):.2f}"


@extend_schema_field(serializers.CharField(allow_null=True))
class UsernameField(serializers.Field):
    """A member as their username; null where there is none (shared, or a former member)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, user: Any) -> str:
        return user.username


def client_id_field() -> serializers.UUIDField:
    """The optional id a client chooses, so that sending the same create again is safe."""
    return StrictUUIDField(
        required=False,
        help_text="Optional client-chosen id: posting the same id again is a safe retry.",
    )


class MoneyInputField(serializers.Field):
    """Money read from a decimal string (or an integer); floats and booleans are refused.

    A string must match the pattern the schema states (fields.MONEY_PATTERN, or
    POSITIVE_MONEY_PATTERN with ``positive``), so what the server takes is what the schema says.
    """

    default_error_messages = {
        "invalid": 'Enter the amount as a decimal string like "12.50".',
        "not_positive": "The amount must be more than zero.",
    }

    def __init__(self, *, positive: bool = False, **kwargs: Any) -> None:
        self.positive = positive
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        # A JSON float is never exact, so only strings and integers are money.
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        if isinstance(data, str) and not re.fullmatch(MONEY_PATTERN, data):
            self.fail("invalid")
        try:
            amount = to_money(data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        if amount < 0:
            self.fail("invalid")
        if self.positive and amount <= 0:
            self.fail("not_positive")
        return amount


@extend_schema_field(money_in_schema(positive=False))
class MoneyInField(MoneyInputField):
    """Money zero or more (a funnel's monthly limit)."""


@extend_schema_field(money_in_schema(positive=True))
class AmountInField(MoneyInputField):
    """Money more than zero (a spending's or income's amount)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(positive=True, **kwargs)


def check_date_range(value: date) -> date:
    """Refuse dates no budget can be about (and that local-time arithmetic cannot handle)."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise serializers.ValidationError(
            f"Use a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}."
        )
    return value


@extend_schema_field(
    {
        "type": "string",
        "format": "date-time",
        "pattern": DATETIME_PATTERN,
        "description": "An ISO 8601 time from 2000-01-01 to 2999-12-31; without an offset it is "
        "household time.",
    }
)
class LocalDateTimeField(serializers.DateTimeField):
    """An ISO 8601 datetime; one without an offset is read in the household time zone."""

    def default_timezone(self) -> Any:
        return _user_tz(self.context) or super().default_timezone()

    def to_internal_value(self, value: Any) -> datetime:
        if not isinstance(value, str):
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]")
        parsed = super().to_internal_value(value)
        check_date_range(parsed.date())
        return parsed


def _user_tz(context: dict[str, Any]) -> zoneinfo.ZoneInfo | None:
    """The household time zone of the request's member (none without a request)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    household = getattr(user, "household", None)
    return household.tzinfo if household is not None else None


# --- funnels -------------------------------------------------------------------------------


class FunnelSerializer(serializers.Serializer):
    """A funnel with its figures for the period (read from a selectors.FunnelRow)."""

    id = serializers.UUIDField(source="funnel.id", read_only=True)
    name = serializers.CharField(source="funnel.name", read_only=True)
    emoji = serializers.CharField(source="funnel.emoji", read_only=True)
    color = serializers.CharField(source="funnel.color", read_only=True)
    monthly_limit = MoneyReadField(source="funnel.monthly_limit")
    shared = serializers.BooleanField(source="funnel.is_shared", read_only=True)
    owner = UsernameField(
        source="funnel.owner",
        help_text="Username of the member of a personal funnel; null for a shared one.",
    )
    position = serializers.IntegerField(source="funnel.position", read_only=True)
    spent = MoneyReadField(source="figures.spent")
    remaining = MoneyReadField(source="figures.remaining")
    daily = MoneyReadField(source="figures.daily", help_text="What can be spent today (§2.3).")
    spent_today = MoneyReadField(source="figures.spent_today")
    rollover = serializers.CharField(source="funnel.rollover", read_only=True)
    rollover_cap = MoneyReadField(source="funnel.rollover_cap", allow_null=True)
    carry_in = MoneyReadField(
        source="figures.carry_in", help_text="What the last period carried in (§12.1)."
    )
    planned = MoneyReadField(
        source="figures.planned",
        help_text="Set aside for planned spendings of this period not recorded yet (§12.2); "
        "`remaining` and `daily` already leave it out.",
    )


# The model lower-cases a colour before its own check (funnels.models.validate_color).
COLOR_TEXT = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #ffa500.")


@extend_schema_field(
    {
        "type": "string",
        "enum": sorted(emoji.EMOJI_DATA),
        "description": "Exactly one emoji: one of Unicode's emoji recommended for general "
        "interchange (the `emoji` package's list), as is, without spaces.",
    }
)
class EmojiField(StrictCharField):
    """One emoji, checked by the model (funnels.models.validate_one_emoji); never trimmed."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)


class FunnelInputSerializer(serializers.Serializer):
    """What a client sends to create (all but position required) or change a funnel."""

    name = StrictCharField(max_length=40, validators=[NAME_TEXT])
    emoji = EmojiField()
    color = StrictCharField(
        max_length=7,
        trim_whitespace=False,
        validators=[COLOR_TEXT],
        help_text="A colour like #ffa500 (either case).",
    )
    monthly_limit = MoneyInField()
    shared = StrictBooleanField(
        default=False, help_text="True for a funnel the whole household spends from."
    )
    position = StrictIntegerField(min_value=0, max_value=MAX_POSITION, required=False)
    rollover = serializers.ChoiceField(choices=Rollover.choices, required=False)
    rollover_cap = MoneyInField(
        required=False,
        allow_null=True,
        help_text='The most that may carry over; required (not null) with rollover "capped".',
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Rollover "capped" comes with its cap in the same request, on PATCH too (whatever cap is
        stored), so the rule needs no server state and the schema states it (the anyOf of
        FunnelInputSchema)."""
        if attrs.get("rollover") == Rollover.CAPPED and attrs.get("rollover_cap") is None:
            raise serializers.ValidationError({"rollover_cap": CAP_NEEDED})
        return attrs


CAP_NEEDED = "Enter the most that may carry over."


class FunnelInputSchema(OpenApiSerializerExtension):
    """FunnelInputSerializer's schema, with the rule of its validate(): rollover "capped" needs
    a rollover_cap that is not null in the same body (any other rollover, or none, needs none)."""

    target_class = FunnelInputSerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "request":
            cap = dict(schema["properties"]["rollover_cap"])
            cap.pop("nullable", None)
            capped = {"enum": [Rollover.CAPPED.value]}
            schema["anyOf"] = [
                {"properties": {"rollover": {"not": capped}}},
                {"required": ["rollover", "rollover_cap"], "properties": {"rollover_cap": cap}},
            ]
        return schema


# --- spendings -----------------------------------------------------------------------------


class SpendingSerializer(serializers.Serializer):
    """A spending as the API shows it."""

    id = serializers.UUIDField(read_only=True)
    funnel = serializers.UUIDField(source="funnel_id", read_only=True)
    amount = MoneyReadField()
    spent_at = serializers.DateTimeField(read_only=True)
    note = serializers.CharField(read_only=True)
    created_by = UsernameField(
        help_text="Username of who spent it; null once that member has left."
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class VisibleFunnelMixin(serializers.Serializer):
    """An input serializer's `funnel` id becomes a funnel the member sees ("No such funnel."
    for any other, as for none)."""

    def validate_funnel(self, value: Any) -> Funnel:
        user = self.context["request"].user
        funnel = Funnel.objects.visible_to(user).filter(pk=value).first()
        if funnel is None:
            raise serializers.ValidationError("No such funnel.")
        return funnel


class SpendingInputSerializer(VisibleFunnelMixin):
    """What a client sends to record (id optional, for safe retries) or change a spending."""

    id = client_id_field()
    funnel = StrictUUIDField(help_text="Id of a funnel the member can see.")
    amount = AmountInField()
    spent_at = LocalDateTimeField(
        required=False,
        help_text="When it was spent (default now); without an offset it is household time.",
    )
    note = StrictCharField(
        max_length=200, allow_blank=True, required=False, validators=[PLAIN_TEXT]
    )


class SpendingUpdateSerializer(SpendingInputSerializer):
    """The fields of a spending a member can change (all optional)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["id"]


class DeletedSpendingSerializer(serializers.Serializer):
    """A tombstone: a spending that was deleted (or left the member's sight)."""

    id = serializers.UUIDField(read_only=True)
    funnel = serializers.UUIDField(source="funnel_id", read_only=True)
    deleted_at = serializers.DateTimeField(read_only=True)


# --- query parameters ----------------------------------------------------------------------

EMPTY_PARAMETER = "Give a value or leave the parameter out."


class QueryParamsSerializer(serializers.Serializer):
    """Base of every query-parameter serializer: present-but-empty is an error, not absent.

    DRF reads an empty optional form value (`?date=`) as if the parameter were missing; the
    API refuses it instead, so what the server accepts is what the schema says.
    """

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "getlist"):
            errors = {
                name: [EMPTY_PARAMETER]
                for name in self.fields
                if name in data and not str(data.get(name)).strip()
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "type": "string",
        "format": "date",
        "pattern": DATE_PATTERN,
        "description": "A day YYYY-MM-DD from 2000-01-01 to 2999-12-31.",
    }
)
class DateParam(serializers.DateField):
    """A day written exactly YYYY-MM-DD, within EARLIEST_DATE..LATEST_DATE."""

    def to_internal_value(self, value: Any) -> date:
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise serializers.ValidationError("Use a date like 2026-11-22.")
        return check_date_range(super().to_internal_value(value))


class DatesFilterSerializer(QueryParamsSerializer):
    """Query parameters of a list between two local dates (both optional and inclusive)."""

    since = DateParam(required=False, help_text="From this local date (inclusive).")
    until = DateParam(required=False, help_text="Up to this local date (inclusive).")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "since" in attrs and "until" in attrs and attrs["since"] > attrs["until"]:
            raise serializers.ValidationError({"until": "Use a date on or after since."})
        return attrs


class SpendingFilterSerializer(DatesFilterSerializer):
    """Query parameters of the spendings list."""

    funnel = serializers.UUIDField(required=False, help_text="Only spendings of this funnel.")
    updated_since = LocalDateTimeField(
        required=False,
        help_text="Only spendings created or changed at or after this time (for sync).",
    )


class DeletedFilterSerializer(QueryParamsSerializer):
    """Query parameters of the deleted-spendings and deleted-income lists."""

    since = LocalDateTimeField(help_text="Deletions at or after this time.")


class OverviewParamsSerializer(QueryParamsSerializer):
    date = DateParam(required=False, help_text="The day to look at (default: today, local).")


class FunnelDeleteParamsSerializer(QueryParamsSerializer):
    move_to = serializers.UUIDField(
        required=False, help_text="Move the funnel's spendings to this funnel instead."
    )


# --- overview ------------------------------------------------------------------------------


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(read_only=True)
    end = serializers.DateField(source="last_day", read_only=True, help_text="Inclusive.")
    days_total = serializers.IntegerField(read_only=True)
    day = serializers.IntegerField(read_only=True)
    days_left = serializers.IntegerField(read_only=True)


class TotalsSerializer(serializers.Serializer):
    limit = MoneyReadField()
    carry_in = MoneyReadField()
    planned = MoneyReadField()
    spent = MoneyReadField()
    remaining = MoneyReadField()
    daily = MoneyReadField()


class UpcomingSerializer(serializers.Serializer):
    """An occurrence of a planned spending not recorded or skipped yet."""

    plan = serializers.UUIDField(source="plan.id", read_only=True)
    funnel = serializers.UUIDField(source="plan.funnel_id", read_only=True)
    date = serializers.DateField(read_only=True)
    amount = MoneyReadField(source="plan.amount")
    note = serializers.CharField(source="plan.note", read_only=True)
    skipped = serializers.BooleanField(
        read_only=True,
        help_text="True for an occurrence skipped (from today on): planned/{id}/unskip/ takes "
        "the skip back.",
    )


class OverviewSerializer(serializers.Serializer):
    """The home screen: the period, each funnel's figures, the totals, recent spendings."""

    date = serializers.DateField(source="period.today", read_only=True)
    period = PeriodSerializer(read_only=True)
    funnels = FunnelSerializer(source="rows", many=True, read_only=True)
    totals = TotalsSerializer(read_only=True)
    recent = SpendingSerializer(many=True, read_only=True)
    upcoming = UpcomingSerializer(
        many=True,
        read_only=True,
        help_text="Planned occurrences not done yet, from the period's start to 31 days ahead, "
        "and those skipped from today on (`skipped`), soonest first (at most 10).",
    )
