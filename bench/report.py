"""Turns raw measurements into figures (ratios to hello world, milliseconds), checks the
targets, and writes the table, bench-results/latest.json and the BENCHMARKS.md text."""

import json
from pathlib import Path

RSS_LIMIT_MB = 120.0
IMPORT_LIMIT_S = 3.0
DB_TITLES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def ratio(rps: float, hello_rps: float | None) -> float | None:
    """Throughput as a fraction of hello world's, measured at the same concurrency."""
    if not hello_rps:
        return None
    return round(rps / hello_rps, 3)


def scenario_figures(wrk: dict, hello_rps: float | None) -> dict:
    latency = wrk["latency_us"]
    if not wrk["requests"]:  # nothing finished in time: no latency to report
        latency = dict.fromkeys(("p50", "p95", "p99", "max"))
    return {
        "requests": wrk["requests"],
        "rps": round(wrk["rps"], 1),
        "ratio": ratio(wrk["rps"], hello_rps),
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


def evaluate(run: dict) -> list[dict]:
    """Every target of every database, met or not, with the measured value."""
    checks = []
    for database, result in run["databases"].items():
        for name, figures in result["scenarios"].items():
            for target in figures.get("targets", []):
                unit = " ×hello" if target["metric"] == "ratio" else " p95 ms"
                check = _check(
                    database,
                    f"{name}{unit}",
                    figures.get(target["metric"]),
                    target["limit"],
                    target["metric"] == "ratio",
                )
                if not figures.get("requests"):
                    check["met"] = False  # not one request finished within the run
                checks.append(check)
        errors = sum(f["errors"] for f in result["scenarios"].values())
        errors += sum(result.get(h, {}).get("errors", 0) for h in ("hello", "hello_c2"))
        checks.append(_check(database, "errors (all runs)", errors, 0, False))
        if result.get("workers"):
            rss = max(worker["rss_mb"] for worker in result["workers"])
            checks.append(_check(database, "worker RSS MB", round(rss, 1), RSS_LIMIT_MB, False))
        if result.get("import"):
            seconds = result["import"]["seconds"] if result["import"]["ok"] else None
            checks.append(_check(database, "import 10k GIFT s", seconds, IMPORT_LIMIT_S, False))
    return checks


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
    "×hello",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "errors",
    "SQL/req",
    "target",
)


def _rows(result: dict) -> list[list[str]]:
    rows = []
    for name, f in result["scenarios"].items():
        targets = " ".join(("✓ " if _met(f, t) else "✗ ") + t["text"] for t in f.get("targets", []))
        rows.append(
            [
                name,
                str(f["connections"]),
                _fmt(f["rps"]),
                _fmt(f["ratio"], 2),
                _fmt(f["p50_ms"]),
                _fmt(f["p95_ms"]),
                _fmt(f["p99_ms"]),
                str(f["errors"]),
                _fmt(f.get("queries")),
                targets,
            ]
        )
    return rows


def _met(figures: dict, target: dict) -> bool:
    value = figures.get(target["metric"]) if figures.get("requests") else None
    if value is None:
        return False
    return value >= target["limit"] if target["metric"] == "ratio" else value <= target["limit"]


def _summary_lines(result: dict) -> list[str]:
    lines = []
    for key in ("hello", "hello_c2"):
        if key in result:
            lines.append(
                f"hello world: {_fmt(result[key]['rps'])} req/s at "
                f"{result[key]['connections']} connections, p95 "
                f"{_fmt(result[key]['p95_ms'])} ms"
            )
    if result.get("workers"):
        rss = ", ".join(
            f"{w['rss_mb']:.1f} MB (peak {w['peak_mb']:.1f})" for w in result["workers"]
        )
        lines.append(f"gunicorn worker RSS after the run: {rss}")
    if result.get("import"):
        imp = result["import"]
        lines.append(
            f"import of {imp['questions']:,} GIFT questions: {imp['seconds']} s "
            f"(of which CLI start-up ≈ {imp['cli_startup_seconds']} s)"
            + ("" if imp["ok"] else " FAILED")
        )
    lines.append(
        f"data load: {result.get('load_seconds')} s bulk insert, "
        f"{result.get('migrate_seconds')} s migrations"
    )
    return lines


def text_table(run: dict) -> str:
    out = []
    for database, result in run["databases"].items():
        out.append(f"== {DB_TITLES.get(database, database)} ==")
        rows = [list(COLUMNS), *_rows(result)]
        widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS) - 1)]
        for row in rows:
            cells = [
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                for i, cell in enumerate(row[:-1])
            ]
            out.append("  ".join(cells) + "  " + row[-1])
        out += [f"  {line}" for line in _summary_lines(result)]
        out.append("")
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
        f"gunicorn {run['settings']['workers']} sync workers, production config).",
        "",
        f"Machine: {machine['nproc']} CPUs ({machine['cpu']}), {machine['ram_gb']} GB RAM, "
        f"Python {machine['python']}, load average at start {machine['loadavg']}.",
        "",
        f"Data set: {counts['learners']:,} learners, {data['sizes']['courses']} courses, "
        f"{counts['questions']:,} questions, {counts['graded_answers']:,} graded answers "
        f"({counts['attempts']:,} attempts), {counts['cards']:,} cards, "
        f"{counts['review_logs']:,} review logs; generated in {data['build_seconds']} s.",
        "",
        "Throughput is compared with a bare Flask hello world served the same way, at the "
        "same number of connections (×hello). Latency targets are measured with "
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
        lines += ["| " + " | ".join(row) + " |" for row in _rows(result)]
        lines.append("")
        lines += [f"- {line}" for line in _summary_lines(result)]
        lines.append("")
    lines += ["## Targets", ""]
    for check in run.get("checks", []):
        mark = {True: "met", False: "**missed**", None: "not measured"}[check["met"]]
        lines.append(
            f"- {DB_TITLES.get(check['database'], check['database'])} "
            f"{check['what']}: {check['value']} (target {check['rule']}) — {mark}"
        )
    lines.append("")
    return "\n".join(lines)


def write(run: dict, results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    latest = results_dir / "latest.json"
    latest.write_text(json.dumps(run, indent=2, ensure_ascii=False), encoding="utf-8")
    (results_dir / "latest.md").write_text(markdown(run), encoding="utf-8")
    return latest
