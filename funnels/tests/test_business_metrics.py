"""The business counters of /metrics (docs/rules.md §10): sign-ins by outcome, spendings saved,
refresh-token rotations, counted by the services every page and endpoint goes through."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from accounts.tests.factories import totp_code, totp_device
from funnels.models import Funnel

LOGIN = "/api/v1/auth/login/"


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.django_db
def test_sign_ins_are_counted_ok_failed_and_throttled(api_client, user, settings):
    settings.LOGIN_THROTTLE_PER_USERNAME = 2
    device = totp_device(user)
    ok, failed, throttled = (
        _value("funnels_sign_ins_total", outcome=o) for o in ("ok", "failed", "throttled")
    )
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    assert (
        api_client.post(LOGIN, {"username": "alice", "code": right}, format="json").status_code
        == 200
    )
    for _ in range(2):
        assert (
            api_client.post(LOGIN, {"username": "alice", "code": wrong}, format="json").status_code
            == 401
        )
    assert (
        api_client.post(LOGIN, {"username": "alice", "code": wrong}, format="json").status_code
        == 429
    )

    assert _value("funnels_sign_ins_total", outcome="ok") == ok + 1
    assert _value("funnels_sign_ins_total", outcome="failed") == failed + 2
    assert _value("funnels_sign_ins_total", outcome="throttled") == throttled + 1


@pytest.mark.django_db
def test_spendings_and_token_refreshes_are_counted(api_client, api_client_for, user):
    created = _value("funnels_spendings_created_total")
    refreshed = _value("funnels_token_refreshes_total", outcome="ok")
    refused = _value("funnels_token_refreshes_total", outcome="failed")
    funnel = Funnel.objects.filter(owner=user).first() or Funnel.objects.first()

    response = api_client_for(user).post(
        "/api/v1/spendings/", {"funnel": str(funnel.pk), "amount": "4.20"}, format="json"
    )
    assert response.status_code == 201
    device = totp_device(user)
    login = {"username": "alice", "code": totp_code(device)}
    pair = api_client.post(LOGIN, login, format="json").json()
    refresh = {"refresh": pair["refresh"]}
    assert api_client.post("/api/v1/auth/refresh/", refresh, format="json").status_code == 200
    assert api_client.post("/api/v1/auth/refresh/", refresh, format="json").status_code == 401

    assert _value("funnels_spendings_created_total") == created + 1
    assert _value("funnels_token_refreshes_total", outcome="ok") == refreshed + 1
    assert _value("funnels_token_refreshes_total", outcome="failed") == refused + 1
