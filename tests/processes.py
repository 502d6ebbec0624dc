"""Helpers for the tests that run the app in a real server process."""

import subprocess


def stop_process(process: subprocess.Popen, timeout: float = 15) -> None:
    """Ask the server to stop, and kill it if it has not within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
