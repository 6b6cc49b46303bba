"""Households and users. Users have no usable password: they sign in with TOTP."""

from __future__ import annotations

import hashlib
import uuid
import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_otp.models import Device


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

    # What the owner may change: the household page, PATCH household/, a backup's household.
    SETTINGS = ("name", "currency", "timezone", "period_start_day", "allowance_mode")

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

    def settings_values(self) -> dict[str, Any]:
        """The SETTINGS and their values."""
        return {name: getattr(self, name) for name in self.SETTINGS}


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
    registration_expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set while the registration waits for its first code; empty once confirmed.",
    )
    registration_invite = models.ForeignKey(
        "Invite", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    current_device_session = models.ForeignKey(
        "DeviceSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The newest signed-in device (the only one allowed with SINGLE_ACTIVE_DEVICE).",
    )

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

    @property
    def is_pending(self) -> bool:
        """A registration that has not been confirmed with its first code yet."""
        return self.registration_expires_at is not None


class DeviceKind(models.TextChoices):
    WEB = "web", "Browser"
    API = "api", "App (API)"


class DeviceSession(models.Model):
    """One signed-in device: a browser session or an API token family.

    `User.current_device_session` names the newest one; with SINGLE_ACTIVE_DEVICE every other
    session of that user is rejected on its next request (browser and API alike).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_sessions"
    )
    kind = models.CharField(max_length=3, choices=DeviceKind.choices)
    user_agent = models.CharField(max_length=300, blank=True)
    session_key = models.CharField(
        max_length=40, blank=True, help_text="The browser's Django session, to end it with us."
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="devicesession_user_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.user_id} since {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class RecoveryDevice(Device):
    """The user's one-time recovery codes, as a django-otp device.

    django-otp's StaticDevice keeps its tokens in plain text; these are stored only as salted
    SHA-256 hashes. The codes carry 50 random bits each, so a fast hash is enough (a slow KDF
    would only make each sign-in attempt cost ten of them).
    """

    salt = models.CharField(max_length=32)

    class Meta(Device.Meta):
        verbose_name = "recovery codes"
        verbose_name_plural = "recovery codes"

    def verify_is_allowed(self) -> tuple[bool, dict | None]:
        return (True, None)

    def verify_token(self, token: object) -> bool:
        """Accept an unused code once: the row is deleted by the same statement that finds it."""
        if not isinstance(token, str):
            return False
        deleted, _ = self.codes.filter(code_hash=recovery_code_hash(self.salt, token)).delete()
        return deleted > 0


def recovery_code_normalize(code: str) -> str:
    """Codes are shown as XXXXX-XXXXX; accept any case, spaces and dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def recovery_code_hash(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{recovery_code_normalize(code)}".encode()).hexdigest()


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["device", "code_hash"], name="recoverycode_unique_per_device"
            )
        ]

    def __str__(self) -> str:
        return f"recovery code {self.code_hash[:8]}…"


class InviteQuerySet(models.QuerySet["Invite"]):
    def usable(self) -> InviteQuerySet:
        """Not used, not revoked, not expired."""
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invite(models.Model):
    """A single-use link to join a household, valid 7 days, revocable by the owner."""

    code = models.CharField(max_length=64, unique=True)
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="invites")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InviteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invite to {self.household_id} ({self.code[:6]}…)"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class ReenrolmentLink(models.Model):
    """A one-time link an owner gives a member who lost their phone, to enrol a new one.

    Only a hash of the token is stored: the link signs its holder in.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reenrolment_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"re-enrolment link for {self.user_id}"


class DailyRun(models.Model):
    """One run of a daily job (settings.DAILY_JOBS) for one day: `manage.py daily` skips a
    (job, day) it finds here, so a second run on the same day does nothing."""

    job = models.CharField(max_length=200, help_text="The job's dotted path.")
    day = models.DateField(help_text="The day (server time zone) this run was for.")
    ran_at = models.DateTimeField(default=timezone.now)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["job", "day"]
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="daily_run_once")]

    def __str__(self) -> str:
        return f"{self.job} for {self.day}"
