"""Load generation with wrk (Debian's package) from a separate process: requests are
written as a Lua data file that bench/lua/rotate.lua sends in turn."""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

LUA_SCRIPT = Path(__file__).resolve().parent / "lua" / "rotate.lua"
USER_AGENT = "quizapp-bench/1"


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


def ensure_wrk() -> str:
    """wrk's path; installs Debian's package when it is missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit("wrk is not installed: run `sudo apt-get install -y wrk` (Debian).")
    print("wrk is not installed: installing Debian's package (apt-get install -y wrk)...")
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, check=False).returncode != 0:  # noqa: S603
        subprocess.run(["apt-get", "update", "-q"], check=True)  # noqa: S607
        subprocess.run(install, check=True)  # noqa: S603
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed; install it and run the bench again.")
    return found


def lua_string(text: str) -> str:
    """A Lua string literal; bytes outside printable ASCII become \\ddd escapes."""
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        if char in '"\\':
            out.append("\\" + char)
        elif 32 <= byte < 127:
            out.append(char)
        else:
            out.append(f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def write_lua_data(path: Path, requests: list[HttpRequest], expect: tuple[int, ...]) -> Path:
    lines = ["return {", f"  expect = {{{', '.join(str(s) for s in expect)}}},", "  requests = {"]
    for item in requests:
        headers = {"User-Agent": USER_AGENT, **item.headers}
        if item.body is not None:
            headers.setdefault("Content-Type", "application/json")
        header_items = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
        body = "nil" if item.body is None else lua_string(item.body)
        lines.append(
            f"    {{method = {lua_string(item.method)}, path = {lua_string(item.path)}, "
            f"headers = {{{header_items}}}, body = {body}}},"
        )
    lines += ["  },", "}", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="ascii")
    return path


def run_wrk(
    base_url: str,
    data_file: Path,
    *,
    duration: float,
    connections: int,
    threads: int = 1,
    timeout: float = 10.0,
) -> dict:
    """Runs wrk and returns the figures its done() printed, plus requests/s."""
    command = [
        ensure_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        f"--timeout={max(1, round(timeout))}s",
        "-s",
        str(LUA_SCRIPT),
        base_url,
        "--",
        str(data_file),
        str(threads),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            figures = json.loads(line[len("BENCH_JSON ") :])
            seconds = figures["duration_us"] / 1e6
            figures["rps"] = figures["requests"] / seconds if seconds else 0.0
            errors = figures["errors"]
            figures["error_count"] = (
                errors["connect"]
                + errors["read"]
                + errors["write"]
                + errors["timeout"]
                + figures["unexpected_status"]
            )
            return figures
    raise RuntimeError(f"wrk printed no figures:\n{done.stdout}\n{done.stderr}")


def run_wrk_on_nodes(base_urls: list[str], data_files: list[Path], **settings) -> dict:
    """wrk against every node at once (node i sends data_files[i]), the connections split
    between them as a load balancer would spread them; counts add up, and each latency
    percentile is the worst node's (percentiles of separate runs cannot be merged
    exactly: an upper bound)."""
    from concurrent.futures import ThreadPoolExecutor

    if len(base_urls) == 1:
        return run_wrk(base_urls[0], data_files[0], **settings)
    connections = settings.pop("connections")
    shares = [
        max(1, connections // len(base_urls) + (i < connections % len(base_urls)))
        for i in range(len(base_urls))
    ]
    with ThreadPoolExecutor(max_workers=len(base_urls)) as pool:
        runs = list(
            pool.map(
                lambda job: run_wrk(job[0], job[1], connections=job[2], **settings),
                zip(base_urls, data_files, shares, strict=True),
            )
        )
    merged = dict(runs[0])
    for key in ("requests", "rps", "error_count", "unexpected_status"):
        merged[key] = sum(run[key] for run in runs)
    merged["errors"] = {
        name: sum(run["errors"].get(name, 0) for run in runs) for name in runs[0]["errors"]
    }
    merged["latency_us"] = {
        name: max(run["latency_us"][name] for run in runs) for name in runs[0]["latency_us"]
    }
    merged["nodes"] = len(base_urls)
    return merged
