"""REST API v1 of accounts: me and the household (SPEC §5.2), owner-only where it changes the
household."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.api import CodeSerializer, StrictCharField, _valid
from accounts.models import AllowanceMode, Household, Invite, User
from accounts.selectors import household_members, invites_of, invites_open_for
from budget.api import ErrorSerializer

FIELD_ERRORS = OpenApiResponse(description='Bad input: messages per field, {"field": ["..."]}.')
UNAUTHENTICATED = OpenApiResponse(
    ErrorSerializer, description="Missing, invalid or expired access token."
)
NOT_OWNER = OpenApiResponse(ErrorSerializer, description="Only the household's owner may do this.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found in your household.")


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["username", "display_name", "role"]


class HouseholdSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = [
            "id",
            "name",
            "currency",
            "timezone",
            "period_start_day",
            "allowance_mode",
            "members",
        ]

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, household: Household) -> list[dict[str, Any]]:
        members = User.objects.filter(household=household).order_by("date_joined", "pk")
        return MemberSerializer(members, many=True).data


class MeSerializer(serializers.ModelSerializer):
    household = HouseholdSerializer()

    class Meta:
        model = User
        fields = ["username", "display_name", "role", "household"]


class MeUpdateSerializer(serializers.Serializer):
    display_name = StrictCharField(max_length=80, allow_blank=True)


class HouseholdUpdateSerializer(serializers.Serializer):
    name = StrictCharField(max_length=80, required=False)
    currency = StrictCharField(max_length=3, required=False)
    timezone = StrictCharField(max_length=64, required=False)
    period_start_day = serializers.IntegerField(min_value=1, max_value=28, required=False)
    allowance_mode = serializers.ChoiceField(choices=AllowanceMode.choices, required=False)


class InviteSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Invite
        fields = ["code", "url", "expires_at"]

    def get_url(self, invite: Invite) -> str:
        path = reverse("accounts:invite", args=[invite.code])
        return self.context["request"].build_absolute_uri(path)


# --- Me and household (SPEC §5.2) --------------------------------------------------------------


def _me(request: Request) -> dict[str, Any]:
    user = User.objects.select_related("household").get(pk=request.user.pk)
    return MeSerializer(user, context={"request": request}).data


class IsHouseholdOwner(IsAuthenticated):
    """Owner-only endpoints: a member gets 403 (a stranger never reaches their household)."""

    message = "Only the household's owner can do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return super().has_permission(request, view) and request.user.is_owner


class MeView(APIView):
    @extend_schema(
        operation_id="me_retrieve",
        responses={200: MeSerializer, 401: UNAUTHENTICATED},
        summary="Who I am and my household",
    )
    def get(self, request: Request) -> Response:
        return Response(_me(request))

    @extend_schema(
        operation_id="me_update",
        request=MeUpdateSerializer,
        responses={200: MeSerializer, 400: FIELD_ERRORS, 401: UNAUTHENTICATED},
        summary="Change my display name",
    )
    def patch(self, request: Request) -> Response:
        data = _valid(MeUpdateSerializer, request)
        services.user_update(user=request.user, display_name=data["display_name"])
        return Response(_me(request))

    @extend_schema(
        operation_id="me_destroy",
        request=CodeSerializer,
        responses={
            204: None,
            400: FIELD_ERRORS,
            401: UNAUTHENTICATED,
            429: OpenApiResponse(ErrorSerializer, description="Too many wrong codes."),
        },
        summary="Delete my account (requires a current code)",
    )
    def delete(self, request: Request) -> Response:
        data = _valid(CodeSerializer, request)
        services.account_delete(user=request.user, code=data["code"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class HouseholdView(APIView):
    permission_classes = [IsHouseholdOwner]

    @extend_schema(
        operation_id="household_update",
        request=HouseholdUpdateSerializer,
        responses={
            200: HouseholdSerializer,
            400: FIELD_ERRORS,
            401: UNAUTHENTICATED,
            403: NOT_OWNER,
        },
        summary="Change the household's settings (owner only)",
    )
    def patch(self, request: Request) -> Response:
        data = _valid(HouseholdUpdateSerializer, request)
        household = services.household_update(user=request.user, **data)
        return Response(HouseholdSerializer(household).data)


class InviteListView(APIView):
    permission_classes = [IsHouseholdOwner]

    @extend_schema(
        operation_id="household_invites_list",
        responses={200: InviteSerializer(many=True), 401: UNAUTHENTICATED, 403: NOT_OWNER},
        summary="Open invites of the household (owner only)",
    )
    def get(self, request: Request) -> Response:
        invites = invites_open_for(user=request.user)
        return Response(InviteSerializer(invites, many=True, context={"request": request}).data)

    @extend_schema(
        operation_id="household_invites_create",
        request=None,
        responses={201: InviteSerializer, 401: UNAUTHENTICATED, 403: NOT_OWNER},
        summary="Create a single-use invite, valid 7 days (owner only)",
    )
    def post(self, request: Request) -> Response:
        invite = services.invite_create(user=request.user)
        return Response(
            InviteSerializer(invite, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class InviteDetailView(APIView):
    permission_classes = [IsHouseholdOwner]

    @extend_schema(
        operation_id="household_invites_destroy",
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH)],
        responses={204: None, 401: UNAUTHENTICATED, 403: NOT_OWNER, 404: NOT_FOUND},
        summary="Revoke an invite (owner only)",
    )
    def delete(self, request: Request, code: str) -> Response:
        invite = get_object_or_404(invites_of(user=request.user), code=code)
        services.invite_revoke(user=request.user, invite=invite)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberDetailView(APIView):
    permission_classes = [IsHouseholdOwner]

    @extend_schema(
        operation_id="household_members_destroy",
        parameters=[OpenApiParameter("username", str, OpenApiParameter.PATH)],
        responses={
            204: None,
            400: FIELD_ERRORS,
            401: UNAUTHENTICATED,
            403: NOT_OWNER,
            404: NOT_FOUND,
        },
        summary="Remove a member: their account is deleted (owner only)",
    )
    def delete(self, request: Request, username: str) -> Response:
        member = get_object_or_404(household_members(user=request.user), username__iexact=username)
        services.member_remove(user=request.user, member=member)
        return Response(status=status.HTTP_204_NO_CONTENT)
