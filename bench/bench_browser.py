"""In Debian's Chromium: cold start to the first map, and what a weight change costs (time and websocket bytes).

Starts its own server on a free port with a fresh database. Prints medians and p90s.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CELLS = "[...document.querySelectorAll('[role=gridcell]')].slice(0, 14).map(c => c.textContent).join('|')"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def p90(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(0.9 * len(values)))]


def main(moves: int = 30) -> None:
    port = free_port()
    env = {
        **os.environ,
        "SAMMANHALLEN_DB": str(Path(tempfile.mkdtemp()) / "b.duckdb"),
        "SAMMANHALLEN_OFFICIAL_DIR": str(Path(tempfile.mkdtemp()) / "official"),
    }
    subprocess.run([sys.executable, "-m", "lib.cli", "build-db"], cwd=ROOT, env=env, check=True, capture_output=True)
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(url + "/map")
            page.locator("[data-testid='stDeckGlJsonChart'] canvas").first.wait_for(timeout=60_000)
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
            cold = time.perf_counter() - started
            print(f"{'cold start (server start → first map drawn)':52} {cold * 1000:10.0f} ms")

            received: list[int] = []
            page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(len(payload))))
            page.goto(url + "/index_weights")
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
            page.wait_for_function(f"() => {CELLS}.length > 0", timeout=60_000)
            slider = page.get_by_role("slider", name="Försörjning")
            latencies, sizes = [], []
            for i in range(moves):
                before = page.evaluate(f"() => {CELLS}")
                received.clear()
                slider.focus()
                start = time.perf_counter()
                page.keyboard.press("End" if i % 2 == 0 else "Home")
                page.wait_for_function(f"b => {CELLS} !== b", arg=before, timeout=30_000)
                latencies.append((time.perf_counter() - start) * 1000)
                page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000)
                page.wait_for_timeout(300)
                sizes.append(sum(received) / 1024)
            print(
                f"{'weight change → ranking redrawn (' + str(moves) + ' moves)':52} "
                f"{statistics.median(latencies):10.0f} ms median, {p90(latencies):.0f} ms p90"
            )
            print(
                f"{'bytes to the browser per weight change':52} {statistics.median(sizes):10.1f} KB median, "
                f"{p90(sizes):.1f} KB p90 ({statistics.median(sizes):.0f}× the ~1 KB that 117 colours need)"
            )
            browser.close()
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
