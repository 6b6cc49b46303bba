"""SECURE_COOKIES (docs/rules.md §6): on by default in production, off for plain http on a
home network, `check --deploy` warns while it is off, and a dropped cookie is explained."""

from __future__ import annotations

import secrets
import subprocess

import pytest
from django.test import Client

from budget.tests.fresh_process import manage


def _production(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    production = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "JWT_SECRET": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "example.org",
        "SECURE_SSL_REDIRECT": "true",
    }
    unset = {"DEBUG", "SECRET_KEY", "JWT_SECRET", "SECURE_COOKIES"}
    return manage(*args, env={**production, **env}, unset=unset, timeout=120)


SHOW_COOKIE_FLAGS = (
    "shell",
    "--no-imports",
    "-c",
    "from django.conf import settings as s; "
    "print(s.SECURE_COOKIES, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)",
)


def test_production_cookies_are_secure_by_default_and_deploy_check_is_clean():
    assert _production(*SHOW_COOKIE_FLAGS).stdout.split() == ["True", "True", "True"]
    result = _production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "funnels.W001" not in result.stderr


def test_secure_cookies_off_makes_both_cookies_plain_and_deploy_check_warns():
    flags = _production(*SHOW_COOKIE_FLAGS, SECURE_COOKIES="false")
    assert flags.stdout.split() == ["False", "False", "False"]
    result = _production("check", "--deploy", "--fail-level", "WARNING", SECURE_COOKIES="false")
    assert result.returncode != 0
    assert "(funnels.W001) SECURE_COOKIES is off" in result.stderr


def test_secure_cookies_takes_only_a_real_boolean():
    result = _production(*SHOW_COOKIE_FLAGS, SECURE_COOKIES="sometimes")
    assert result.returncode != 0
    assert "SECURE_COOKIES must be one of" in result.stderr


@pytest.mark.django_db
def test_sign_in_without_the_cookie_over_http_says_why(settings):
    """What a browser shows when it dropped the Secure cookie on http://192.168.1.20."""
    settings.CSRF_COOKIE_SECURE = True
    settings.ALLOWED_HOSTS = ["192.168.1.20"]
    browser = Client(enforce_csrf_checks=True, HTTP_HOST="192.168.1.20")

    response = browser.post("/login/", {"username": "alice", "code": "123456"})

    assert response.status_code == 403
    text = response.content.decode()
    assert "did not keep Funnels" in text
    assert "only over https" in text
    assert "SECURE_COOKIES=false" in text
    assert 'name="code"' not in text  # not a sign-in form that would fail again


@pytest.mark.django_db
def test_a_missing_cookie_over_https_asks_to_allow_cookies(settings):
    settings.CSRF_COOKIE_SECURE = True
    response = Client(enforce_csrf_checks=True).post(
        "/login/", {}, secure=True, HTTP_ORIGIN="https://testserver"
    )
    assert response.status_code == 403
    text = response.content.decode()
    assert "Allow cookies for this site" in text
    assert "SECURE_COOKIES" not in text


@pytest.mark.django_db
def test_a_stale_form_token_is_explained_as_such(settings):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/login/")  # sets the cookie
    response = browser.post("/login/", {"csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403
    assert "reload the page and try again" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("host", "secure", "cookies_secure", "warned"),
    [
        ("192.168.1.20:8000", False, True, True),  # the home server over plain http
        ("[fe80::1]:8000", False, True, True),
        ("funnels.example.org", True, True, False),  # https
        ("192.168.1.20:8000", False, False, False),  # SECURE_COOKIES=false
        ("localhost:8000", False, True, False),  # browsers keep Secure cookies on localhost
        ("127.0.0.1", False, True, False),
    ],
)
def test_the_sign_in_page_warns_when_the_browser_will_drop_the_cookies(
    settings, host, secure, cookies_secure, warned
):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SESSION_COOKIE_SECURE = cookies_secure
    response = Client(HTTP_HOST=host).get("/login/", secure=secure)
    assert response.status_code == 200
    text = response.content.decode()
    assert ("Signing in will not work on this address" in text) is warned
    assert ("SECURE_COOKIES=false" in text) is warned
