"""What the API views of spendings, income and plans share: reading a body or query, and the
create with an optional client-chosen id (docs/rules.md §5.4: same body 200, other body 409)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from budget.api import Conflict, ErrorSerializer


def validated(serializer: serializers.Serializer) -> dict[str, Any]:
    """The serializer's validated data; a 400 when it is not valid."""
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def created_response(serializer: serializers.Serializer, *, created: bool) -> Response:
    """201 for something new, 200 for a repeat of an earlier create."""
    return Response(
        serializer.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
    )


def create_schema(
    *, request: type[serializers.Serializer], response: type[serializers.Serializer],
    summary: str, taken: str,
) -> Callable[[Any], Any]:  # fmt: skip
    """The schema of a create with an optional client-chosen id; `taken` says when it is a 409."""
    return extend_schema(
        request=request,
        responses={
            201: response,
            200: OpenApiResponse(
                response, description="A repeat of an earlier create: nothing new."
            ),
            409: OpenApiResponse(ErrorSerializer, description=taken),
        },
        summary=summary,
    )


def create_or_replay[T](
    data: dict[str, Any],
    *,
    create: Callable[..., T],
    create_idempotent: Callable[..., tuple[T, bool]],
    id_name: str,
    conflict: type[Exception],
    **fields: Any,
) -> tuple[T, bool]:
    """(object, created) from the create service, or with an `id` in `data` from its idempotent
    twin (passed as `id_name`), whose conflict is a 409. `data` holds the service's other
    arguments (those left out take the service's defaults), `fields` the rest (the user)."""
    arguments = {name: value for name, value in data.items() if name != "id"} | fields
    if "id" not in data:
        return create(**arguments), True
    try:
        return create_idempotent(**{id_name: data["id"]}, **arguments)
    except conflict as exc:
        raise Conflict(str(exc)) from None
