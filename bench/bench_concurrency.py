"""Many officials at once: 20 browser sessions reading while 5 editors save plans and scenarios, on one server.

Each reader opens pages in its own Chromium context (a session of its own, as a separate person would); each
editor signs in and, in turn, adds an activity to a local plan and saves a weight scenario, every name unique.
Afterwards the database is checked: every save the page confirmed is there exactly once with one audit row,
and nothing else was written. Prints p50/p90 page latency, errors, and lost or duplicated writes.

BENCH_REPLICAS=2 runs the same load through nginx in front of two app processes that keep what users write in
one throwaway PostgreSQL (tests/pgserver.py, deploy/replicas.py), and checks the writes there.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb
from playwright.async_api import Page, async_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_browser import ARGS, IDLE, free_port, p90, start_server, wait_healthy  # noqa: E402
from lib import auth  # noqa: E402

READ_PATHS = ["/", "/map", "/index_weights", "/profile?stadsdel=Husby", "/goals", "/plans"]
COMMITTEE = "Rinkeby-Kista stadsdelsnämnd"
PASSWORD = "ett-langt-bänklösen"
TIMEOUT = 180_000


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    activities: list[str] = field(default_factory=list)  # confirmed on screen
    scenarios: list[str] = field(default_factory=list)
    save_ms: list[float] = field(default_factory=list)
    sign_ins: int = 0  # audited sign-ins, read back from the database


async def loaded(page: Page) -> None:
    await page.locator("h1").first.wait_for(timeout=TIMEOUT)
    await page.wait_for_selector(IDLE, timeout=TIMEOUT)


async def check_errors(page: Page, who: str, tally: Tally) -> bool:
    """True if the page shows an exception or an error message (which is then recorded)."""
    shown = page.locator("[data-testid='stException'], [data-testid='stAlertContentError']")
    if await shown.count():
        tally.errors.append(f"{who}: {(await shown.first.inner_text())[:200]}")
        return True
    return False


async def new_page(browser) -> Page:
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    context.set_default_timeout(TIMEOUT)
    return await context.new_page()


async def reader(browser, url: str, n: int, rounds: int, tally: Tally) -> None:
    page = await new_page(browser)
    context = page.context
    try:
        for r in range(rounds):
            shift = n % len(READ_PATHS)  # not everyone on the same page at once
            for path in READ_PATHS[shift:] + READ_PATHS[:shift]:
                start = time.perf_counter()
                try:
                    await page.goto(url + path, timeout=TIMEOUT)
                    await loaded(page)
                    if path == "/map":
                        await page.locator("[data-testid='stDeckGlJsonChart'] canvas").first.wait_for(timeout=TIMEOUT)
                    tally.latencies.setdefault(path.split("?")[0], []).append((time.perf_counter() - start) * 1000)
                    await check_errors(page, f"läsare {n} {path}", tally)
                except Exception as exc:  # noqa: BLE001 - every failure is a finding to report
                    tally.errors.append(f"läsare {n} {path} varv {r}: {type(exc).__name__}: {str(exc)[:160]}")
    finally:
        await context.close()


async def sidebar_to(page: Page, title: str) -> None:
    """In-app navigation keeps the session (and so the sign-in); a new URL would start a new session."""
    await page.get_by_role("link", name=title).first.click()
    await page.wait_for_timeout(300)
    await loaded(page)


async def editor(browser, url: str, n: int, rounds: int, tally: Tally) -> None:
    name = f"bänkredigerare{n}"
    page = await new_page(browser)
    context = page.context
    try:
        await page.goto(f"{url}/plans?namnd={quote(COMMITTEE)}", timeout=TIMEOUT)
        await loaded(page)
        await page.get_by_text("Logga in för att redigera").click()
        await page.get_by_label("Användarnamn").fill(name)
        await page.get_by_label("Lösenord").fill(PASSWORD)
        await page.get_by_role("button", name="Logga in").click()
        await page.get_by_text(f"Inloggad som {name}").wait_for(timeout=TIMEOUT)
        await loaded(page)
        for i in range(rounds):
            title = f"Bänkaktivitet {n}-{i}"
            await page.locator("[data-testid='stTab']:visible", has_text="Aktiviteter").last.click()
            field = page.get_by_label("Aktivitet", exact=True)
            await field.fill(title)
            await page.get_by_label("Ansvarig").fill(name)
            start = time.perf_counter()
            await page.get_by_role("button", name="Lägg till").click()
            await page.get_by_text(f"Lade till ”{title}”").wait_for()  # the page's own confirmation
            tally.save_ms.append((time.perf_counter() - start) * 1000)
            tally.activities.append(title)
            await check_errors(page, f"{name} aktivitet {i}", tally)

            await sidebar_to(page, "Index och vikter")
            slider = page.get_by_role("slider", name="Försörjning")
            await slider.focus()
            await page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
            await page.wait_for_timeout(200)
            await page.wait_for_selector(IDLE, timeout=TIMEOUT)
            scenario = f"Bänkscenario {n}-{i}"
            await page.get_by_text("Scenarier – spara och läs in vikter").click()
            await page.get_by_label("Namn på scenariot").fill(scenario)
            start = time.perf_counter()
            await page.get_by_role("button", name="Spara nuvarande vikter").click()
            await page.get_by_text(f"Sparade ”{scenario}”").wait_for(timeout=TIMEOUT)
            tally.save_ms.append((time.perf_counter() - start) * 1000)
            tally.scenarios.append(scenario)
            await sidebar_to(page, "Lokala handlingsplaner")
    except Exception as exc:  # noqa: BLE001
        tally.errors.append(f"{name}: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        await context.close()


def rss_mb(pids: list[int]) -> float:
    """Resident memory of the app processes together."""
    total = 0.0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
    return total


def where(replicas: int) -> str:
    if replicas <= 1:
        return "one server"
    return f"{replicas} app servers behind nginx (sticky sessions), users' writes in PostgreSQL"


def verify(db_path: Path, tally: Tally, database_url: str | None = None) -> tuple[int, int, int]:
    """Lost (confirmed but absent), duplicated (present more than once) and stray (written, never confirmed);
    read from PostgreSQL when the run kept the users' writes there, else from the DuckDB file."""
    opened: Any  # a psycopg or DuckDB connection: both take `execute(sql).fetchall()`
    if database_url:
        import psycopg

        opened = psycopg.connect(database_url)
    else:
        opened = duckdb.connect(str(db_path), read_only=True)
    with opened as con:  # the same queries on both: psycopg, like DuckDB, sends SQL without parameters as it is
        acts: dict[str, int] = dict(
            con.execute(
                "SELECT title, count(*) FROM plan_activity WHERE title LIKE 'Bänkaktivitet %' GROUP BY title"
            ).fetchall()
        )
        scen: dict[str, int] = dict(
            con.execute(
                "SELECT name, count(*) FROM weight_scenario WHERE name LIKE 'Bänkscenario %' GROUP BY name"
            ).fetchall()
        )
        # Sign-ins are audited too (lib/signin.py); the writes under test are the plan rows and the scenarios.
        audit = con.execute(
            "SELECT count(*), count(DISTINCT id) FROM audit WHERE editor LIKE 'bänkredigerare%' "
            "AND table_name IN ('plan_activity', 'weight_scenario')"
        ).fetchall()[0]
        sign_ins = con.execute(
            "SELECT count(*) FROM audit WHERE editor LIKE 'bänkredigerare%' AND table_name = 'sign_in'"
        ).fetchall()[0][0]
    tally.sign_ins = sign_ins
    lost = sum(t not in acts for t in tally.activities) + sum(s not in scen for s in tally.scenarios)
    stray = len(set(acts) - set(tally.activities)) + len(set(scen) - set(tally.scenarios))
    extra_audit = max(0, audit[0] - (len(acts) + len(scen)))  # one audit row per stored write, no more
    duplicated = sum(c - 1 for c in acts.values()) + sum(c - 1 for c in scen.values()) + extra_audit
    duplicated += audit[0] - audit[1]  # audit ids must be unique
    return lost, duplicated, stray


def server_times(logs: list[Path], since: float) -> dict[str, tuple[list[float], list[float]]]:
    """Server wall and CPU milliseconds per page run (SAMMANHALLEN_TIMING_LOG), for runs during the load."""
    times: dict[str, tuple[list[float], list[float]]] = {}
    for log in (log for log in logs if log.exists()):
        for line in log.read_text(encoding="utf-8").splitlines():
            stamp, name, wall, cpu = line.split("\t")
            if float(stamp) >= since:
                walls, cpus = times.setdefault(name, ([], []))
                walls.append(float(wall))
                cpus.append(float(cpu))
    return times


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the server processes have used (all their threads)."""
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@dataclass
class Servers:
    """Where the load goes (one app server, or nginx in front of replicas) and what is read from it afterwards."""

    url: str
    pids: list[int]
    timing_logs: list[Path]
    warm_urls: list[str]  # each app process directly, so none starts the load with cold caches
    checked: tuple[int, int, int] = (0, 0, 0)  # lost, duplicated, stray: set when the servers stop


@contextlib.contextmanager
def servers(replicas: int, tmp: Path, secrets: Path, tally: Tally) -> Iterator[Servers]:
    """Today's single server on DuckDB, or `replicas` app processes behind nginx on a throwaway PostgreSQL; the
    writes are verified as the servers stop (DuckDB's file once its server has let go, PostgreSQL before it goes)."""
    args = ("--secrets.files", str(secrets))
    official = {"SAMMANHALLEN_OFFICIAL_DIR": str(tmp / "official")}
    if replicas <= 1:
        db_path, timing_log = tmp / "c.duckdb", tmp / "runs.tsv"
        env = {**os.environ, **official, "SAMMANHALLEN_DB": str(db_path), "SAMMANHALLEN_TIMING_LOG": str(timing_log)}
        env.pop("SAMMANHALLEN_DATABASE_URL", None)  # today's set-up: everything in the one DuckDB file
        build = [sys.executable, "-m", "lib.cli", "build-db"]
        subprocess.run(build, cwd=ROOT, env=env, check=True, capture_output=True)
        port = free_port()
        server = start_server(env, port, extra=args)
        url = f"http://127.0.0.1:{port}"
        found = Servers(url, [server.pid], [timing_log], [url])
        try:
            wait_healthy(found.url)
            yield found
        finally:
            server.terminate()
            server.wait(15)
        found.checked = verify(db_path, tally)
        return
    from deploy.replicas import Replicas
    from tests.pgserver import PgServer

    with PgServer() as pg:
        group = Replicas(pg.url(), replicas, args=args, state_dir=tmp / "replicas", timing_logs=True, env=official)
        with group:
            logs = [group.timing_log(i + 1) for i in range(replicas)]
            found = Servers(group.url, [p.pid for p in group.procs], logs, group.replica_urls)
            yield found
        found.checked = verify(tmp, tally, database_url=pg.url())


async def run(readers: int, editors: int, rounds: int, replicas: int = 1) -> None:
    tmp = Path(tempfile.mkdtemp())
    secrets = tmp / "secrets.toml"
    hashed = auth.hash_password(PASSWORD)
    secrets.write_text(auth.toml_dumps({"editors": {f"bänkredigerare{n}": hashed for n in range(editors)}}))
    tally = Tally()
    with servers(replicas, tmp, secrets, tally) as found:
        url = found.url
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for warm_url in found.warm_urls:
                warm = await browser.new_page()
                await warm.goto(warm_url + "/map")
                await loaded(warm)
                await warm.close()
            rss_before, cpu_before = rss_mb(found.pids), cpu_seconds(found.pids)
            started, started_epoch = time.perf_counter(), time.time()
            await asyncio.gather(
                *(reader(browser, url, n, rounds, tally) for n in range(readers)),
                *(editor(browser, url, n, rounds, tally) for n in range(editors)),
            )
            wall = time.perf_counter() - started
            rss_after, server_cpu = rss_mb(found.pids), cpu_seconds(found.pids) - cpu_before
            await browser.close()
    lost, duplicated, stray = found.checked
    every = [v for values in tally.latencies.values() for v in values]
    print(
        f"Concurrency: {readers} readers × {rounds} rounds of {len(READ_PATHS)} pages, {editors} editors × "
        f"{rounds} × (1 activity + 1 scenario), {where(replicas)}, wall time {wall:.0f} s"
    )
    print("In the browser (page opened → title shown and the script finished; the map page → map drawn).")
    print(f"All {readers + editors} Chromium sessions share the 2 cores with the server: mostly the clients' own work.")
    print(f"{'page':24} {'loads':>6} {'p50 ms':>8} {'p90 ms':>8}")
    for path, values in sorted(tally.latencies.items()):
        print(f"{path:24} {len(values):6} {statistics.median(values):8.0f} {p90(values):8.0f}")
    if every:
        print(f"{'all pages':24} {len(every):6} {statistics.median(every):8.0f} {p90(every):8.0f}")
    if tally.save_ms:
        print(
            f"{'editor save → confirmed':24} {len(tally.save_ms):6} {statistics.median(tally.save_ms):8.0f} "
            f"{p90(tally.save_ms):8.0f}"
        )
    print("On the server, one script run under the same load (SAMMANHALLEN_TIMING_LOG): wall time, which")
    print("includes waiting for a core, and the script thread's own CPU time, which does not:")
    print(f"{'page run':24} {'runs':>6} {'p50 ms':>8} {'p90 ms':>8} {'CPU p50':>8} {'CPU p90':>8}")
    runs = server_times(found.timing_logs, started_epoch)
    for name, (walls, cpus) in sorted(runs.items()):
        print(
            f"{name:24} {len(walls):6} {statistics.median(walls):8.0f} {p90(walls):8.0f} "
            f"{statistics.median(cpus):8.0f} {p90(cpus):8.0f}"
        )
    walls = [v for w, _ in runs.values() for v in w]
    cpus = [v for _, c in runs.values() for v in c]
    if walls:
        print(
            f"{'all runs':24} {len(walls):6} {statistics.median(walls):8.0f} {p90(walls):8.0f} "
            f"{statistics.median(cpus):8.0f} {p90(cpus):8.0f}"
        )
    loads = sum(len(v) for v in tally.latencies.values()) + len(tally.save_ms)
    print(
        f"app server processes' CPU during the run: {server_cpu:.0f} s for {loads} page loads and saves "
        f"({server_cpu / max(loads, 1) * 1000:.0f} ms each, all threads) in {wall:.0f} s wall"
    )
    print(f"errors: {len(tally.errors)}")
    for line in tally.errors[:10]:
        print("  " + line)
    print(
        f"writes confirmed: {len(tally.activities)} activities, {len(tally.scenarios)} scenarios; "
        f"lost: {lost}, duplicated: {duplicated}, unconfirmed extra: {stray}; audited sign-ins: {tally.sign_ins}"
    )
    print(f"server memory (RSS): {rss_before:.0f} MB before, {rss_after:.0f} MB after")


def main() -> None:
    readers = int(os.environ.get("BENCH_READERS", "20"))
    editors = int(os.environ.get("BENCH_EDITORS", "5"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "2"))
    replicas = int(os.environ.get("BENCH_REPLICAS", "1"))
    asyncio.run(run(readers, editors, rounds, replicas))


if __name__ == "__main__":
    main()
