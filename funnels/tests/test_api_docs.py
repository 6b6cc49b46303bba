"""OpenAPI schema at /api/v1/schema/ and interactive docs at /api/v1/docs/ under the CSP."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/funnels/": {"get", "post"},
    "/api/v1/funnels/{id}/": {"get", "patch", "delete"},
    "/api/v1/spendings/": {"get", "post"},
    "/api/v1/spendings/{id}/": {"get", "patch", "delete"},
    "/api/v1/spendings/deleted/": {"get"},
    "/api/v1/overview/": {"get"},
    "/api/v1/planned/": {"get", "post"},
    "/api/v1/planned/{id}/": {"get", "patch", "delete"},
    "/api/v1/planned/{id}/paid/": {"post"},
    "/api/v1/planned/{id}/skip/": {"post"},
    "/api/v1/planned/{id}/unskip/": {"post"},
}


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_describes_every_endpoint_with_bodies_and_errors(schema):
    assert schema["openapi"].startswith("3.")
    for path, methods in PATHS.items():
        assert methods <= set(schema["paths"][path]), path
        for method in methods:
            operation = schema["paths"][path][method]
            assert operation["security"] == [{"jwtAuth": []}]
            assert "401" in operation["responses"]
            if "{id}" in path:
                assert "404" in operation["responses"]
            if method in ("post", "patch"):
                assert "requestBody" in operation
                assert "400" in operation["responses"]
    create = schema["paths"]["/api/v1/spendings/"]["post"]["responses"]
    assert {"200", "201", "400", "401", "409"} <= set(create)


def test_schema_has_the_bearer_scheme(schema):
    assert schema["components"]["securitySchemes"]["jwtAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }


def test_schema_writes_money_as_decimal_strings(schema):
    funnel = schema["components"]["schemas"]["Funnel"]["properties"]
    for field in ("monthly_limit", "spent", "remaining", "daily", "spent_today"):
        assert funnel[field]["type"] == "string"
        assert funnel[field]["format"] == "decimal"
    request = schema["components"]["schemas"]["SpendingInputRequest"]["properties"]
    string, integer = request["amount"]["oneOf"]
    assert (string["type"], string["format"]) == ("string", "decimal")
    assert (integer["type"], integer["minimum"]) == ("integer", 1)
    assert set(schema["components"]["schemas"]["SpendingInputRequest"]["required"]) == {
        "funnel",
        "amount",
    }


def test_spendings_list_documents_filters_and_cursor(schema):
    operation = schema["paths"]["/api/v1/spendings/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"cursor", "page_size", "funnel", "since", "until", "updated_since"} <= names
    page = schema["components"]["schemas"]["PaginatedSpendingList"]["properties"]
    assert {"next", "previous", "server_time", "results"} <= set(page)


def _walk(node):
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        yield from _walk(child)


def test_blank_text_takes_one_schema_that_also_takes_the_empty_string(schema):
    """A note or display name may be "": the schema must say so without a `oneOf` whose two
    branches both match "" (that reads as "invalid": exactly one must match)."""
    bodies = schema["components"]["schemas"]
    for name, field in [
        ("SpendingInputRequest", "note"),
        ("IncomeInputRequest", "note"),
        ("PatchedMeUpdateRequest", "display_name"),
    ]:
        text = bodies[name]["properties"][field]
        assert text["type"] == "string"
        assert "oneOf" not in text
        assert re.search(text["pattern"], "")
        assert not re.search(text["pattern"], "a\x00b")
    empty_branch = {"type": "string", "maxLength": 0}
    assert not [
        node
        for node in _walk(schema)
        if isinstance(node, dict) and empty_branch in node.get("oneOf", [])
    ]


def test_an_empty_display_name_is_taken(api_client_for, user):
    response = api_client_for(user).patch("/api/v1/me/", {"display_name": ""}, format="json")
    assert response.status_code == 200
    assert response.json()["display_name"] == ""


def test_schema_validates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_docs_page_has_no_inline_script_or_style(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_render_in_chromium_without_console_errors(chromium, live_server, console):
    context = chromium.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        console.attach(page)
        outside = []
        page.on(
            "request",
            lambda request: (
                None if request.url.startswith(live_server.url) else outside.append(request.url)
            ),
        )
        page.goto("/api/v1/docs/")
        page.wait_for_selector(".opblock", timeout=15000)
        text = page.locator("#swagger-ui").inner_text()
        assert "/api/v1/spendings/" in text
        assert "/api/v1/overview/" in text
        assert page.locator(".opblock").count() >= 12
        assert page.locator(".btn.authorize").count() == 1
        assert outside == []
    finally:
        context.close()


@pytest.mark.parametrize("url", ["/api/v1/schema/", "/api/v1/docs/"])
def test_schema_and_docs_errors_are_json(client, url):
    response = client.post(url)
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "POST" not allowed.'}
    assert "GET" in response["Allow"]
    response = client.get(url, HTTP_AUTHORIZATION="Bearer nonsense")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_schema_is_served_as_json_on_request(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Funnels API"


def test_funnel_answers_link_to_spending_from_the_funnel(schema, api_client_for, user):
    """The schema's links from a created funnel: a spending in it, its spendings; following them
    by hand works."""
    links = schema["paths"]["/api/v1/funnels/"]["post"]["responses"]["201"]["links"]
    assert links["SpendFromIt"]["operationId"] == "spendings_create"
    assert links["SpendFromIt"]["requestBody"] == {"funnel": "$response.body#/id"}
    assert links["ItsSpendings"]["parameters"] == {"query.funnel": "$response.body#/id"}
    listed = schema["paths"]["/api/v1/funnels/"]["get"]["responses"]["200"]["links"]
    assert listed["SpendFromIt"]["requestBody"] == {"funnel": "$response.body#/0/id"}
    client = api_client_for(user)
    funnel = client.post(
        "/api/v1/funnels/",
        {"name": "Fun", "emoji": "🎉", "color": "#aabbcc", "monthly_limit": "50"},
        format="json",
    ).json()["id"]
    spent = client.post("/api/v1/spendings/", {"funnel": funnel, "amount": "3"}, format="json")
    assert spent.status_code == 201
    listed = client.get("/api/v1/spendings/", {"funnel": funnel}).json()["results"]
    assert [s["id"] for s in listed] == [spent.json()["id"]]
