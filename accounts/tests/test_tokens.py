"""JWT pairs (docs/rules.md §3.4): lifetimes, rotation, reuse, type confusion, logout, 401 not
403."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from django.conf import settings

from accounts.tests.factories import bearer, totp_code, totp_device

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"
REFRESH = "/api/v1/auth/refresh/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/me/"


@pytest.fixture
def pair(api_client, user) -> dict[str, str]:
    device = totp_device(user)
    response = api_client.post(
        LOGIN, {"username": "alice", "code": totp_code(device)}, format="json"
    )
    assert response.status_code == 200
    return response.json()


def test_tokens_are_signed_with_jwt_secret_and_have_the_spec_lifetimes(pair):
    access = jwt.decode(pair["access"], settings.JWT_SECRET, algorithms=["HS256"])
    refresh = jwt.decode(pair["refresh"], settings.JWT_SECRET, algorithms=["HS256"])
    assert access["token_type"] == "access"
    assert refresh["token_type"] == "refresh"
    assert access["exp"] - access["iat"] == timedelta(minutes=15).total_seconds()
    assert refresh["exp"] - refresh["iat"] == timedelta(days=30).total_seconds()
    assert access["sid"] == refresh["sid"]
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(pair["access"], settings.SECRET_KEY, algorithms=["HS256"])


def test_access_token_authenticates(pair):
    assert bearer(pair["access"]).get(ME).status_code == 200


def test_unauthenticated_calls_answer_401_with_www_authenticate(api_client):
    response = api_client.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "detail" in response.json()


def test_garbage_token_is_a_401(pair):
    assert bearer("not.a.token").get(ME).status_code == 401
    forged = jwt.encode(
        jwt.decode(pair["access"], settings.JWT_SECRET, algorithms=["HS256"]),
        "another-secret-of-enough-length-123456",
        algorithm="HS256",
    )
    assert bearer(forged).get(ME).status_code == 401


def test_refresh_rotates_and_the_used_refresh_token_is_rejected(api_client, pair):
    first = api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert first.status_code == 200
    new = first.json()
    assert set(new) == {"access", "refresh"}
    assert new["refresh"] != pair["refresh"]
    assert bearer(new["access"]).get(ME).status_code == 200

    reused = api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert reused.status_code == 401
    assert "detail" in reused.json()
    # The new refresh token still works (and rotates again).
    assert api_client.post(REFRESH, {"refresh": new["refresh"]}, format="json").status_code == 200


def test_an_access_token_cannot_refresh(api_client, pair):
    response = api_client.post(REFRESH, {"refresh": pair["access"]}, format="json")
    assert response.status_code == 401


def test_a_refresh_token_cannot_authenticate(pair):
    assert bearer(pair["refresh"]).get(ME).status_code == 401


@pytest.mark.parametrize("body", [{}, {"refresh": ""}, {"refresh": 5}, {"refresh": None}])
def test_refresh_bad_input_is_a_400(api_client, body):
    assert api_client.post(REFRESH, body, format="json").status_code == 400


def test_refresh_with_garbage_is_a_401(api_client):
    assert api_client.post(REFRESH, {"refresh": "abc"}, format="json").status_code == 401


def test_logout_revokes_the_device_tokens(api_client, pair):
    response = api_client.post(LOGOUT, {"refresh": pair["refresh"]}, format="json")
    assert response.status_code == 204
    assert api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json").status_code == 401
    assert bearer(pair["access"]).get(ME).status_code == 401
    # Logging out twice is fine.
    assert api_client.post(LOGOUT, {"refresh": pair["refresh"]}, format="json").status_code == 204


def test_logout_refuses_tokens_that_are_not_ours(api_client, pair):
    assert api_client.post(LOGOUT, {"refresh": "abc"}, format="json").status_code == 401
    assert api_client.post(LOGOUT, {"refresh": pair["access"]}, format="json").status_code == 401


def test_expired_refresh_token_is_a_401(api_client, pair, settings):
    from rest_framework_simplejwt.tokens import RefreshToken

    token = RefreshToken(pair["refresh"])
    token.set_exp(lifetime=timedelta(seconds=-1))
    response = api_client.post(REFRESH, {"refresh": str(token)}, format="json")
    assert response.status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/auth/logout/", {"refresh": "ab\x00c"}, "refresh"),
        ("/api/v1/auth/refresh/", {"refresh": "ab\x00c"}, "refresh"),
        ("/api/v1/auth/login/", {"username": "al\x00ice", "code": "123456"}, "username"),
        ("/api/v1/auth/register/confirm/", {"username": "alice", "code": "12\x003456"}, "code"),
    ],
)
def test_a_nul_character_is_a_400_the_schema_states(api_client, url, body, field):
    """Every text field refuses NUL (DRF's CharField), and its schema's pattern says so."""
    response = api_client.post(url, body, format="json")
    assert response.status_code == 400
    assert response.json() == {field: ["Null characters are not allowed."]}
    schema = api_client.get("/api/v1/schema/?format=json").json()
    ref = schema["paths"][url]["post"]["requestBody"]["content"]["application/json"]["schema"]
    properties = schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]["properties"]
    assert properties[field]["pattern"] == "^[^\\u0000]*$"
