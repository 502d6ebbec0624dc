"""Serving under test: gunicorn with the same settings for QuizApp and the hello world
(2 sync workers on 127.0.0.1), and the workers' memory read from /proc."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from bench import REPO_DIR, VENV_BIN

WORKERS = 2
QUIZAPP = "quizapp:create_app()"
HELLO = "bench.hello:app"
FLOOR = "bench.floor:app"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_environment(database_url: str, secret_key: str) -> dict[str, str]:
    """Production configuration, with the rate limiter on the machine's Redis as in
    production. Rate limits are raised so that the load tool, one client address sending
    thousands of requests, measures the pages and not the limiter."""
    return {
        **os.environ,
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15",
        "QUIZAPP_CONFIG": "production",
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "LOGIN_RATE_LIMIT": "100000 per minute",
        "API_RATE_LIMIT": "10000000 per minute",
    }


class Gunicorn:
    def __init__(self, app: str, env: dict[str, str], log: Path, workers: int = WORKERS):
        self.app, self.env, self.log, self.workers = app, env, log, workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Gunicorn":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            str(VENV_BIN / "gunicorn"),
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            self.app,
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                command, cwd=REPO_DIR, env=self.env, stdout=log, stderr=log
            )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5):  # noqa: S310
                    pass
                if len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {self.log}")

    def worker_pids(self) -> list[int]:
        master = self.process.pid
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The parent pid is the 2nd field after the ")" that closes the command name.
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
        return sorted(pids)

    def worker_memory(self) -> list[dict[str, float]]:
        """VmRSS (now) and VmHWM (peak) of each worker, in MB."""
        figures = []
        for pid in self.worker_pids():
            fields = {}
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    fields[key] = int(value.split()[0]) / 1024
            figures.append(
                {
                    "pid": pid,
                    "rss_mb": fields.get("VmRSS", 0.0),
                    "peak_mb": fields.get("VmHWM", 0.0),
                }
            )
        return figures

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Nodes:
    """`count` QuizApp nodes (gunicorn instances on their own ports, one database, one
    Redis) sharing the same number of workers as one node would have, so the figures
    compare: the load is split between them as a load balancer would."""

    def __init__(self, app: str, env: dict[str, str], log: Path, count: int = 1):
        per_node = max(1, WORKERS // count)
        self.servers = [
            Gunicorn(app, env, log.with_name(f"{log.stem}-node{i + 1}{log.suffix}"), per_node)
            if count > 1
            else Gunicorn(app, env, log)
            for i in range(count)
        ]

    @property
    def url(self) -> str:
        return self.servers[0].url

    @property
    def urls(self) -> list[str]:
        return [server.url for server in self.servers]

    @property
    def workers(self) -> int:
        return sum(server.workers for server in self.servers)

    def worker_memory(self) -> list[dict[str, float]]:
        return [figures for server in self.servers for figures in server.worker_memory()]

    def __enter__(self) -> "Nodes":
        started = []
        try:
            for server in self.servers:
                started.append(server.__enter__())
        except BaseException:
            for server in started:
                server.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        for server in self.servers:
            server.__exit__(*exc)
