"""Starting the app's server and Debian's chromium for the browser tests."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                    reason="Debian chromium not installed (/usr/bin/chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def runtime_python() -> str:
    """The Python of the environment `make run` makes from requirements.txt alone (ILP_RUNTIME_PYTHON,
    set by `make test`); the end-to-end tests serve the app from it, as users get it."""
    path = os.environ.get("ILP_RUNTIME_PYTHON")
    if not path:
        pytest.skip("ILP_RUNTIME_PYTHON is not set: run `make test`, which builds .venv-runtime from "
                    "requirements.txt alone")
    if not Path(path).exists():
        pytest.fail(f"ILP_RUNTIME_PYTHON={path} does not exist")
    return path


@contextmanager
def app_server(env: dict | None = None, python: str | None = None):
    """The app on a free loopback port, served by ``python`` (default: this interpreter); yields (url, process)."""
    port = free_port()
    process = subprocess.Popen(
        [python or sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true", "--server.address=127.0.0.1",
         f"--server.port={port}", "--browser.gatherUsageStats=false"],
        cwd=ROOT, stdout=open(os.environ.get("ILP_SERVER_LOG", os.devnull), "w") if os.environ.get("ILP_SERVER_LOG")
        else subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("the Streamlit server did not start within 60 s:\n" + process.stdout.read().decode()[-2000:])
    try:
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
