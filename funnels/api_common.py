"""What the API views of spendings, income and plans share: the create with an optional
client-chosen id (docs/rules.md §5.4: same body 200, other body 409) and the detail view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar
from uuid import UUID

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from budget.api import Conflict, error_answer, validated


def created_response(serializer: serializers.Serializer, *, created: bool) -> Response:
    """201 for something new, 200 for a repeat of an earlier create."""
    return Response(
        serializer.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
    )


@dataclass(frozen=True)
class ClientIdCreate:
    """How a list view's POST creates: `input` parsed, then `create`; or, with a client-chosen
    `id` in the body, `create_idempotent` (that id passed as `id_name`), whose `conflict` is a
    409 that `taken` describes. The answer is `output`: 201, or 200 for a repeat."""

    input: type[serializers.Serializer]
    output: type[serializers.Serializer]
    create: Callable[..., Any]
    create_idempotent: Callable[..., tuple[Any, bool]]
    id_name: str
    conflict: type[Exception]
    taken: str

    def schema(self, *, summary: str) -> Callable[[Any], Any]:
        """The POST's schema: its body, its three answers (201, 200, 409) and `summary`."""
        return extend_schema(
            request=self.input,
            responses={
                201: self.output,
                200: OpenApiResponse(
                    self.output, description="A repeat of an earlier create: nothing new."
                ),
                409: error_answer(self.taken),
            },
            summary=summary,
        )

    def respond(self, request: Request) -> Response:
        """Create what the body describes, by the member; the fields the body leaves out take
        the services' defaults."""
        data = validated(self.input(data=request.data, context={"request": request}))
        arguments = {name: value for name, value in data.items() if name != "id"}
        if "id" not in data:
            created_object, created = self.create(user=request.user, **arguments), True
        else:
            try:
                created_object, created = self.create_idempotent(
                    user=request.user, **{self.id_name: data["id"]}, **arguments
                )
            except self.conflict as exc:
                raise Conflict(str(exc)) from None
        return created_response(self.output(created_object), created=created)


class EntryDetailView(APIView):
    """Read, change and delete one spending, plan or income the member sees (any other: 404).

    A subclass names its serializers, its `lookup(user=, pk=)` and its `update` and `remove`
    services, which take the object as `entry_name`; detail_schema describes it. The methods
    have no docstrings: the subclass's schema says what each does.
    """

    output: ClassVar[type[serializers.Serializer]]
    update_input: ClassVar[type[serializers.Serializer]]
    entry_name: ClassVar[str]
    lookup: ClassVar[Callable[..., Any]]
    update: ClassVar[Callable[..., Any]]
    remove: ClassVar[Callable[..., None]]

    def get(self, request: Request, pk: UUID) -> Response:
        return Response(self.output(self.lookup(user=request.user, pk=pk)).data)

    def patch(self, request: Request, pk: UUID) -> Response:
        entry = self.lookup(user=request.user, pk=pk)
        changes = validated(
            self.update_input(data=request.data, partial=True, context={"request": request})
        )
        entry = self.update(user=request.user, **{self.entry_name: entry}, **changes)
        return Response(self.output(entry).data)

    def delete(self, request: Request, pk: UUID) -> Response:
        entry = self.lookup(user=request.user, pk=pk)
        self.remove(user=request.user, **{self.entry_name: entry})
        return Response(status=status.HTTP_204_NO_CONTENT)


def detail_schema[V: type[EntryDetailView]](
    *, thing: str, one: str, change: str, delete: str
) -> Callable[[V], V]:
    """The schema of an EntryDetailView: summaries "Get/Change/Delete `thing`", descriptions
    `one`, `change` and `delete`."""

    def describe(view: V) -> V:
        return extend_schema_view(
            get=extend_schema(responses=view.output, summary=f"Get {thing}", description=one),
            patch=extend_schema(
                request=view.update_input(partial=True),
                responses=view.output,
                summary=f"Change {thing}",
                description=change,
            ),
            delete=extend_schema(
                responses={204: None}, summary=f"Delete {thing}", description=delete
            ),
        )(view)

    return describe
