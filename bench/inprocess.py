"""In-process measurements, run as `python -m bench.inprocess SPEC OUT` with the server's
environment: SQL statements per request (a before_cursor_execute counter around one
Flask test-client request) and, for the scenarios asked for, a pyinstrument profile.

The session cookies and tokens of the spec work here too: same SECRET_KEY, same client
address (127.0.0.1) and User-Agent, same database."""

import json
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from bench.load import USER_AGENT
from bench.scenarios import uncached_settings

SLOWEST_SQL = 4
PROFILE_BUDGET_S = 6.0


class QueryCounter:
    """Counts statements (not the BEGIN the SQLite engine tuning emits) and times them."""

    def __init__(self, engine: sa.Engine):
        self.statements: list[tuple[float, str]] = []
        self._started: list[float] = []
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self._started.append(time.perf_counter())

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        elapsed = time.perf_counter() - self._started.pop()
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            self.statements.append((elapsed, statement))

    def reset(self) -> None:
        self.statements.clear()

    def repeated(self) -> list[dict]:
        """Statements sent more than twice in one request: the signature of an N+1."""
        counts: dict[str, int] = {}
        for _ms, sql in self.statements:
            key = " ".join(sql.split())[:160]
            counts[key] = counts.get(key, 0) + 1
        ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
        return [{"times": n, "sql": sql} for sql, n in ranked if n > 2]

    def slowest(self) -> list[dict]:
        ranked = sorted(self.statements, reverse=True)[:SLOWEST_SQL]
        return [
            {"ms": round(ms * 1000, 2), "sql": " ".join(sql.split())[:600]} for ms, sql in ranked
        ]


def _send(client, request: dict):
    headers = {"User-Agent": USER_AGENT, **request["headers"]}
    kwargs = {"method": request["method"], "headers": headers}
    if request.get("body") is not None:
        kwargs.update(data=request["body"], content_type="application/json")
    return client.open(request["path"], **kwargs)


def _top_frames(session, limit: int = 12) -> dict:
    """Self time per function over the whole tree, and cumulative time of the app's own
    functions (quizapp/ and templates/), each counted once per stack."""
    own: dict[str, float] = {}
    cumulative: dict[str, float] = {}

    def walk(frame, on_stack: frozenset) -> None:
        key = f"{frame.function} ({frame.file_path_short}:{frame.line_no})"
        if not frame.is_synthetic:
            own[key] = own.get(key, 0.0) + frame.total_self_time
            path = frame.file_path or ""
            if ("/quizapp/" in path or "/templates/" in path) and key not in on_stack:
                cumulative[key] = cumulative.get(key, 0.0) + frame.time
                on_stack = on_stack | {key}
        for child in frame.children:
            walk(child, on_stack)

    root = session.root_frame()
    if root is not None:
        walk(root, frozenset())
    total = root.time if root is not None else 0.0

    def top(table: dict[str, float]) -> list[dict]:
        ranked = sorted(table.items(), key=lambda item: item[1], reverse=True)[:limit]
        return [{"frame": key, "share": round(t / total, 3) if total else 0.0} for key, t in ranked]

    return {"total_s": round(total, 3), "self": top(own), "app_cumulative": top(cumulative)}


def _profile(client, requests: list[dict], out_dir: Path, name: str) -> dict:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    started, sent = time.perf_counter(), 0
    for request in requests:  # as many as fit in the time budget, at least one
        _send(client, request)
        sent += 1
        if time.perf_counter() - started > PROFILE_BUDGET_S:
            break
    profiler.stop()
    out_dir.mkdir(parents=True, exist_ok=True)
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    (out_dir / f"{name}.txt").write_text(text, encoding="utf-8")
    figures = _top_frames(profiler.last_session)
    figures["requests"] = sent
    figures["file"] = str(out_dir / f"{name}.txt")
    return figures


def measure(spec: dict) -> dict:
    from quizapp import create_app
    from quizapp.extensions import db

    app = create_app()
    with app.app_context():
        counter = QueryCounter(db.engine)
    client = app.test_client(use_cookies=False)
    results = {}
    served = {name: app.config[name] for name in uncached_settings()}
    for scenario in spec["scenarios"]:
        # As served: the uncached scenarios ran on a server with the dashboard caches off.
        app.config.update(uncached_settings() if scenario.get("uncached") else served)
        probes = scenario["probes"]
        _send(client, probes[1])  # warm: templates compiled, caches filled
        counter.reset()
        started = time.perf_counter()
        response = _send(client, probes[2])
        elapsed = time.perf_counter() - started
        results[scenario["name"]] = {
            "status": response.status_code,
            "queries": len(counter.statements),
            "sql_ms": round(sum(ms for ms, _ in counter.statements) * 1000, 2),
            "request_ms": round(elapsed * 1000, 2),
            "slowest_sql": counter.slowest(),
            "repeated_sql": counter.repeated(),
        }
        if scenario.get("profile"):
            results[scenario["name"]]["profile"] = _profile(
                client, probes[3:], Path(spec["profile_dir"]), f"{spec['label']}-{scenario['name']}"
            )
    if spec.get("import_profile"):
        results["import"] = {"profile": _profile_import(app, spec)}
    return results


def _profile_import(app, spec: dict) -> dict:
    """The import command itself (click's runner: the same code as the console script)."""
    from pyinstrument import Profiler

    job = spec["import_profile"]
    args = [
        "questions",
        "import",
        job["file"],
        "--course",
        job["course"],
        "--lesson",
        "1",
        "--format",
        "gift",
    ]
    profiler = Profiler(interval=0.001)
    profiler.start()
    app.test_cli_runner().invoke(args=args)
    profiler.stop()
    out = Path(spec["profile_dir"]) / f"{spec['label']}-import.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(profiler.output_text(unicode=False, color=False), encoding="utf-8")
    figures = _top_frames(profiler.last_session)
    figures["file"] = str(out)
    return figures


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    Path(argv[1]).write_text(json.dumps(measure(spec), indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
