"""The one DRF exception handler: Django ValidationError becomes a 400 with field messages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def validation_error_detail(error: DjangoValidationError) -> dict[str, Any] | list[str]:
    """Turn a Django ValidationError into DRF's error body: {field: [messages]}."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map domain errors to API answers; everything a member cannot see is a 404."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied | Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
