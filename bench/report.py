"""Turns raw measurements into figures (ratios to hello world, milliseconds), checks the
targets, and writes the table, bench-results/latest.json and the BENCHMARKS.md text."""

import json
from pathlib import Path

from bench.baseline import BEFORE, BEFORE_RUN

RSS_LIMIT_MB = 120.0
IMPORT_LIMIT_S = 3.0
# SQLite: no read may queue behind a writer lock or another read.
SQLITE_P99_LIMIT_MS = 250.0
TAIL_CONNECTIONS = 8
WIDE_CONNECTIONS = 32
# Each hot scenario at least this many times its req/s before issue #20.
SPEED_UP = 3.0
DB_TITLES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def ratio(rps: float, hello_rps: float | None) -> float | None:
    """Throughput as a fraction of hello world's, measured at the same concurrency."""
    if not hello_rps:
        return None
    return round(rps / hello_rps, 3)


def scenario_figures(wrk: dict, references: dict[str, float]) -> dict:
    """`references`: the hello world's and the floor's req/s at the same connections."""
    latency = wrk["latency_us"]
    if not wrk["requests"]:  # nothing finished in time: no latency to report
        latency = dict.fromkeys(("p50", "p95", "p99", "max"))
    return {
        "requests": wrk["requests"],
        "rps": round(wrk["rps"], 1),
        "ratio": ratio(wrk["rps"], references.get("hello")),
        "floor_ratio": ratio(wrk["rps"], references.get("floor")),
        **{
            f"{key}_ms": None if latency[key] is None else round(latency[key] / 1000, 2)
            for key in ("p50", "p95", "p99", "max")
        },
        "errors": wrk["error_count"],
        "status_errors": wrk["errors"]["status"],
        "unexpected_status": wrk["unexpected_status"],
    }


def _check(database: str, what: str, value, limit: float, higher_is_better: bool) -> dict:
    met = None if value is None else value >= limit if higher_is_better else value <= limit
    sign = "≥" if higher_is_better else "≤"
    return {
        "database": database,
        "what": what,
        "value": value,
        "limit": limit,
        "rule": f"{sign} {limit:g}",
        "met": met,
        "of_target": None
        if not value or not limit
        else round(value / limit if higher_is_better else limit / value, 3),
    }


def _is_met(figures: dict, target: dict) -> bool | None:
    value = figures.get(target["metric"])
    if value is None:
        return None
    return (
        value <= target["limit"] if target["metric"].endswith("_ms") else value >= target["limit"]
    )


def evaluate(run: dict) -> list[dict]:
    """Every target of every database, met or not, with the measured value."""
    checks = []
    for database, result in run["databases"].items():
        scenarios = result["scenarios"]
        for name, figures in scenarios.items():
            for target in figures.get("targets", []):
                unit = {"floor_ratio": " ×floor", "ratio": " ×hello"}.get(
                    target["metric"], " " + target["metric"].replace("_ms", " ms")
                )
                check = _check(
                    database,
                    f"{name}{unit}",
                    figures.get(target["metric"]),
                    target["limit"],
                    not target["metric"].endswith("_ms"),
                )
                if not figures.get("requests"):
                    check["met"] = False  # not one request finished within the run
                if figures.get("pool_wrapped"):
                    # Past its pool, wrk sent requests already answered: replays, cheaper
                    # than the writes the target is about.
                    check["what"] += " (pool used up: replays counted)"
                    check["met"] = False
                checks.append(check)
            before = BEFORE.get(database, {}).get(name)
            if before and "@" not in name:
                checks.append(
                    _check(
                        database,
                        f"{name} req/s vs before ({before:g})",
                        figures["rps"],
                        round(before * SPEED_UP, 1),
                        True,
                    )
                )
        if database == "sqlite":
            checks += _sqlite_tail_checks(scenarios)
        errors = sum(f["errors"] for f in scenarios.values())
        errors += sum(f.get("errors", 0) for f in result.get("references", {}).values())
        checks.append(_check(database, "errors (all runs)", errors, 0, False))
        if result.get("workers"):
            rss = max(worker["rss_mb"] for worker in result["workers"])
            checks.append(_check(database, "worker RSS MB", round(rss, 1), RSS_LIMIT_MB, False))
        if result.get("import"):
            seconds = result["import"]["seconds"] if result["import"]["ok"] else None
            checks.append(_check(database, "import 10k GIFT s", seconds, IMPORT_LIMIT_S, False))
    return checks


def _at(scenarios: dict, scenario: str, connections: int) -> dict | None:
    return next(
        (
            f
            for f in scenarios.values()
            if f.get("scenario") == scenario and f["connections"] == connections
        ),
        None,
    )


def _sqlite_tail_checks(scenarios: dict) -> list[dict]:
    """Every read: p99 at 8 connections within the limit, and no less throughput at 32
    connections than at 8 (a server that serialises reads loses throughput as it queues)."""
    checks = []
    reads = sorted({f["scenario"] for f in scenarios.values() if not f.get("writes")})
    for name in reads:
        at_8 = _at(scenarios, name, TAIL_CONNECTIONS)
        at_32 = _at(scenarios, name, WIDE_CONNECTIONS)
        if at_8 is not None:
            checks.append(
                _check("sqlite", f"{name} p99 ms at 8", at_8["p99_ms"], SQLITE_P99_LIMIT_MS, False)
            )
        if at_8 is not None and at_32 is not None:
            checks.append(
                _check(
                    "sqlite",
                    f"{name} req/s at 32 vs at 8 ({at_8['rps']:g})",
                    at_32["rps"],
                    at_8["rps"],
                    True,
                )
            )
    return checks


def _import_runs(imp: dict) -> str:
    runs = imp.get("runs_seconds") or [imp["seconds"]]  # a stored run from before the median
    if len(runs) == 1:
        return "one run"
    return f"median of {len(runs)} runs into empty courses ({', '.join(f'{s} s' for s in runs)})"


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


COLUMNS = (
    "scenario",
    "conns",
    "req/s",
    "×floor",
    "×hello",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "errors",
    "SQL/req",
    "before req/s",
    "target",
)


BEFORE_ALL = {
    (database, name): rps for database, rows in BEFORE.items() for name, rps in rows.items()
}


def _rows(database: str, result: dict) -> list[list[str]]:
    rows = []
    for name, f in result["scenarios"].items():
        targets = " ".join(("✓ " if _met(f, t) else "✗ ") + t["text"] for t in f.get("targets", []))
        rows.append(
            [
                name,
                str(f["connections"]),
                _fmt(f["rps"]),
                _fmt(f.get("floor_ratio"), 2),
                _fmt(f["ratio"], 2),
                _fmt(f["p50_ms"]),
                _fmt(f["p95_ms"]),
                _fmt(f["p99_ms"]),
                str(f["errors"]),
                _fmt(f.get("queries")),
                _fmt(BEFORE_ALL.get((database, name))),
                targets,
            ]
        )
    return rows


def _met(figures: dict, target: dict) -> bool:
    return bool(figures.get("requests")) and bool(_is_met(figures, target))


def _summary_lines(result: dict) -> list[str]:
    lines = []
    for key, figures in result.get("references", {}).items():
        name = "hello world" if key.startswith("hello") else "floor reference"
        lines.append(
            f"{name}: {_fmt(figures['rps'])} req/s at {figures['connections']} connections, "
            f"p95 {_fmt(figures['p95_ms'])} ms, p99 {_fmt(figures['p99_ms'])} ms"
        )
    for name, figures in result.get("scenarios", {}).items():
        if figures.get("pool_wrapped"):
            lines.append(
                f"{name}: its pool of {figures['pool']:,} distinct requests was used up "
                f"({figures['requests']:,} sent): the rest repeated writes already made"
            )
    if result.get("workers"):
        rss = ", ".join(
            f"{w['rss_mb']:.1f} MB (peak {w['peak_mb']:.1f})" for w in result["workers"]
        )
        lines.append(f"gunicorn worker RSS after the run: {rss}")
    if result.get("import"):
        imp = result["import"]
        lines.append(
            f"import of {imp['questions']:,} GIFT questions: {imp['seconds']} s, "
            + _import_runs(imp)
            + f" (of which CLI start-up ≈ {imp['cli_startup_seconds']} s)"
            + (
                f", after {imp['settled_seconds']} s waiting for autovacuum to finish"
                if imp.get("settled_seconds")
                else ""
            )
            + ("" if imp["ok"] else " FAILED")
        )
    lines.append(
        f"data load: {result.get('load_seconds')} s bulk insert, "
        f"{result.get('migrate_seconds')} s migrations, "
        f"{result.get('rebuild_seconds')} s `quizapp stats rebuild`"
        + (" and VACUUM ANALYZE" if str(result.get("url")).startswith("postgresql") else "")
    )
    return lines


def text_table(run: dict) -> str:
    out = []
    for database, result in run["databases"].items():
        out.append(f"== {DB_TITLES.get(database, database)} ==")
        rows = [list(COLUMNS), *_rows(database, result)]
        widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS) - 1)]
        for row in rows:
            cells = [
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                for i, cell in enumerate(row[:-1])
            ]
            out.append("  ".join(cells) + "  " + row[-1])
        out += [f"  {line}" for line in _summary_lines(result)]
        out.append("")
    out += growth_lines(run) + [""]
    missed = [c for c in run.get("checks", []) if c["met"] is False]
    out.append(
        f"targets: {sum(1 for c in run.get('checks', []) if c['met'])} met, {len(missed)} missed"
    )
    out += [
        f"  MISSED {DB_TITLES.get(c['database'], c['database'])}: {c['what']} = "
        f"{c['value']} (target {c['rule']})"
        for c in missed
    ]
    return "\n".join(out)


def markdown(run: dict) -> str:
    machine, data = run["machine"], run["dataset"]
    counts = data["counts"]
    lines = [
        "# Benchmarks",
        "",
        f"Latest run: {run['started_at']} · command: `{run['command']}` "
        f"({run['settings']['duration']} s per scenario, wrk -t{run['settings']['threads']}, "
        f"gunicorn {run['settings']['workers']} sync workers"
        + (
            f" split over {run['settings']['nodes']} nodes (one database, one Redis)"
            if run["settings"].get("nodes", 1) > 1
            else ""
        )
        + ", production config).",
        "",
        f"Machine: {machine['nproc']} CPUs ({machine['cpu']}), {machine['ram_gb']} GB RAM, "
        f"Python {machine['python']}, load average at start {machine['loadavg']}.",
        "",
        f"Data set: {counts['learners']:,} learners, {data['sizes']['courses']} courses, "
        f"{counts['questions']:,} questions, {counts['graded_answers']:,} graded answers "
        f"({counts['attempts']:,} attempts), {counts['cards']:,} cards, "
        f"{counts['review_logs']:,} review logs; generated in {data['build_seconds']} s.",
        "",
        "Throughput is compared, at the same number of connections, with two references "
        "served the same way: ×floor, a minimal Flask app with what any app with a login and "
        "a layout pays (session cookie, Flask-Login loading the user by primary key, CSRF, "
        "Babel, QuizApp's base layout with no content: bench/floor.py), and ×hello, a bare "
        "Flask hello world. "
        f"Before: req/s of {BEFORE_RUN}. Latency targets are measured with "
        f"{run['settings']['latency_connections']} connections (one request in flight per "
        "worker); the others with "
        f"{run['settings']['connections']}. Errors: non-2xx/3xx answers, unexpected "
        "redirects and socket errors. SQL/req: statements of one request, counted in-process.",
        "",
    ]
    for database, result in run["databases"].items():
        lines += [f"## {DB_TITLES.get(database, database)}", ""]
        lines.append("| " + " | ".join(COLUMNS) + " |")
        lines.append("|" + "---|" * len(COLUMNS))
        lines += ["| " + " | ".join(row) + " |" for row in _rows(database, result)]
        lines.append("")
        lines += [f"- {line}" for line in _summary_lines(result)]
        lines.append("")
    if run.get("growth"):
        lines += ["## Growth with the data set", "", *growth_lines(run), ""]
    lines += ["## Targets", ""]
    for check in run.get("checks", []):
        mark = {True: "met", False: "**missed**", None: "not measured"}[check["met"]]
        lines.append(
            f"- {DB_TITLES.get(check['database'], check['database'])} "
            f"{check['what']}: {check['value']} (target {check['rule']}) — {mark}"
        )
    lines.append("")
    lines += _profile_lines(run)
    return "\n".join(lines)


def _profile_lines(run: dict) -> list[str]:
    """Where the time of each scenario that missed a target goes (pyinstrument, in-process,
    one request after another): the app's own frames by cumulative share, SQL per request."""
    lines = []
    for database, result in run["databases"].items():
        for name, figures in result["scenarios"].items():
            profile = figures.get("profile")
            if not profile:
                continue
            if not lines:
                lines += ["## Profiles of the missed targets", ""]
            frames = ", ".join(
                f"{item['frame']} {item['share']:.0%}" for item in profile["app_cumulative"][:6]
            )
            lines.append(
                f"- {DB_TITLES.get(database, database)} {name}: "
                f"{figures.get('request_ms')} ms in-process, {figures.get('queries')} SQL "
                f"({figures.get('sql_ms')} ms); app frames: {frames}"
            )
    return lines + ([""] if lines else [])


PRESETS = ("small", "default", "large")


def cost_ms(figures: dict, workers: int) -> float | None:
    """Worker time per request: the workers' capacity divided by the requests served."""
    return round(workers * 1000 / figures["rps"], 2) if figures.get("rps") else None


def growth(run: dict, results_dir: Path) -> dict:
    """Per database and scenario, the cost per request in the last run of each size preset
    (bench-results/size-<preset>.json, this run included): how it grows with the data.
    Each cost is kept in worker ms and as ×floor of its own run, since separate runs meet
    different loads on a shared machine and only the ratio to their own floor compares."""
    runs = {}
    for preset in PRESETS:
        if preset == run.get("preset"):
            runs[preset] = run
            continue
        path = results_dir / f"size-{preset}.json"
        if path.exists():
            runs[preset] = json.loads(path.read_text(encoding="utf-8"))
    table: dict = {"runs": {p: r["started_at"] for p, r in runs.items()}, "databases": {}}
    for database in run["databases"]:
        rows = {}
        for name in run["databases"][database]["scenarios"]:
            if "@" in name:
                continue
            rows[name] = {}
            for preset, other in runs.items():
                figures = other.get("databases", {}).get(database, {}).get("scenarios", {})
                if name in figures:
                    rows[name][preset] = {
                        "ms": cost_ms(figures[name], other["settings"]["workers"]),
                        "floor_ratio": figures[name].get("floor_ratio"),
                    }
                    if figures[name].get("pool_wrapped"):
                        rows[name][preset]["pool_wrapped"] = True
        table["databases"][database] = rows
    return table


def growth_lines(run: dict) -> list[str]:
    table = run.get("growth")
    if not table:
        return []
    presets = [p for p in PRESETS if p in table["runs"]]
    lines = [
        "Cost per request by data-set size, as worker ms (workers / req/s) and ×floor of the "
        "same run: "
        + ", ".join(f"{p} = run of {table['runs'][p]}" for p in presets)
        + ". Growth: the ×floor of the smaller size over this one's (load-independent; "
        "1.00 = no growth). A write whose pool was used up repeated writes already made, "
        "cheaper ones: its growth compares different work.",
        "",
    ]
    header = ["database", "scenario", *presets]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for database, rows in table["databases"].items():
        for name, costs in rows.items():
            cells, previous = [], None
            for preset in presets:
                cost = costs.get(preset) or {}
                if not isinstance(cost, dict):  # a run written before ×floor was kept
                    cost = {"ms": cost}
                ratio = cost.get("floor_ratio")
                text = _fmt(cost.get("ms"), 2) + (f" ({ratio:.2f}×floor)" if ratio else "")
                if ratio and previous:
                    text += f", growth ×{previous / ratio:.2f}"
                if cost.get("pool_wrapped"):
                    text += ", pool used up (replays counted)"
                cells.append(text)
                previous = ratio or previous
            lines.append(
                f"| {DB_TITLES.get(database, database)} | {name} | " + " | ".join(cells) + " |"
            )
    return lines


def write(run: dict, results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    latest = results_dir / "latest.json"
    text = json.dumps(run, indent=2, ensure_ascii=False)
    latest.write_text(text, encoding="utf-8")
    if run.get("preset") in PRESETS:
        (results_dir / f"size-{run['preset']}.json").write_text(text, encoding="utf-8")
    (results_dir / "latest.md").write_text(markdown(run), encoding="utf-8")
    return latest
