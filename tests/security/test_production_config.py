"""The production config refuses per-process rate-limit storage: with `memory://` each
gunicorn worker would count logins on its own, multiplying every limit by the workers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import ProductionConfig
from quizapp import create_app

PROJECT_DIR = Path(__file__).resolve().parents[2]
SECRET = "a-production-secret-key-of-decent-length"  # noqa: S105  (test value)


def test_production_refuses_memory_rate_limit_storage(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", SECRET)
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        create_app("production")


def test_production_starts_with_shared_rate_limit_storage(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", SECRET)
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    app = create_app("production")
    assert app.config["RATELIMIT_STORAGE_URI"].startswith("redis://")


def _start_production(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """create_app("production") in a fresh interpreter, configured by the environment only
    (as gunicorn would start it), so the path from REDIS_URL to the setting is tested too."""
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "QUIZAPP_CONFIG"}}
    clean.update(DATABASE_URL=f"sqlite:///{tmp_path / 'prod.db'}", SECRET_KEY=SECRET, **env)
    return subprocess.run(  # noqa: S603  (this interpreter, fixed arguments)
        [sys.executable, "-c", "from quizapp import create_app; create_app('production')"],
        env=clean,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_without_redis_url_in_the_environment_does_not_start(tmp_path):
    done = _start_production(tmp_path)
    assert done.returncode != 0
    assert "RuntimeError" in done.stderr
    assert "REDIS_URL" in done.stderr


def test_production_with_redis_url_in_the_environment_starts(tmp_path):
    done = _start_production(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")
    assert done.returncode == 0, done.stderr
