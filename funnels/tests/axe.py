"""What the browser tests ask of axe-core: the serious and critical accessibility violations."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe


def serious_axe_violations(page: object) -> list[str]:
    """The page's serious and critical axe-core violations, each with the elements it names."""
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']]})"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
