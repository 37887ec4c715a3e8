"""How long a user waits for the first figure: a cold server, then a new browser session on it.

Starts ``streamlit run app.py`` as `make run` does (the Python of ``.venv-runtime`` when it
exists, the project's ``.streamlit/config.toml``), opens Debian's chromium on the Amputation page
of the bundled sample and times until the figure is drawn: from the launch of the server (cold),
and from opening a new tab on the same server (warm). The first launch meets a browser that has
never opened the app; the later ones, on the same port, a browser that has (its cache holds
Streamlit's JavaScript), as on a clinician's machine the second day. Best and worst of ``--repeats``.

Run: make bench   (or .venv/bin/python benchmarks/bench_first_figure.py [--repeats 3])
"""
from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FIGURE = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg.marks'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(url: str, process, limit: float = 120) -> None:
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server stopped: " + process.stdout.read().decode()[-1000:])
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the server did not answer within 120 s")


def figure_seconds(browser, url: str, start: float) -> float:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(f"{url}/amputation")
    page.wait_for_selector(FIGURE, state="visible", timeout=120_000)
    seconds = time.perf_counter() - start
    page.close()
    return seconds


def one_launch(browser, python: str, port: int) -> tuple[float, float]:
    url = f"http://127.0.0.1:{port}"
    start = time.perf_counter()
    process = subprocess.Popen([python, "-m", "streamlit", "run", "app.py", "--server.headless=true",
                                "--server.address=127.0.0.1", f"--server.port={port}",
                                "--browser.gatherUsageStats=false"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    try:
        wait_for_server(url, process)
        cold = figure_seconds(browser, url, start)
        warm = figure_seconds(browser, url, time.perf_counter())
    finally:
        process.terminate()
        process.wait(timeout=10)
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print("first figure: skipped (Debian chromium is not installed: apt-get install chromium)")
        return
    from playwright.sync_api import sync_playwright
    runtime = ROOT / ".venv-runtime" / "bin" / "python"
    python = str(runtime) if runtime.exists() else sys.executable
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        port = free_port()
        first_visit, _ = one_launch(browser, python, port)
        runs = [one_launch(browser, python, port) for _ in range(args.repeats)]
        browser.close()
    cold, warm = zip(*runs)
    print(f"first figure (Amputation, sample; server from {Path(python).parent.parent.name}): cold server "
          f"{min(cold):.1f}-{max(cold):.1f} s after launch ({first_visit:.1f} s for a browser's first visit); "
          f"a new session on a warm server {min(warm):.1f}-{max(warm):.1f} s ({args.repeats} launches)")


if __name__ == "__main__":
    main()
