"""`python -m bench.ab` end to end on the small data set: the floor reference is served in
the same rounds and every scenario gets its in-process ×floor; a profile names the app's
functions."""

import re
import subprocess
import sys

from bench import REPO_DIR


def test_ab_reports_floor_ratios_and_a_profile():
    done = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "bench.ab",
            "--small",
            "--floor",
            "--rounds",
            "1",
            "--requests",
            "2",
            "--scenario",
            "lesson",
            "--scenario",
            "due_queue_api",
            "--profile",
            "lesson",
            "--profile-requests",
            "5",
        ],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    floor = re.search(r"floor reference .*: ([0-9.]+) ms CPU per request", done.stdout)
    assert floor
    assert float(floor.group(1)) > 0
    rows = {
        line.split("|")[1].strip(): line
        for line in done.stdout.splitlines()
        if line.startswith("| ")
    }
    for name in ("lesson", "due_queue_api"):
        cells = [cell.strip() for cell in rows[name].split("|")[1:-1]]
        assert 0 < float(cells[8]) < 5, rows[name]  # after ×floor
        assert cells[9] == "0"  # no errors
    assert "5 requests" in done.stdout
    assert "learn/views.py" in done.stdout
