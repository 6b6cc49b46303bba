"""REST API v1 of accounts: sign-in, refresh and sign-out (docs/rules.md §5.1).

Registration (which founds or joins a household), me and the household (docs/rules.md §5.2)
are in households/api.py. Error answers every endpoint can give (400, 401, 404) are added to the
schema by budget.api.AutoSchema.

Thin views: explicit serializers parse and present, accounts.services writes,
accounts.selectors reads. The auth endpoints take no token; the others take a Bearer access
token (accounts.authentication.DeviceJWTAuthentication).
"""

from __future__ import annotations

from collections.abc import Callable

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.models import DeviceKind
from accounts.tokens import InvalidRefreshToken, token_logout, token_pair_issue, token_pair_rotate
from accounts.web import sign_in_client
from budget.api import TOO_MANY_ATTEMPTS, StrictCharField, error_answer, validated

# --- Serializers -------------------------------------------------------------------------------


class CodeSerializer(serializers.Serializer):
    code = StrictCharField(
        max_length=32, help_text="A current 6-digit TOTP code, or one recovery code."
    )


class LoginSerializer(serializers.Serializer):
    username = StrictCharField(max_length=150)
    code = StrictCharField(
        max_length=32, help_text="A current 6-digit TOTP code, or one recovery code."
    )


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="Access token, valid 15 minutes.")
    refresh = serializers.CharField(help_text="Refresh token, valid 30 days, single use.")


class RefreshSerializer(serializers.Serializer):
    refresh = StrictCharField()


# --- Auth (docs/rules.md §5.1) --------------------------------------------------------------------


class AuthView(APIView):
    """Base of the endpoints that take no token; a failed sign-in is a 401, not a 403."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class LoginView(AuthView):
    @extend_schema(
        operation_id="auth_login",
        request=LoginSerializer,
        responses={
            200: TokenPairSerializer,
            401: error_answer("Bad username or code."),
            429: TOO_MANY_ATTEMPTS,
        },
        summary="Sign in with a TOTP or recovery code; signs every other device out",
    )
    def post(self, request: Request) -> Response:
        data = validated(LoginSerializer(data=request.data))
        try:
            sign_in = services.sign_in(
                username=data["username"],
                code=data["code"],
                client=sign_in_client(request, kind=DeviceKind.API),
            )
        except services.SignInFailed:
            raise exceptions.AuthenticationFailed("That username and code do not match.") from None
        return Response(TokenPairSerializer(token_pair_issue(device_session=sign_in.session)).data)


def _with_refresh_token[T](request: Request, action: Callable[..., T]) -> T:
    """Run `action(raw_refresh=...)` on the posted refresh token; a bad token is a 401."""
    data = validated(RefreshSerializer(data=request.data))
    try:
        return action(raw_refresh=data["refresh"])
    except InvalidRefreshToken as exc:
        raise exceptions.AuthenticationFailed(f"Refresh token not valid: {exc}") from None


class RefreshView(AuthView):
    @extend_schema(
        operation_id="auth_refresh",
        request=RefreshSerializer,
        responses={200: TokenPairSerializer, 401: error_answer("Invalid, used or revoked token.")},
        summary="Trade a refresh token for a new pair (the presented one is revoked)",
    )
    def post(self, request: Request) -> Response:
        pair = _with_refresh_token(request, token_pair_rotate)
        return Response(TokenPairSerializer(pair).data)


class LogoutView(AuthView):
    @extend_schema(
        operation_id="auth_logout",
        request=RefreshSerializer,
        responses={204: None, 401: error_answer("Not a refresh token of ours.")},
        summary="Sign this device out: its tokens stop working",
    )
    def post(self, request: Request) -> Response:
        _with_refresh_token(request, token_logout)
        return Response(status=status.HTTP_204_NO_CONTENT)
