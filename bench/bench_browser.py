"""In Debian's Chromium: cold start to the first map, and what a weight change costs (time and websocket bytes).

Starts its own server on a free port with a fresh database. Prints medians and p90s.

"Map repainted" is read from the screen, not from the DOM: Chromium's screencast sends a picture each time
the compositor draws a new frame, and a move counts as repainted at the first frame whose map area shows the
final colours. That is what a person in the room sees, including deck.gl's WebGL drawing.
"""

from __future__ import annotations

import base64
import contextlib
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
from PIL import Image
from playwright.sync_api import Page, TimeoutError, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
RUNNING = "[data-testid='stApp'][data-test-script-state='running']"
CANVAS = "[data-testid='stDeckGlJsonChart'] canvas"
CELLS = "[...document.querySelectorAll('[role=gridcell]')].slice(0, 14).map(c => c.textContent).join('|')"
VISITS = int(os.environ.get("BENCH_VISITS", "7"))  # new visitors per server, in turn with the floor's
COLD_STARTS = int(os.environ.get("BENCH_COLD_STARTS", "5"))  # per server, alternating app and floor
COLOURS_KB = 1.0  # 117 fill colours as RGB hex strings: the least any map update could send


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


AREAS = ("Försörjning", "Hälsa", "Säkerhet och trygghet", "Sociala risker")
DESO_AREAS = ("Försörjning", "Sociala risker")  # the areas with real data at DeSO level


def weight_walk(moves: int, names: tuple[str, ...] = AREAS) -> list[tuple[str, str]]:
    """Slider moves (slider, key) that never return to an earlier set of weight shares, so no rerun can be
    answered from the browser's message cache: one step at a time, each slider to an end and on to the next."""
    ratings = [5] * len(names)
    seen = {tuple(round(1 / len(names), 6) for _ in names)}
    walk: list[tuple[str, str]] = []
    half = len(names) // 2
    plan = [(i, 1 if i < half or len(names) == 2 and i == 0 else -1) for i in range(len(names))]
    plan = (plan + [(i, -step) for i, step in plan]) * 6
    for slider, step in plan:
        while len(walk) < moves and 0 <= ratings[slider] + step <= 10:
            trial = ratings.copy()
            trial[slider] += step
            shares = tuple(round(r / sum(trial), 6) for r in trial) if sum(trial) else None
            if shares is None or shares in seen:
                break
            seen.add(shares)
            ratings = trial
            walk.append((names[slider], "ArrowRight" if step > 0 else "ArrowLeft"))
    return walk


def share_walk(moves: int, names: tuple[str, ...], seconds: float = 2.0) -> list[tuple[str, str]]:
    """Like `weight_walk` for few sliders (two at DeSO level, where one long sweep soon repeats a share): a
    depth-first search, for at most `seconds`, for the longest run of single steps that never revisits a set of
    weight shares."""
    start = (5,) * len(names)

    def shares(ratings: tuple[int, ...]) -> tuple[float, ...]:
        return tuple(round(r / sum(ratings), 6) for r in ratings)

    best: list[tuple[int, int]] = []
    path: list[tuple[int, int]] = []
    seen = {shares(start)}
    deadline = time.perf_counter() + seconds

    def extend(state: tuple[int, ...]) -> bool:
        nonlocal best
        if len(path) > len(best):
            best = list(path)
        if len(best) >= moves or time.perf_counter() > deadline:
            return True
        for slider in range(len(names)):
            for step in (1, -1):
                trial = list(state)
                trial[slider] += step
                if not 0 <= trial[slider] <= 10 or sum(trial) == 0 or shares(tuple(trial)) in seen:
                    continue
                seen.add(shares(tuple(trial)))
                path.append((slider, step))
                if extend(tuple(trial)):
                    return True
                path.pop()
                seen.discard(shares(tuple(trial)))
        return False

    extend(start)
    return [(names[slider], "ArrowRight" if step > 0 else "ArrowLeft") for slider, step in best]


def p90(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(0.9 * len(values)))]


def row(label: str, values: list[float], unit: str, decimals: int = 0, extra: str = "") -> None:
    print(
        f"{label:52} {statistics.median(values):10.{decimals}f} {unit} median, "
        f"{p90(values):.{decimals}f} {unit} p90{extra}"
    )


class Screencast:
    """Frames from Chromium's screencast, each with the time the compositor produced it (epoch seconds)."""

    def __init__(self, page: Page) -> None:
        self.frames: list[tuple[float, bytes]] = []
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.on("Page.screencastFrame", self._frame)
        self.cdp.send("Page.startScreencast", {"format": "png", "everyNthFrame": 1})

    def _frame(self, event: dict) -> None:
        self.frames.append((event["metadata"]["timestamp"], base64.b64decode(event["data"])))
        self.cdp.send("Page.screencastFrameAck", {"sessionId": event["sessionId"]})

    def stop(self) -> None:
        self.cdp.send("Page.stopScreencast")


def crop(png: bytes, box: tuple[int, int, int, int]) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB").crop(box), dtype=np.int16)


def changed_pixels(a: np.ndarray, b: np.ndarray) -> int:
    """Pixels that differ visibly (a class colour, not antialiasing noise)."""
    return int((np.abs(a - b).max(axis=2) > 40).sum())


def start_server(
    env: dict[str, str], port: int, script: str = "app.py", extra: tuple[str, ...] = ()
) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_healthy(url: str) -> None:
    while True:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            return
        except OSError:
            time.sleep(0.05)


def first_map(page: Page, url: str, path: str = "/map") -> tuple[float, float]:
    """Open a map page; seconds until the title and until the map is drawn on its canvas."""
    start = time.perf_counter()
    page.goto(url + path)
    page.locator("h1").first.wait_for(timeout=60_000)
    title = time.perf_counter() - start
    page.locator(CANVAS).first.wait_for(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    painted(page)
    return title, time.perf_counter() - start


def painted(page: Page, share: float = 0.05, limit_s: float = 60.0) -> None:
    """Wait until the map's canvas shows the map: at least `share` of its pixels coloured, not the page's white.
    The canvas exists, and the script is idle, before deck.gl's first drawing (its shaders compiled in SwiftShader,
    1–2 s): read from those alone, the first map was "there" at a blank canvas whenever the check ran before the
    drawing began. A screenshot waits for the compositor's next frame, so it comes after a drawing in progress."""
    box = page.locator(CANVAS).first.bounding_box()
    clip = {"x": box["x"], "y": box["y"], "width": box["width"], "height": min(box["height"], 720 - box["y"])}
    deadline = time.time() + limit_s
    while time.time() < deadline:
        pixels = np.asarray(Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB"))
        if (pixels.min(axis=2) < 235).mean() >= share:
            return
        page.wait_for_timeout(50)
    raise TimeoutError("the map's canvas stayed blank")


def settle(page: Page, cast: Screencast, quiet_ms: int = 700, limit_s: float = 20.0) -> None:
    """Wait until the move's rerun has started and finished and the screen has stopped changing: the script is idle
    and no frame has come for `quiet_ms`. A fixed wait after the rerun (as before) read a repaint that came later
    than that, on a busy machine, as a move that changed nothing, and dropped it from the figures."""
    with contextlib.suppress(TimeoutError):  # the rerun has started (a fast one may be over before this looks)
        page.wait_for_selector(RUNNING, timeout=3_000)
    page.wait_for_selector(IDLE, timeout=30_000)
    deadline = time.time() + limit_s
    while time.time() < deadline:
        last = cast.frames[-1][0] if cast.frames else 0.0
        if time.time() - last >= quiet_ms / 1000 and page.locator(IDLE).count():
            return
        page.wait_for_timeout(100)


class Repaints:
    """A page with its map shown, timing slider moves one at a time (so the app's and the floor's can take turns):
    ms from the key press until the map shows its new colours, and KB the browser received per move."""

    def __init__(self, page: Page, url: str, slider: str, received: list[int], path: str) -> None:
        page.goto(url + path)
        page.wait_for_selector(IDLE, timeout=60_000)
        page.locator(CANVAS).first.wait_for(timeout=60_000)
        # On a busy machine the page can still be redrawing (a rerun after the URL is written) when the map shows.
        page.get_by_role("slider", name=slider).wait_for(timeout=180_000)
        page.wait_for_selector(IDLE, timeout=60_000)
        page.get_by_role("slider", name=slider).scroll_into_view_if_needed(timeout=60_000)
        page.mouse.wheel(0, 250)
        page.wait_for_timeout(1500)
        box = page.locator(CANVAS).first.bounding_box()
        right, bottom = box["x"] + box["width"], min(box["y"] + box["height"], 719)
        self.area = (int(box["x"]), int(box["y"]), int(right), int(bottom))
        self.page, self.received, self.cast = page, received, Screencast(page)
        self.latencies: list[float] = []
        self.sizes: list[float] = []

    def move(self, name: str, key: str) -> None:
        page, cast = self.page, self.cast
        page.wait_for_timeout(400)
        baseline = crop(cast.frames[-1][1], self.area) if cast.frames else None
        page.get_by_role("slider", name=name).focus()
        cast.frames.clear()
        self.received.clear()
        pressed = time.time()
        page.keyboard.press(key)
        settle(page, cast)
        self.sizes.append(sum(self.received) / 1024)
        if baseline is None or not cast.frames:
            return
        final = crop(cast.frames[-1][1], self.area)
        if changed_pixels(final, baseline) < 50:
            return  # the move did not change any colour class
        for stamp, png in cast.frames:
            if changed_pixels(crop(png, self.area), final) < 10:
                self.latencies.append((stamp - pressed) * 1000)
                return

    def stop(self) -> None:
        self.cast.stop()


def repaints_in_turn(
    app: tuple[Page, str, str], floor_page: Page, floor_url: str, walk: list[tuple[str, str]], received: list[int]
) -> tuple[list[float], list[float], list[float]]:
    """Slider moves on the app's map page (`app`: page, url, path) and on the floor page, one each in turn, so both
    meet the same spells of a shared machine's load (the floor's moves used to come a minute before the app's):
    the app's ms and KB per move, the floor's ms."""
    page, url, path = app
    ours = Repaints(page, url, walk[0][0], received, path)
    bare = Repaints(floor_page, floor_url, "Vikt", [], "/")
    try:
        for name, key in walk:
            ours.move(name, key)
            bare.move("Vikt", "ArrowRight")
    finally:
        ours.stop()
        bare.stop()
    return ours.latencies, ours.sizes, bare.latencies


def ranking_redraws(page: Page, url: str, moves: int) -> list[float]:
    """Move the slider with the ranking table shown; ms until the table's first rows change."""
    page.goto(url + "/index_weights")
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_function(f"() => {CELLS}.length > 0", timeout=60_000)
    latencies = []
    for name, key in weight_walk(moves):
        before = page.evaluate(f"() => {CELLS}")
        page.get_by_role("slider", name=name).focus()
        start = time.perf_counter()
        page.keyboard.press(key)
        try:
            page.wait_for_function(f"b => {CELLS} !== b", arg=before, timeout=5_000)
        except TimeoutError:
            continue  # a one-step move need not change the first rows
        latencies.append((time.perf_counter() - start) * 1000)
        page.wait_for_selector(IDLE, timeout=30_000)
        page.wait_for_timeout(300)
    return latencies


def new_visitors(browser, url: str, path: str = "/map", visits: int = 1) -> list[tuple[float, float]]:
    """(page opened → title, → map drawn) in seconds for `visits` new visitors, each in a fresh browser context."""
    found = []
    for _ in range(visits):
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        found.append(first_map(context.new_page(), url, path))
        context.close()
    return found


def visitors_in_turn(
    browser, url: str, env: dict[str, str], visits: int
) -> tuple[list[tuple[float, float]], list[float]]:
    """New visitors on the app's warm server and on a warm floor server, in turn: (title, map) seconds for the app's,
    ms to the map for the floor's. Taken in turn so that both meet the same spells of a shared machine's load (the
    floor's visits used to come a minute after the app's, and a busy minute decided the ratio)."""
    port = free_port()
    floor_url = f"http://127.0.0.1:{port}"
    server = start_server(env, port, "bench/floor_app.py")
    try:
        wait_healthy(floor_url)
        new_visitors(browser, floor_url, "/")  # its first session, as the app's server has had one
        app, floor_ms = [], []
        for _ in range(visits):
            app += new_visitors(browser, url)
            floor_ms += [drawn * 1000 for _, drawn in new_visitors(browser, floor_url, "/")]
        return app, floor_ms
    finally:
        server.terminate()
        server.wait(10)


@contextlib.contextmanager
def serving(browser, env: dict[str, str], script: str = "app.py", path: str = "/map"):
    """A fresh server for `script` and its first visitor's map at `path`: yields (seconds from starting the server
    until that map is drawn, the server's url, the visitor's page) while the server runs."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = start_server(env, port, script)
    try:
        wait_healthy(url)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        try:
            first_map(page, url, path)
            yield time.perf_counter() - started, url, page
        finally:
            page.close()
    finally:
        server.terminate()
        server.wait(10)


def cold_start(browser, env: dict[str, str], script: str = "app.py", path: str = "/map") -> float:
    """Seconds from starting a server for `script` until a first visitor's map is drawn (the server is stopped
    after)."""
    with serving(browser, env, script, path) as (seconds, _, _):
        return seconds


def floor_server(browser, env: dict[str, str], geo: str = "stadsdelar"):
    """bench/floor_app.py — Streamlit, deck.gl and the browser with no app code around them (`geo`: "stadsdelar" or
    "deso" polygons): yields (seconds of its cold start, its url, a page with its map) while the server runs."""
    return serving(browser, {**env, "FLOOR_GEO": geo}, "bench/floor_app.py", "/")


def main(moves: int = int(os.environ.get("BENCH_MOVES", "30"))) -> None:
    port = free_port()
    env = {
        **os.environ,
        "SAMMANHALLEN_DB": str(Path(tempfile.mkdtemp()) / "b.duckdb"),
        "SAMMANHALLEN_OFFICIAL_DIR": str(Path(tempfile.mkdtemp()) / "official"),
    }
    subprocess.run([sys.executable, "-m", "lib.cli", "build-db"], cwd=ROOT, env=env, check=True, capture_output=True)
    url = f"http://127.0.0.1:{port}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        started = time.perf_counter()
        server = start_server(env, port)
        try:
            wait_healthy(url)
            ready = time.perf_counter() - started
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            title, drawn = first_map(page, url)
            cold = time.perf_counter() - started
            page.close()
            warm, floor_visitors = visitors_in_turn(browser, url, env, VISITS)
            print(f"{'first cold start (server start → first map drawn)':52} {cold * 1000:10.0f} ms")
            print(f"{'  of which: server start until it answers':52} {ready * 1000:10.0f} ms")
            print(f"{'  of which: page opened → title shown':52} {title * 1000:10.0f} ms")
            print(f"{'  of which: title → map canvas drawn':52} {(drawn - title) * 1000:10.0f} ms")
            row("new visitor, warm server: page opened → title", [w[0] * 1000 for w in warm], "ms")
            row("new visitor, warm server: page opened → map", [w[1] * 1000 for w in warm], "ms")
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            received: list[int] = []
            page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(len(payload))))
            with floor_server(browser, env) as (floor_cold, floor_url, floor_page):
                latencies, sizes, floor_repaints = repaints_in_turn(
                    (page, url, "/index_weights?visa=Karta"), floor_page, floor_url, weight_walk(moves), received
                )
            print(f"{'floor (bare page: slider + one map layer): first cold':52} {floor_cold * 1000:10.0f} ms")
            row("floor: new visitor, warm server → map", floor_visitors, "ms")
            row(f"weight change → map repainted ({len(latencies)} of {moves} moves)", latencies, "ms")
            row("floor (bare page): slider → map repainted", floor_repaints, "ms")
            ratio = statistics.median(sizes) / COLOURS_KB
            row("bytes to the browser per weight change (map)", sizes, "KB", 1, f" ({ratio:.0f}× the ~1 KB of colours)")
            row(f"weight change → ranking table redrawn ({moves} moves)", ranking_redraws(page, url, moves), "ms")

            received.clear()
            with floor_server(browser, env, "deso") as (deso_floor_cold, floor_url, floor_page):
                deso_latencies, deso_sizes, deso_floor = repaints_in_turn(
                    (page, url, "/index_weights?visa=Karta&niva=DeSO"),
                    floor_page,
                    floor_url,
                    share_walk(moves, DESO_AREAS),
                    received,
                )
            row(f"DeSO: weight change → map repainted ({len(deso_latencies)} of {moves})", deso_latencies, "ms")
            row("DeSO floor (bare page, 544 polygons): slider → map", deso_floor, "ms")
            ratio = statistics.median(deso_latencies or [np.nan]) / statistics.median(deso_floor or [np.nan])
            print(f"{'DeSO: repaint / floor (budget ≤ 1,3)':52} {ratio:10.2f}")
            row("DeSO: bytes to the browser per weight change", deso_sizes, "KB", 1)
            print(f"{'DeSO floor: cold start':52} {deso_floor_cold * 1000:10.0f} ms")
        finally:
            server.terminate()
            server.wait(10)
        # One cold start is one sample on a shared machine: more of each, alternating, and the medians compared.
        colds, floor_colds = [cold], [floor_cold]
        for _ in range(COLD_STARTS - 1):
            colds.append(cold_start(browser, env))
            floor_colds.append(cold_start(browser, env, "bench/floor_app.py", "/"))
        browser.close()
    row(f"cold start → first map ({len(colds)} starts)", [c * 1000 for c in colds], "ms")
    row(f"floor: cold start → map ({len(floor_colds)} starts)", [c * 1000 for c in floor_colds], "ms")
    visitor = statistics.median([w[1] * 1000 for w in warm])
    repaint = statistics.median(latencies or [np.nan])
    for label, ratio in (
        ("slider → map repainted", repaint / statistics.median(floor_repaints)),
        ("cold start → first map", statistics.median(colds) / statistics.median(floor_colds)),
        ("new visitor → first map", visitor / statistics.median(floor_visitors)),
    ):
        print(f"{'ratio to the floor: ' + label + ' (budget ≤ 1,3)':52} {ratio:10.2f}")


if __name__ == "__main__":
    main()
