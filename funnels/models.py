"""Funnels (spending categories with a monthly limit) and the spendings made from them."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import emoji
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from funnels.fields import MoneyField

if TYPE_CHECKING:
    from accounts.models import User


def validate_one_emoji(value: str) -> None:
    """Exactly one emoji grapheme (flags, skin tones and ZWJ sequences included)."""
    if not emoji.is_emoji(value):
        raise ValidationError("Pick exactly one emoji.", code="invalid_emoji")


validate_color = RegexValidator(r"^#[0-9a-f]{6}\Z", "Use a colour like #ffa500.", "invalid_color")


class ColorField(models.CharField):
    """A #rrggbb colour, normalised to lower case before validation."""

    default_validators = [validate_color]

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 7)
        super().__init__(*args, **kwargs)

    def to_python(self, value: object) -> str | None:
        value = super().to_python(value)
        return value.strip().lower() if isinstance(value, str) else value


def visible_to_q(user: User, prefix: str = "") -> models.Q:
    """The one visibility rule: in the member's household, and shared or their own.

    `prefix` reaches the funnel's household/owner fields from another model ("funnel__").
    """
    return models.Q(**{f"{prefix}household_id": user.household_id}) & (
        models.Q(**{f"{prefix}owner__isnull": True}) | models.Q(**{f"{prefix}owner_id": user.pk})
    )


def validate_amount(amount: Decimal | None) -> None:
    """An amount spent, planned or received is more than zero (as the CHECK constraints say)."""
    if amount is not None and amount <= 0:
        raise ValidationError({"amount": "The amount must be more than zero."})


def validate_amount_and_author(entry: Spending | PlannedSpending, foreign_author: str) -> None:
    """The rules a spending and a plan share: an amount over zero, and an author (if any) in the
    funnel's household; `foreign_author` is the message for an author from elsewhere."""
    validate_amount(entry.amount)
    # Both are loaded objects on the services' paths: this costs no query there.
    if (
        entry.created_by_id is not None
        and entry.funnel_id is not None
        and entry.created_by.household_id != entry.funnel.household_id
    ):
        raise ValidationError({"created_by": foreign_author})


def author_field(*, related_name: str, help_text: str) -> models.ForeignKey:
    """Who made a row; set to empty (not deleted) when that member leaves the household."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        help_text=help_text,
    )


def amount_positive(name: str) -> models.CheckConstraint:
    """The database's own check that an amount is more than zero."""
    return models.CheckConstraint(condition=models.Q(amount__gt=0), name=name)


class FunnelQuerySet(models.QuerySet["Funnel"]):
    def visible_to(self, user: User) -> FunnelQuerySet:
        """The member's own personal funnels and every shared funnel of their household."""
        return self.filter(visible_to_q(user))

    def in_display_order(self) -> FunnelQuerySet:
        return self.order_by("position", "created_at")


class Rollover(models.TextChoices):
    """What a period's leftover or overspent money does at its end (docs/rules.md §12.1)."""

    NONE = "none", "Nothing carries over"
    SURPLUS = "surplus", "Unspent money carries over"
    ALL = "all", "Unspent and overspent money carry over"
    CAPPED = "capped", "Unspent money carries over, up to a cap"


class Funnel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    household = models.ForeignKey(
        "accounts.Household", on_delete=models.CASCADE, related_name="funnels"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="personal_funnels",
        help_text="The member of a personal funnel; empty for a funnel shared by the household.",
    )
    name = models.CharField(max_length=40)
    emoji = models.CharField(max_length=32, validators=[validate_one_emoji])
    color = ColorField()
    monthly_limit = MoneyField()
    position = models.PositiveIntegerField(default=0)
    rollover = models.CharField(max_length=8, choices=Rollover.choices, default=Rollover.NONE)
    rollover_cap = MoneyField(
        null=True, blank=True, help_text="The most a `capped` funnel carries into a period."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FunnelQuerySet.as_manager()

    class Meta:
        ordering = ["position", "created_at"]
        indexes = [models.Index(fields=["household", "position"], name="funnel_household_pos")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_limit__gte=0), name="funnel_limit_not_negative"
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="funnel_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.emoji} {self.name}"

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None

    def is_visible_to(self, user: User) -> bool:
        return self.household_id == user.household_id and self.owner_id in (None, user.pk)

    def clean(self) -> None:
        if isinstance(self.monthly_limit, Decimal) and self.monthly_limit < 0:
            raise ValidationError({"monthly_limit": "The monthly limit cannot be negative."})
        if isinstance(self.rollover_cap, Decimal) and self.rollover_cap < 0:
            raise ValidationError({"rollover_cap": "The rollover cap cannot be negative."})
        if self.rollover == Rollover.CAPPED and self.rollover_cap is None:
            raise ValidationError({"rollover_cap": "Enter the most that may carry over."})
        if self.owner_id is not None and self.household_id is not None:
            owner = self.owner
            if owner.household_id != self.household_id:
                raise ValidationError(
                    {"owner": "A personal funnel belongs to a member of its household."}
                )


class PeriodClose(models.Model):
    """A funnel's ended period (docs/rules.md §12.1): the limit, policy and cap then in force.

    The carry is not stored: it follows from these and the period's spendings, so a spending
    added to a closed period moves its carry while a later limit change does not.
    """

    funnel = models.ForeignKey(Funnel, on_delete=models.CASCADE, related_name="closes")
    period_start = models.DateField()
    period_end = models.DateField()
    # The period's local midnights, so its spendings are summed without the time zone.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    monthly_limit = MoneyField()
    rollover = models.CharField(max_length=8, choices=Rollover.choices)
    rollover_cap = MoneyField(null=True, blank=True)
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["funnel", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["funnel", "period_start"], name="close_once"),
        ]

    def __str__(self) -> str:
        return f"{self.funnel_id} {self.period_start}..{self.period_end}"


class Likely(models.Func):
    """A condition most rows meet, said so to SQLite's planner (`likely()`).

    SQLite has no statistics unless ANALYZE ran (nothing runs it), so it takes an equality or
    IN on an indexed column to be selective: for "the newest of the visible spendings" it read
    every visible row through the funnel index and sorted them (130 ms at 100k) instead of
    walking `spending_newest` and stopping at the page. PostgreSQL keeps statistics: there it
    is the condition as it is.
    """

    function = "likely"
    output_field = models.BooleanField()

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return compiler.compile(self.get_source_expressions()[0])

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, **extra_context)


class SpendingQuerySet(models.QuerySet["Spending"]):
    def visible_to(self, user: User) -> SpendingQuerySet:
        """Spendings from funnels the member can see.

        The funnels are a subquery, not a join: the planner can then walk the `spending_newest`
        index newest first and stop at a page, instead of sorting every visible spending.
        """
        return self.filter(funnel_id__in=Funnel.objects.visible_to(user).values("pk"))

    def visible_to_listed(self, user: User) -> SpendingQuerySet:
        """`visible_to` with the funnel ids read first (one small query) and given as a list.

        For a page of the newest: PostgreSQL cannot see which funnels a subquery yields, so it
        guesses an average funnel's rows (at 10M rows 255, where a big household's hold 8,362
        each) and sorts every visible spending; with the ids as literals it knows their share,
        walks `spending_newest` backwards and stops at the page (README "Benchmark"). SQLite,
        which has no statistics, is told the same with `Likely`.
        """
        funnel_ids = list(Funnel.objects.visible_to(user).order_by().values_list("pk", flat=True))
        return self.filter(Likely(models.Q(funnel_id__in=funnel_ids)))

    def between(self, start: datetime, end: datetime) -> SpendingQuerySet:
        """Spendings with start <= spent_at < end."""
        return self.filter(spent_at__gte=start, spent_at__lt=end)

    def newest_first(self) -> SpendingQuerySet:
        return self.order_by("-spent_at", "-created_at")


class Spending(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    funnel = models.ForeignKey(Funnel, on_delete=models.CASCADE, related_name="spendings")
    created_by = author_field(
        related_name="spendings",
        help_text="Empty when the member who spent has left the household.",
    )
    amount = MoneyField()
    spent_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SpendingQuerySet.as_manager()

    class Meta:
        ordering = ["-spent_at", "-created_at"]
        indexes = [
            # Period sums per funnel and the recent list both range over spent_at per funnel;
            # with the amount in the index the sums never read the table (index-only scans).
            models.Index(fields=["funnel", "spent_at", "amount"], name="spending_funnel_spent_amt"),
            models.Index(fields=["updated_at"], name="spending_updated_at"),
            # Newest first across funnels: the history and the spendings/ API stop at a page.
            models.Index(fields=["spent_at", "created_at"], name="spending_newest"),
        ]
        constraints = [
            amount_positive("spending_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} from {self.funnel_id} at {self.spent_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        validate_amount_and_author(self, "Who spent it is a member of the funnel's household.")


TOMBSTONE_RETENTION = timedelta(days=90)


class TombstoneQuerySet[T: models.Model](models.QuerySet[T]):
    def visible_to(self, user: User) -> TombstoneQuerySet[T]:
        """Deletions the member could have seen: shared ones and their own."""
        return self.filter(visible_to_q(user))

    def flush_expired(self) -> int:
        """Forget deletions older than TOMBSTONE_RETENTION; returns how many."""
        return self.filter(deleted_at__lt=timezone.now() - TOMBSTONE_RETENTION).delete()[0]

    def record(self, deleted: models.QuerySet, **columns: str | models.Expression) -> None:
        """A tombstone, dated now, for each row of `deleted` (call it before they go);
        `columns` name where each tombstone field comes from (a field path or an expression)."""
        rows = deleted.values_list(*columns.values())
        now = timezone.now()
        # An id deleted before (then brought back by undo) gets a fresh tombstone.
        self.filter(pk__in=deleted.values("id")).delete()
        self.bulk_create(
            (
                self.model(**dict(zip(columns, row, strict=True)), deleted_at=now)
                for row in rows.iterator()
            ),
            batch_size=500,
        )


def tombstone_owner_field(*, help_text: str) -> models.ForeignKey:
    """Whose private row it was; empty for a shared one."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=help_text,
    )


class Tombstone(models.Model):
    """A deleted row's id, so that syncing clients learn of the deletion (API §5.4)."""

    household = models.ForeignKey("accounts.Household", on_delete=models.CASCADE, related_name="+")
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.pk} deleted at {self.deleted_at:%Y-%m-%d %H:%M}"


class SpendingTombstone(Tombstone):
    """A deleted spending's id, so that syncing clients learn of the deletion (API §5.4)."""

    id = models.UUIDField(primary_key=True, help_text="The id the deleted spending had.")
    owner = tombstone_owner_field(
        help_text="Owner of the personal funnel it was in; empty for a shared funnel."
    )
    funnel_id = models.UUIDField()

    objects = TombstoneQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["household", "deleted_at"], name="tombstone_household_at"),
        ]


# --- income (docs/rules.md §8.1) -------------------------------------------------------------


def income_visible_q(user: User) -> models.Q:
    """Income a member sees: shared income of their household, and their own private income."""
    return models.Q(household_id=user.household_id) & (
        models.Q(shared=True) | models.Q(received_by_id=user.pk)
    )


class IncomeQuerySet(models.QuerySet["Income"]):
    def visible_to(self, user: User) -> IncomeQuerySet:
        return self.filter(income_visible_q(user))

    def between(self, start: datetime, end: datetime) -> IncomeQuerySet:
        """Income with start <= received_at < end."""
        return self.filter(received_at__gte=start, received_at__lt=end)

    def newest_first(self) -> IncomeQuerySet:
        return self.order_by("-received_at", "-created_at")


class Income(models.Model):
    """Money that came in. It never touches a funnel's figures; it feeds the summaries."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    household = models.ForeignKey(
        "accounts.Household", on_delete=models.CASCADE, related_name="incomes"
    )
    received_by = author_field(
        related_name="incomes",
        help_text="Who recorded it; empty when that member has left the household.",
    )
    amount = MoneyField()
    received_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=60, help_text='Where it came from, e.g. "Salary".')
    note = models.CharField(max_length=200, blank=True)
    shared = models.BooleanField(
        default=True, help_text="Every member sees shared income; private income only its author."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IncomeQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-created_at"]
        indexes = [
            models.Index(
                fields=["household", "received_at", "amount"], name="income_household_at_amt"
            ),
            models.Index(fields=["updated_at"], name="income_updated_at"),
        ]
        constraints = [
            amount_positive("income_amount_positive"),
            models.CheckConstraint(condition=~models.Q(source=""), name="income_source_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} from {self.source} at {self.received_at:%Y-%m-%d %H:%M}"

    def is_visible_to(self, user: User) -> bool:
        return self.household_id == user.household_id and (
            self.shared or self.received_by_id == user.pk
        )

    def clean(self) -> None:
        validate_amount(self.amount)
        # A loaded object on the services' paths: this costs no query there.
        if (
            self.received_by_id is not None
            and self.household_id is not None
            and self.received_by.household_id != self.household_id
        ):
            raise ValidationError({"received_by": "Who recorded it is a member of its household."})
        if not self.shared and self.received_by_id is None:
            raise ValidationError(
                {"shared": "Income of a former member stays shared: nobody else could see it."}
            )


class IncomeTombstone(Tombstone):
    """A deleted income's id, so that syncing clients learn of the deletion."""

    id = models.UUIDField(primary_key=True, help_text="The id the deleted income had.")
    owner = tombstone_owner_field(help_text="Author of private income; empty for shared income.")

    objects = TombstoneQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["household", "deleted_at"], name="income_tomb_household_at"),
        ]


# --- planned spendings (docs/rules.md §12.2) -------------------------------------------------


class Repeat(models.TextChoices):
    """How often a planned spending comes back."""

    NONE = "none", "Once"
    WEEKLY = "weekly", "Every week"
    MONTHLY = "monthly", "Every month"
    YEARLY = "yearly", "Every year"


class PlannedSpendingQuerySet(models.QuerySet["PlannedSpending"]):
    def visible_to(self, user: User) -> PlannedSpendingQuerySet:
        """Plans of funnels the member can see (a personal funnel's only to its member)."""
        return self.filter(visible_to_q(user, prefix="funnel__"))


class PlannedSpending(models.Model):
    """Money set aside for a spending on a date, once or repeating (docs/rules.md §12.2).

    Its occurrences are computed (funnels.planned.occurrence_dates); only those that became a
    spending or were skipped have a row (PlannedOccurrence).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    funnel = models.ForeignKey(Funnel, on_delete=models.CASCADE, related_name="plans")
    created_by = author_field(
        related_name="planned_spendings",
        help_text="Empty when the member who planned it has left the household.",
    )
    amount = MoneyField()
    date = models.DateField(help_text="The (first) day it is due, in the household time zone.")
    note = models.CharField(max_length=200, blank=True)
    repeat = models.CharField(max_length=8, choices=Repeat.choices, default=Repeat.NONE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlannedSpendingQuerySet.as_manager()

    class Meta:
        ordering = ["date", "created_at"]
        indexes = [models.Index(fields=["funnel", "date"], name="planned_funnel_date")]
        constraints = [
            amount_positive("planned_amount_positive"),
        ]

    def __str__(self) -> str:
        label = self.note or "Planned"
        return f"{label} {self.amount} on {self.date:%Y-%m-%d} ({self.repeat})"

    def clean(self) -> None:
        validate_amount_and_author(self, "Who planned it is a member of the funnel's household.")


class OccurrenceStatus(models.TextChoices):
    PAID = "paid", "Recorded as a spending"
    SKIPPED = "skipped", "Skipped"


class PlannedOccurrence(models.Model):
    """One occurrence of a plan that is done with: recorded as a spending, or skipped.

    The unique (plan, date) row is what makes an occurrence a spending exactly once, whoever
    gets there first (the daily job, a "paid" tap, a retry): the others' insert fails.
    """

    plan = models.ForeignKey(PlannedSpending, on_delete=models.CASCADE, related_name="occurrences")
    date = models.DateField()
    status = models.CharField(max_length=8, choices=OccurrenceStatus.choices)
    spending = models.OneToOneField(
        Spending,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="occurrence",
        help_text="The spending it became; empty when skipped or when that spending was deleted.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "date"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "date"], name="occurrence_once"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.date:%Y-%m-%d} {self.status}"
