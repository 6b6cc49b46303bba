"""The browser fixtures (a module-wide Chromium, signed-in pages, the console watch) are the
ones the funnels pages' browser tests use."""

from funnels.tests.conftest import (  # noqa: F401 (fixtures)
    chromium,
    console,
    new_page,
    signed_in_page,
)
