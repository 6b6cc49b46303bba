"""REST API v1 of the households app: registration (docs/rules.md §5.1), me and the household
(docs/rules.md §5.2), owner-only where it changes the household."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.core.validators import RegexValidator
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services as account_services
from accounts.api import AuthView, CodeSerializer, TokenPairSerializer
from accounts.models import AllowanceMode, DeviceKind, Household, Invite, User, validate_username
from accounts.throttling import client_address
from accounts.tokens import token_pair_issue
from accounts.web import sign_in_client
from budget.api import (
    NAME_TEXT,
    PLAIN_TEXT,
    TOO_MANY_ATTEMPTS,
    StrictCharField,
    StrictIntegerField,
    error_answer,
    validated,
)
from households import services
from households.selectors import household_members, invites_of, invites_open_for

NOT_OWNER = error_answer("Only the household's owner may do this.")


# --- Registration (docs/rules.md §5.1) ---------------------------------------------------------


class RegisterSerializer(serializers.Serializer):
    username = StrictCharField(max_length=150, validators=[validate_username])
    display_name = StrictCharField(max_length=80, required=False, allow_blank=True)
    invite = StrictCharField(max_length=64, required=False, allow_blank=True)


class EnrolmentSerializer(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    secret = serializers.CharField(help_text="Base32 secret for typing into the app by hand.")
    otpauth_uri = serializers.CharField()
    qr_svg = serializers.CharField(help_text="The otpauth URI as an inline SVG QR code.")


class ConfirmSerializer(serializers.Serializer):
    username = StrictCharField(max_length=150)
    code = StrictCharField(max_length=32, help_text="The first 6-digit TOTP code.")


class ConfirmedSerializer(TokenPairSerializer):
    recovery_codes = serializers.ListField(
        child=serializers.CharField(), help_text="10 one-time recovery codes, shown only now."
    )


class RegisterView(AuthView):
    @extend_schema(
        operation_id="auth_register",
        request=RegisterSerializer,
        responses={
            201: EnrolmentSerializer,
            429: error_answer("Too many registrations from this address."),
        },
        summary="Start a registration: a pending user with an authenticator to set up",
    )
    def post(self, request: Request) -> Response:
        data = validated(RegisterSerializer(data=request.data))
        enrolment = account_services.registration_start(
            username=data["username"],
            display_name=data.get("display_name", ""),
            invite_code=data.get("invite", ""),
            address=client_address(request),
        )
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)


class RegisterConfirmView(AuthView):
    @extend_schema(
        operation_id="auth_register_confirm",
        request=ConfirmSerializer,
        responses={
            201: ConfirmedSerializer,
            429: TOO_MANY_ATTEMPTS,
        },
        summary="Confirm a registration with the first code; signs in",
    )
    def post(self, request: Request) -> Response:
        data = validated(ConfirmSerializer(data=request.data))
        sign_in = services.registration_confirm(
            username=data["username"],
            code=data["code"],
            client=sign_in_client(request, kind=DeviceKind.API),
        )
        body = {
            **token_pair_issue(device_session=sign_in.session),
            "recovery_codes": list(sign_in.recovery_codes),
        }
        return Response(ConfirmedSerializer(body).data, status=status.HTTP_201_CREATED)


# --- Me and household (docs/rules.md §5.2) -----------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["username", "display_name", "role"]


class HouseholdSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = ["id", *Household.SETTINGS, "members"]

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, household: Household) -> list[dict[str, Any]]:
        return MemberSerializer(household_members(household=household), many=True).data


class MeSerializer(serializers.ModelSerializer):
    household = HouseholdSerializer()

    class Meta:
        model = User
        fields = ["username", "display_name", "role", "household"]


CURRENCY_TEXT = RegexValidator(
    r"^[A-Za-z]{3}$", "Use a three-letter ISO 4217 currency code such as EUR."
)


class MeUpdateSerializer(serializers.Serializer):
    """PATCH me/: every field optional (an empty body changes nothing)."""

    display_name = StrictCharField(
        max_length=80, allow_blank=True, required=False, validators=[PLAIN_TEXT]
    )


class TimezoneField(serializers.ChoiceField):
    """An IANA time zone name: exactly the names zoneinfo lists (the schema's enum)."""

    default_error_messages = {
        "invalid_choice": "{input} is not a known time zone (use an IANA name like Europe/Berlin)."
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=sorted(zoneinfo.available_timezones()), **kwargs)


class HouseholdUpdateSerializer(serializers.Serializer):
    name = StrictCharField(max_length=80, required=False, validators=[NAME_TEXT])
    currency = StrictCharField(
        max_length=3,
        required=False,
        trim_whitespace=False,
        validators=[CURRENCY_TEXT],
        help_text="A three-letter ISO 4217 code such as EUR (either case).",
    )
    timezone = TimezoneField(required=False)
    period_start_day = StrictIntegerField(min_value=1, max_value=28, required=False)
    allowance_mode = serializers.ChoiceField(choices=AllowanceMode.choices, required=False)


class InviteSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Invite
        fields = ["code", "url", "expires_at"]

    def get_url(self, invite: Invite) -> str:
        path = reverse("households:invite", args=[invite.code])
        return self.context["request"].build_absolute_uri(path)


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
        responses={200: MeSerializer},
        summary="Who I am and my household",
    )
    def get(self, request: Request) -> Response:
        return Response(_me(request))

    @extend_schema(
        operation_id="me_update",
        request=MeUpdateSerializer,
        responses={200: MeSerializer},
        summary="Change my display name",
    )
    def patch(self, request: Request) -> Response:
        data = validated(MeUpdateSerializer(data=request.data))
        if "display_name" in data:
            services.user_update(user=request.user, display_name=data["display_name"])
        return Response(_me(request))

    @extend_schema(
        operation_id="me_destroy",
        request=CodeSerializer,
        responses={
            204: None,
            429: error_answer("Too many wrong codes."),
        },
        summary="Delete my account (requires a current code)",
    )
    def delete(self, request: Request) -> Response:
        data = validated(CodeSerializer(data=request.data))
        services.account_delete(user=request.user, code=data["code"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class HouseholdView(APIView):
    permission_classes = [IsHouseholdOwner]

    @extend_schema(
        operation_id="household_update",
        request=HouseholdUpdateSerializer,
        responses={
            200: HouseholdSerializer,
            403: NOT_OWNER,
        },
        summary="Change the household's settings (owner only)",
    )
    def patch(self, request: Request) -> Response:
        data = validated(HouseholdUpdateSerializer(data=request.data))
        household = services.household_update(user=request.user, **data)
        return Response(HouseholdSerializer(household).data)


class InviteListView(APIView):
    permission_classes = [IsHouseholdOwner]

    @extend_schema(
        operation_id="household_invites_list",
        responses={200: InviteSerializer(many=True), 403: NOT_OWNER},
        summary="Open invites of the household (owner only)",
    )
    def get(self, request: Request) -> Response:
        invites = invites_open_for(user=request.user)
        return Response(InviteSerializer(invites, many=True, context={"request": request}).data)

    @extend_schema(
        operation_id="household_invites_create",
        request=None,
        responses={201: InviteSerializer, 403: NOT_OWNER},
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
        responses={204: None, 403: NOT_OWNER},
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
            403: NOT_OWNER,
        },
        summary="Remove a member: their account is deleted (owner only)",
    )
    def delete(self, request: Request, username: str) -> Response:
        member = get_object_or_404(
            household_members(household=request.user.household_id), username__iexact=username
        )
        services.member_remove(user=request.user, member=member)
        return Response(status=status.HTTP_204_NO_CONTENT)
