"""API-wide answers: 401 without valid credentials, JSON bodies for 404, 405 and 500."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.urls import include, path
from rest_framework.test import APIClient

from budget import urls as root_urls
from funnels.models import Spending

pytestmark = pytest.mark.django_db

# Fixed, not random: every xdist worker must collect the same test ids.
SOME_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
ENDPOINTS = [
    ("get", "/api/v1/funnels/"),
    ("post", "/api/v1/funnels/"),
    ("get", f"/api/v1/funnels/{SOME_ID}/"),
    ("patch", f"/api/v1/funnels/{SOME_ID}/"),
    ("delete", f"/api/v1/funnels/{SOME_ID}/"),
    ("get", "/api/v1/spendings/"),
    ("post", "/api/v1/spendings/"),
    ("get", "/api/v1/spendings/deleted/?since=2026-01-01T00:00:00Z"),
    ("get", f"/api/v1/spendings/{SOME_ID}/"),
    ("patch", f"/api/v1/spendings/{SOME_ID}/"),
    ("delete", f"/api/v1/spendings/{SOME_ID}/"),
    ("get", "/api/v1/overview/"),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer not-a-token", "Bearer ", "Basic YWxpY2U6eA==", "Token abc"],
)
def test_missing_or_bad_credentials_are_401_never_403(method, url, authorization):
    client = APIClient()
    if authorization:
        client.credentials(HTTP_AUTHORIZATION=authorization)
    response = getattr(client, method)(url, {}, format="json")
    assert response.status_code == 401
    assert "detail" in response.json()
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_access_token_is_401(user):
    from datetime import timedelta

    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.tokens import token_pair_for

    token = AccessToken(token_pair_for(user)["access"])
    client = APIClient()
    token.set_exp(lifetime=timedelta(minutes=5))
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/overview/").status_code == 200
    token.set_exp(lifetime=-timedelta(seconds=1))
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.get("/api/v1/overview/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_a_session_does_not_authenticate_the_api(client, user):
    client.force_login(user)
    response = client.get("/api/v1/funnels/")
    assert response.status_code == 401


def test_a_refresh_token_cannot_authenticate(user):
    from accounts.tokens import token_pair_for

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_pair_for(user)['refresh']}")
    assert client.get("/api/v1/funnels/").status_code == 401


@pytest.mark.parametrize(
    "url", ["/api/v1/nothing-here/", "/api/v1/funnels/not-a-uuid/", "/api/v2/"]
)
def test_unknown_api_url_is_a_json_404(api_client_for, user, url):
    response = api_client_for(user).get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_unknown_page_outside_the_api_is_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_wrong_method_is_a_json_405(api_client_for, user):
    response = api_client_for(user).put("/api/v1/funnels/", {}, format="json")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "PUT" not allowed.'}


def test_malformed_json_is_a_json_400(api_client_for, user):
    response = api_client_for(user).generic(
        "POST", "/api/v1/spendings/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()
    assert not Spending.objects.exists()


def test_non_json_body_is_415(api_client_for, user):
    response = api_client_for(user).post(
        "/api/v1/spendings/", "amount=1", content_type="text/plain"
    )
    assert response.status_code == 415
    assert "detail" in response.json()


@pytest.mark.parametrize("body", ["[]", '"text"', "null", "12"])
def test_a_body_that_is_not_an_object_is_400(api_client_for, user, body):
    response = api_client_for(user).generic(
        "POST", "/api/v1/funnels/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("api/v1/boom/", _boom),
    path("boom/", _boom),
    path("", include("budget.urls")),
]
handler500 = root_urls.handler500


@pytest.mark.parametrize(("url", "json"), [("/api/v1/boom/", True), ("/boom/", False)])
def test_server_error_is_json_under_the_api_only(settings, url, json):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 500
    if json:
        assert response.json() == {"detail": "Server error."}
    else:
        assert response["Content-Type"].startswith("text/html")


def test_root_urls_use_the_json_handlers():
    assert root_urls.handler400 == "budget.api.bad_request"
    assert root_urls.handler403 == "budget.api.permission_denied"
    assert root_urls.handler404 == "budget.api.page_not_found"
    assert root_urls.handler500 == "budget.api.server_error"


def test_an_oversized_body_is_a_json_400_and_saves_nothing(settings, user):
    from accounts.tokens import token_pair_for

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client().post(
        "/api/v1/spendings/",
        data='{"note": "' + "x" * 2000 + '"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_pair_for(user)['access']}",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}
    assert not Spending.objects.exists()


def test_a_disallowed_host_under_the_api_is_a_json_400():
    response = Client(HTTP_HOST="evil.example").get("/api/v1/funnels/")
    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}


@pytest.mark.parametrize("handler", ["bad_request", "permission_denied", "page_not_found"])
def test_error_handlers_answer_json_only_under_the_api(rf, handler):
    from django.core.exceptions import PermissionDenied

    from budget import api

    view = getattr(api, handler)
    inside = view(rf.get("/api/v1/anything/"), PermissionDenied())
    assert inside["Content-Type"] == "application/json"
    assert "detail" in json.loads(inside.content)
    outside = view(rf.get("/anything/"), PermissionDenied())
    assert outside["Content-Type"].startswith("text/html")
    assert outside.status_code == inside.status_code


@pytest.mark.parametrize(
    ("method", "url", "name"),
    [
        ("get", "/api/v1/overview/?date=", "date"),
        ("get", "/api/v1/spendings/?updated_since=", "updated_since"),
        ("get", "/api/v1/spendings/?since=", "since"),
        ("get", "/api/v1/spendings/deleted/?since=", "since"),
        ("get", "/api/v1/incomes/?until=", "until"),
        ("get", "/api/v1/incomes/deleted/?since=", "since"),
        ("get", "/api/v1/reports/summary/?date=", "date"),
        ("get", "/api/v1/calendar/?month=", "month"),
    ],
)
def test_a_present_but_empty_query_parameter_is_a_400(api_client_for, user, method, url, name):
    response = getattr(api_client_for(user), method)(url)
    assert response.status_code == 400, response.content
    assert response.json()[name] == ["Give a value or leave the parameter out."]


def test_deleting_a_funnel_with_an_empty_move_to_is_a_400_and_deletes_nothing(api_client_for, user):
    from funnels.models import Funnel

    funnel = Funnel.objects.visible_to(user).first()
    response = api_client_for(user).delete(f"/api/v1/funnels/{funnel.pk}/?move_to=")
    assert response.status_code == 400
    assert response.json()["move_to"] == ["Give a value or leave the parameter out."]
    assert Funnel.objects.filter(pk=funnel.pk).exists()
