"""Households and users. Users have no usable password: they sign in with TOTP."""

from __future__ import annotations

import uuid
import zoneinfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


def default_currency() -> str:
    return settings.DEFAULT_CURRENCY


def default_timezone() -> str:
    return settings.TIME_ZONE


def validate_timezone(value: str) -> None:
    """Accept only IANA time zone names such as Europe/Berlin."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "%(value)s is not a known time zone (use an IANA name like Europe/Berlin).",
            code="invalid_timezone",
            params={"value": value},
        ) from None


validate_currency = RegexValidator(
    r"^[A-Z]{3}\Z", "Use a three-letter ISO 4217 currency code such as EUR.", "invalid_currency"
)
validate_username = RegexValidator(
    r"^[\w.@+-]+\Z",
    "A username may contain only letters, digits and the characters . @ + - _",
    "invalid_username",
)


class AllowanceMode(models.TextChoices):
    PACE = "pace", "Pace: unspent days roll over"
    EVEN = "even", "Even: what is left, spread over the days left"


class Household(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=80)
    currency = models.CharField(
        max_length=3, default=default_currency, validators=[validate_currency]
    )
    timezone = models.CharField(
        max_length=64, default=default_timezone, validators=[validate_timezone]
    )
    period_start_day = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="Day of the month on which each budget period starts (1–28).",
    )
    allowance_mode = models.CharField(
        max_length=4, choices=AllowanceMode.choices, default=AllowanceMode.PACE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start_day__gte=1, period_start_day__lte=28),
                name="household_period_start_day_1_28",
            ),
            models.CheckConstraint(
                condition=models.Q(allowance_mode__in=AllowanceMode.values),
                name="household_allowance_mode_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MEMBER = "member", "Member"


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username__iexact=username)

    def create_user(self, username: str, **extra: object) -> User:
        """Create a user without a usable password (there is no password path)."""
        user = self.model(username=username, **extra)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    username = models.CharField(
        max_length=150,
        unique=True,
        error_messages={"unique": "This username is taken."},
        validators=[validate_username],
        help_text="1–150 letters, digits and . @ + - _ (case-insensitively unique).",
    )
    display_name = models.CharField(max_length=80, blank=True)
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="members", null=True, blank=True
    )
    role = models.CharField(max_length=6, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_unique_ci",
                violation_error_message="This username is taken.",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def name(self) -> str:
        """What the UI shows for this person."""
        return self.display_name or self.username

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER
