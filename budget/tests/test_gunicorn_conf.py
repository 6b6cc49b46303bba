"""budget/gunicorn_conf.py's hooks, called directly (test_gunicorn.py runs them for real)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType, SimpleNamespace

CONF = Path(__file__).resolve().parents[1] / "gunicorn_conf.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    monkeypatch.setenv("BIND", "127.0.0.1:9999")
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    conf = _load()
    assert (conf.bind, conf.workers) == ("127.0.0.1:9999", 5)
    assert conf.accesslog is None  # the app's JSON request line replaces the access log


def test_on_starting_empties_the_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    (tmp_path / "counter_1.db").write_bytes(b"old")
    (tmp_path / "leftover").mkdir()
    (tmp_path / "leftover" / "x").write_text("x")

    _load().on_starting(None)

    assert list(tmp_path.iterdir()) == []


def test_child_exit_marks_the_worker_dead_and_keeps_its_counters(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    for name in ("gauge_livesum_4242.db", "counter_4242.db", "gauge_livesum_7.db"):
        (tmp_path / name).write_bytes(b"")

    _load().child_exit(None, SimpleNamespace(pid=4242))

    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter_4242.db", "gauge_livesum_7.db"]


def test_without_a_folder_it_makes_a_private_one_and_removes_it_on_exit(monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    try:
        conf = _load()
        made = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
        assert made.is_dir()
        assert made.name.startswith("funnels-metrics-")
        conf.on_exit(None)
        assert not made.exists()
    finally:
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)


def test_on_exit_leaves_a_folder_it_was_given(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    _load().on_exit(None)
    assert tmp_path.is_dir()
