"""API-wide pieces: the one DRF exception handler, JSON error pages and the schema's errors.

Django ValidationError becomes a 400 with field messages; PermissionDenied and Http404
become a 404 (everything a member cannot see answers 404); every error body is JSON.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from drf_spectacular import openapi
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

API_PREFIX = "/api/"

# Text fields of the API: the schema states what the server refuses. DRF's CharField refuses a
# NUL character; a required name must also have something besides spaces (they are trimmed).
# "Spaces" are spelled out as the characters Python's str.isspace() takes: `\s` means more to
# Python (U+001C–U+001F, U+0085) than to the ECMAScript regex a client reads the schema with.
TEXT_PATTERN = r"^[^\u0000]*$"
SPACES = r"\t-\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NAME_PATTERN = rf"^[^\u0000]*[^\u0000{SPACES}][^\u0000]*$"
PLAIN_TEXT = RegexValidator(TEXT_PATTERN, "Null characters are not allowed.")
NAME_TEXT = RegexValidator(NAME_PATTERN, "This field may not be blank.")


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers, booleans and other non-strings instead of casting.

    The NUL character is refused by a pattern the schema states: the field's own (each refuses
    NUL), else PLAIN_TEXT's, in place of DRF's ProhibitNullCharactersValidator, which the schema
    does not show (and which would say it twice).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        if not any(isinstance(v, RegexValidator) for v in self.validators):
            self.validators.append(PLAIN_TEXT)

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        # The schema's maxLength counts what is sent, spaces around it too; DRF would trim first.
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON boolean only: DRF's BooleanField also takes 0, 1, "yes", "off"..., the schema
    says `boolean`."""

    def to_internal_value(self, data: object) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: DRF's IntegerField also takes "12" and 12.0, the schema says
    `integer`."""

    def to_internal_value(self, data: object) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictUUIDField(serializers.UUIDField):
    """A UUID string only: DRF's UUIDField also reads an integer as a UUID."""

    def to_internal_value(self, data: object) -> Any:
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "This conflicts with what is already stored."
    default_code = "conflict"


class Gone(exceptions.APIException):
    status_code = 410
    default_detail = "This is no longer available."
    default_code = "gone"


def validation_error_detail(error: DjangoValidationError) -> dict[str, Any] | list[str]:
    """Turn a Django ValidationError into DRF's error body: {field: [messages]}."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map domain errors to API answers; everything a member cannot see is a 404.

    A ValidationError that carries `retry_after` (too many attempts or registrations) is a 429
    with Retry-After.
    """
    if isinstance(exc, DjangoValidationError) and getattr(exc, "retry_after", None):
        exc = exceptions.Throttled(wait=exc.retry_after, detail=" ".join(exc.messages))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied | Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400 (e.g. a body over DATA_UPLOAD_MAX_MEMORY_SIZE): JSON under /api/."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)  # type: ignore[arg-type]


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: JSON under /api/, Django's page everywhere else."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Forbidden."}, status=403)
    return defaults.permission_denied(request, exception)  # type: ignore[arg-type]


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: JSON under /api/, Django's page everywhere else."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)  # type: ignore[arg-type]


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: JSON under /api/, Django's page everywhere else."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request)


# --- OpenAPI schema --------------------------------------------------------------------------


class DeviceJWTScheme(SimpleJWTScheme):
    """The bearer scheme for accounts.authentication.DeviceJWTAuthentication."""

    target_class = "accounts.authentication.DeviceJWTAuthentication"
    name = "jwtAuth"


class ErrorSerializer(serializers.Serializer):
    """{"detail": "..."}: the body of every error that is not about fields."""

    detail = serializers.CharField(read_only=True)


def error_answer(description: str) -> OpenApiResponse:
    """An error answer in the schema: the {"detail": ...} body, with what it means here."""
    return OpenApiResponse(ErrorSerializer, description=description)


TOO_MANY_ATTEMPTS = error_answer("Too many attempts: see Retry-After (seconds).")


def validated(serializer: serializers.Serializer) -> dict[str, Any]:
    """The serializer's validated data; a 400 with the messages per field otherwise."""
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


FIELD_ERRORS = {
    "type": "object",
    "description": 'Messages per field, e.g. {"amount": ["Use at most 2 decimal places."]}; '
    '"non_field_errors" or "detail" for the request as a whole.',
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]
    },
}

_ERRORS = {
    "400": (FIELD_ERRORS, "Bad input: messages per field."),
    "401": (ErrorSerializer, "Missing, invalid or expired access token: refresh and retry."),
    "404": (ErrorSerializer, "Not found, or not visible to this member."),
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema, with the error answers every endpoint can give."""

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        # A paginated list answers 404 to a bad cursor, like DRF's CursorPagination does.
        paginated = self._is_list_view() and self._get_paginator() is not None
        codes = []
        if self.method != "GET" or self.get_override_parameters() or paginated:
            codes.append("400")
        if any(isinstance(p, permissions.IsAuthenticated) for p in self.view.get_permissions()):
            codes.append("401")
        if "{" in self.path or paginated:
            codes.append("404")
        for code in codes:
            if code not in responses:
                schema, description = _ERRORS[code]
                response = self._get_response_for_code(schema, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        """A blank-allowed text field whose pattern already takes "" is that one schema.

        drf-spectacular writes `oneOf: [{pattern}, {maxLength: 0}]` for it, and "" then matches
        both branches, which `oneOf` forbids: the schema would call an empty note invalid while
        the server (rightly) takes it.
        """
        super()._insert_field_validators(field, schema)
        branches = schema.get("oneOf")
        if (
            isinstance(branches, list)
            and len(branches) == 2
            and branches[1] == {"type": "string", "maxLength": 0}
            and "pattern" in branches[0]
            and not branches[0].get("minLength")
            and re.search(branches[0]["pattern"], "")
        ):
            del schema["oneOf"]
            schema.update(branches[0])
