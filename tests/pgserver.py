"""A throwaway PostgreSQL cluster for tests and benchmarks: Debian's binaries, a temp dir, a free port.

Why not the system's cluster: CI and a developer's machine must not depend on one being set up, started or
configured, and tests must not see anyone's rows. `PgServer` runs `initdb` into a temporary directory, listens on
127.0.0.1 (and a socket directory inside the temp dir) with trust authentication for local connections only, creates
the database `sammanhallen` and removes everything on `stop()`. As root, `initdb` refuses to run, so the server is
run as the `postgres` user (`runuser`) when that user exists.

    with PgServer() as pg:
        url = pg.url()                    # postgresql://sammanhallen@127.0.0.1:PORT/sammanhallen
        other = pg.create_database("t1")  # a second, empty database on the same cluster
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DATABASE = "sammanhallen"
USER = "sammanhallen"
RUN_AS = "postgres"


def find_bin_dir() -> Path | None:
    """The directory holding `initdb`, `pg_ctl` and `postgres`: Debian's newest version, else the PATH's."""
    versions = sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if (Path(p) / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1]
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as() -> list[str]:
    """`runuser -u postgres --` when running as root (initdb and postgres refuse root), else nothing."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(RUN_AS)
    except KeyError as exc:
        raise RuntimeError(f"PostgreSQL kan inte köras som root och användaren {RUN_AS!r} saknas.") from exc
    return ["runuser", "-u", RUN_AS, "--"]


class PgServer:
    """One PostgreSQL cluster in a temporary directory; `start()` then `stop()` (or use it as a context manager)."""

    def __init__(self, bin_dir: Path | None = None, port: int | None = None) -> None:
        found = bin_dir or find_bin_dir()
        if found is None:
            raise RuntimeError("PostgreSQL saknas (apt-get install postgresql).")
        self.bin_dir = found
        self.port = port or free_port()
        self.base = Path(tempfile.mkdtemp(prefix="sammanhallen-pg-"))
        self.data_dir = self.base / "data"
        self.socket_dir = self.base / "socket"
        self.log = self.base / "server.log"
        self.started = False

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([*_run_as(), *args], capture_output=True, text=True, cwd=self.base)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} misslyckades: {done.stdout[-1000:]}{done.stderr[-1000:]}")
        return done

    def start(self) -> PgServer:
        """initdb, start and create the database; on failure everything is removed again."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        self.socket_dir.mkdir()
        if os.geteuid() == 0 and _run_as():
            entry = pwd.getpwnam(RUN_AS)
            for path in (self.base, self.socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        # Trust only for local socket and loopback connections: the cluster lives as long as one test run.
        self._run(
            str(self.bin_dir / "initdb"),
            "-D", str(self.data_dir),
            "-U", USER,
            "--auth-local=trust",
            "--auth-host=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.socket_dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.log), "-o", options,
                  "-w", "-t", "60", "start")  # fmt: skip
        self.started = True
        self._wait_ready()
        self.create_database(DATABASE)

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            done = subprocess.run(
                [str(self.bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER],
                capture_output=True,
            )
            if done.returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError("PostgreSQL svarade inte: " + self.log.read_text(errors="replace")[-1000:])

    def url(self, database: str = DATABASE) -> str:
        """A libpq URL over TCP on loopback, as the app's SAMMANHALLEN_DATABASE_URL takes it."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def socket_url(self, database: str = DATABASE) -> str:
        """The same database over the Unix socket (libpq's `host=` a directory)."""
        return f"postgresql://{USER}@/{database}?host={self.socket_dir}&port={self.port}"

    def psql(self, sql: str, database: str = DATABASE) -> str:
        """Run one statement with Debian's psql (no Python driver needed); its unaligned output."""
        done = subprocess.run(
            [str(self.bin_dir / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.url(database),
             "-c", sql],
            capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"psql: {done.stderr.strip()}")
        return done.stdout

    def create_database(self, name: str) -> str:
        """A new empty database (name: letters, digits, underscores); its URL."""
        if not name.replace("_", "").isalnum():
            raise ValueError(f"ogiltigt databasnamn: {name!r}")
        self.psql(f'CREATE DATABASE "{name}"', database="postgres")
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database even while a server process still holds connections to it."""
        if not name.replace("_", "").isalnum():
            raise ValueError(f"ogiltigt databasnamn: {name!r}")
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', database="postgres")

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove the directory; safe to call twice."""
        if self.started and self.data_dir.exists():
            subprocess.run(
                [*_run_as(), str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"],
                capture_output=True,
                cwd=self.base,
            )
            self.started = False
        shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
