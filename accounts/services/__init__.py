"""Writes of the accounts app, one module per feature; import them from here.

Every function is keyword-only and the one place its rule lives: the HTML views, the API, the
admin and the management commands call these. Input errors are Django ValidationErrors keyed
by field; a failed sign-in is `None` (the caller gives the same answer whatever failed).
"""

from __future__ import annotations

from accounts.services.enrolment import (
    Enrolment,
)
from accounts.services.maintenance import (
    KEEP_FINISHED,
    sign_in_state_flush,
)
from accounts.services.ownership import owner_ensure
from accounts.services.recovery import (
    RECOVERY_CODE_COUNT,
    REENROLMENT_LINK_TTL,
    authenticator_reenrol_confirm,
    authenticator_reenrol_pending,
    authenticator_reenrol_start,
    recovery_codes_regenerate,
    recovery_codes_reset,
    reenrolment_link_complete,
    reenrolment_link_issue,
    reenrolment_link_open,
)
from accounts.services.registration import (
    REGISTRATION_TTL,
    TooManyRegistrations,
    pending_registrations_flush,
    registration_claim,
    registration_pending,
    registration_start,
)
from accounts.services.signin import (
    WRONG_CODE,
    SignIn,
    SignInClient,
    SignInFailed,
    TooManyAttempts,
    code_confirm,
    code_verify,
    counted_attempt,
    credentials_verify,
    sign_in,
)

__all__ = [
    "KEEP_FINISHED",
    "RECOVERY_CODE_COUNT",
    "REENROLMENT_LINK_TTL",
    "REGISTRATION_TTL",
    "WRONG_CODE",
    "Enrolment",
    "SignIn",
    "SignInClient",
    "SignInFailed",
    "TooManyAttempts",
    "TooManyRegistrations",
    "authenticator_reenrol_confirm",
    "authenticator_reenrol_pending",
    "authenticator_reenrol_start",
    "code_confirm",
    "code_verify",
    "counted_attempt",
    "credentials_verify",
    "owner_ensure",
    "pending_registrations_flush",
    "recovery_codes_regenerate",
    "recovery_codes_reset",
    "reenrolment_link_complete",
    "reenrolment_link_issue",
    "reenrolment_link_open",
    "registration_claim",
    "registration_pending",
    "registration_start",
    "sign_in",
    "sign_in_state_flush",
]
