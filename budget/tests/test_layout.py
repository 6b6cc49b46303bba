"""The import layout (README, "Layout"): apps import one way, households → funnels → accounts →
budget, and no two modules of one app import each other, directly or round a loop.

Every .py file of each app is parsed with `ast`, so imports inside functions and under
`if TYPE_CHECKING:` count as much as those at the top: an import cycle hidden inside a function
is still a cycle of the design.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest
from django.conf import settings

# Lowest first: an app may import itself and the apps before it in this list, never after.
LAYERS = ("budget", "accounts", "funnels", "households", "transfers")


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node: ast.AST, module: str, is_package: bool, known: set[str]) -> Iterable[str]:
    """The modules an import node names, with `from pkg import mod` resolved to pkg.mod."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    if not isinstance(node, ast.ImportFrom):
        return
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        base = package[: len(package) - (node.level - 1)]
        target = ".".join([*base, *([node.module] if node.module else [])])
    else:
        target = node.module or ""
    for alias in node.names:
        candidate = f"{target}.{alias.name}"
        yield candidate if candidate in known else target


def import_graph(root: Path, apps: Iterable[str]) -> dict[str, set[str]]:
    """Module → the modules of the given apps it imports, anywhere in its file."""
    apps = tuple(apps)
    files = {
        _module_name(root, path): path
        for app in apps
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
    }
    known = set(files)
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        graph[module] = {
            name
            for node in ast.walk(tree)
            for name in _imported(node, module, is_package, known)
            if name.split(".")[0] in apps and name != module
        }
    return graph


def layer_violations(graph: dict[str, set[str]], layers: tuple[str, ...]) -> list[str]:
    """Imports from an app to an app above it."""
    rank = {app: index for index, app in enumerate(layers)}
    return sorted(
        f"{module} imports {name}"
        for module, names in graph.items()
        for name in names
        if rank[name.split(".")[0]] > rank[module.split(".")[0]]
    )


def cycles_within_apps(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles between modules of one app (Tarjan's strongly connected components)."""
    edges = {
        module: {n for n in names if n in graph and n.split(".")[0] == module.split(".")[0]}
        for module, names in graph.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _graph() -> dict[str, set[str]]:
    return import_graph(Path(settings.BASE_DIR), LAYERS)


def test_every_app_of_the_project_is_in_a_layer():
    local = {app.split(".")[0] for app in settings.INSTALLED_APPS}
    on_disk = {p.parent.name for p in Path(settings.BASE_DIR).glob("*/apps.py")}
    assert on_disk <= set(LAYERS)
    assert {"accounts", "funnels", "households"} <= local


def test_apps_import_only_the_apps_below_them():
    assert layer_violations(_graph(), LAYERS) == []


def test_no_import_cycles_between_modules_of_an_app():
    assert cycles_within_apps(_graph()) == []


# --- The checks themselves can fail ------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path):
    def write(files: dict[str, str]) -> Path:
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        return tmp_path

    return write


def test_an_import_inside_a_function_against_the_layers_is_found(tree):
    root = tree(
        {
            "low/__init__.py": "",
            "low/a.py": "def f():\n    from high.b import g\n",
            "high/__init__.py": "",
            "high/b.py": "from low import a\n",
        }
    )
    graph = import_graph(root, ("low", "high"))
    assert layer_violations(graph, ("low", "high")) == ["low.a imports high.b"]


def test_a_cycle_hidden_in_functions_is_found(tree):
    root = tree(
        {
            "app/__init__.py": "",
            "app/tokens.py": "def f():\n    from app import services\n",
            "app/services/__init__.py": "from app.services.signin import x\n",
            "app/services/signin.py": "from app.tokens import f\nx = 1\n",
            "app/models.py": "from . import tokens\n",
        }
    )
    cycles = cycles_within_apps(import_graph(root, ("app",)))
    assert cycles == [["app.services", "app.services.signin", "app.tokens"]]


def test_form_errors_are_shown_only_through_the_field_include():
    templates = Path(settings.BASE_DIR) / "templates"
    ad_hoc = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if path.name != "_field.html"
        and any(
            marker in path.read_text(encoding="utf-8")
            for marker in ("errors|join", "non_field_errors", "in field.errors", ".errors %}<")
        )
    ]
    assert ad_hoc == []
