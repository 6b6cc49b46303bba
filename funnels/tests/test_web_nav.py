"""The tab bar: reports and calendar one tap away from every page (docs/rules.md §8.6)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/", "/funnels/", "/spendings/", "/reports/", "/calendar/", "/household/", "/account/"]
)
def test_every_page_has_the_seven_tabs(client, user, path):
    client.force_login(user)
    content = client.get(path).content.decode()
    nav = content.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    tabs = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)
    assert tabs == [
        ("/", "Today"), ("/funnels/", "Funnels"), ("/spendings/", "History"),
        ("/reports/", "Reports"), ("/calendar/", "Calendar"), ("/household/", "Family"),
        ("/account/", "Me"),
    ]  # fmt: skip
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', nav)
    assert current == [path]
