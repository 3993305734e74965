"""Several app processes behind nginx with sticky sessions: `python deploy/replicas.py [options]`.

Each replica is `python -m ui.server` on a port of its own with its own copy of the DuckDB file (indicator data,
read-only in practice) and the same SAMMANHALLEN_DATABASE_URL, so what users save is shared through PostgreSQL.
nginx (Debian's `nginx-light`) listens in front and pins each browser to one replica with a route cookie
(deploy/nginx.conf.template says why). Prints the address and runs until Ctrl-C or SIGTERM, then stops nginx and
every replica. Tests and benchmarks use the same code through `Replicas`:

    with Replicas(database_url=url, replicas=2) as r:
        r.url, r.replica_urls

Without a database URL each replica keeps what is saved in its own DuckDB copy: fine for reading, not for editing.
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
COOKIE = "sammanhallen_replica"
NGINX_CANDIDATES = ("/usr/sbin/nginx", "nginx")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def find_nginx() -> str | None:
    """Debian's nginx, else one on the PATH."""
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def nginx_config(listen: str, ports: list[int], run_dir: Path, user: str | None = None) -> str:
    """The proxy's configuration: one route (upstream r1, r2, …) per replica, the others as its backups."""
    upstreams, split, routes = [], [], []
    share = f"{100 / len(ports):.2f}".rstrip("0").rstrip(".")
    for i, port in enumerate(ports, start=1):
        servers = [f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;"]
        servers += [f"        server 127.0.0.1:{other} backup;" for other in ports if other != port]
        upstreams.append(f"    upstream r{i} {{\n" + "\n".join(servers) + "\n    }")
        split.append(f"        {'*' if i == len(ports) else share + '%'} r{i};")
        routes.append(f"        r{i} r{i};")
    values = {
        "RUN_DIR": str(run_dir),
        "USER": f"user {user};" if user else "",
        "UPSTREAMS": "\n".join(upstreams) + "\n",
        "SPLIT": "\n".join(split),
        "ROUTES": "\n".join(routes),
        "COOKIE": COOKIE,
        "LISTEN": listen,
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def wait_http(url: str, proc: subprocess.Popen[bytes] | None = None, timeout: float = 120) -> bool:
    """True once `url` answers 200; False when `proc` ends or `timeout` seconds pass."""
    deadline = time.time() + timeout
    while time.time() < deadline and (proc is None or proc.poll() is None):
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - a loopback address we started
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def stop_process(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Replicas:
    """`replicas` app processes and nginx in front; `start()` / `stop()` or a context manager.

    `port` is nginx's (free one when None), `replica_ports` the app processes' (free ones when None), `env` is
    added to every replica's environment, `args` go to every `ui.server` (e.g. `--secrets.files`), `state_dir`
    keeps the DuckDB copies and logs (a temporary one, removed at stop, when None); `timing_logs` has each replica
    log its page runs (SAMMANHALLEN_TIMING_LOG) to `timing_log(i)`."""

    def __init__(
        self,
        database_url: str | None = None,
        replicas: int = 2,
        port: int | None = None,
        replica_ports: list[int] | None = None,
        env: dict[str, str] | None = None,
        args: tuple[str, ...] = (),
        state_dir: Path | None = None,
        host: str = "127.0.0.1",
        timing_logs: bool = False,
    ) -> None:
        self.database_url = database_url
        self.replica_ports = replica_ports or [free_port() for _ in range(replicas)]
        self.port = port or free_port()
        self.host = host
        self.timing_logs = timing_logs
        self.env = env or {}
        self.args = args
        self.own_state = state_dir is None
        self.state = Path(state_dir or tempfile.mkdtemp(prefix="sammanhallen-replicas-"))
        self.procs: list[subprocess.Popen[bytes]] = []
        self.nginx: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def replica_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.replica_ports]

    def replica_env(self, i: int) -> dict[str, str]:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env, "SAMMANHALLEN_DB": str(self.state / f"r{i}.duckdb")}
        if self.database_url:
            env["SAMMANHALLEN_DATABASE_URL"] = self.database_url
        if self.timing_logs:
            env["SAMMANHALLEN_TIMING_LOG"] = str(self.timing_log(i))
        return env

    def timing_log(self, i: int) -> Path:
        """Replica `i`'s (from 1) log of page runs: which process served which rerun, and how long it took."""
        return self.state / f"r{i}.runs.tsv"

    def start(self) -> Replicas:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        nginx = find_nginx()
        if nginx is None:
            raise RuntimeError("nginx saknas (apt-get install nginx-light).")
        self.state.mkdir(parents=True, exist_ok=True)
        self._databases()
        for i, port in enumerate(self.replica_ports, start=1):
            command = [sys.executable, "-m", "ui.server", "--server.port", str(port), "--server.address", "127.0.0.1",
                       "--server.headless", "true", "--browser.gatherUsageStats", "false", *self.args]  # fmt: skip
            with (self.state / f"r{i}.log").open("wb") as log:  # the child keeps its own descriptor
                proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                    command, cwd=ROOT, env=self.replica_env(i), stdout=log, stderr=subprocess.STDOUT
                )
            self.procs.append(proc)
        for i, (url, proc) in enumerate(zip(self.replica_urls, self.procs, strict=True), start=1):
            if not wait_http(url + "/_stcore/health", proc):
                tail = (self.state / f"r{i}.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"Replik {i} startade inte:\n{tail}")
        self._start_nginx(nginx)

    def _databases(self) -> None:
        """One DuckDB build, copied for every replica (each process needs a file of its own: one writer each)."""
        base = self.state / "base.duckdb"
        if not base.exists():
            env = {**self.replica_env(0), "SAMMANHALLEN_DB": str(base)}
            done = subprocess.run([sys.executable, "-m", "lib.cli", "build-db"], cwd=ROOT, env=env,
                                  capture_output=True, text=True)  # fmt: skip
            if done.returncode != 0:
                raise RuntimeError(f"Databasen byggdes inte: {done.stdout[-1000:]}{done.stderr[-1000:]}")
        for i in range(1, len(self.replica_ports) + 1):
            target = self.state / f"r{i}.duckdb"
            if not target.exists():
                shutil.copyfile(base, target)

    def _start_nginx(self, nginx: str) -> None:
        run_dir = self.state / "nginx"
        user = None
        temp_dirs = [run_dir / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")]
        for path in [run_dir, *temp_dirs]:
            path.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # nginx's workers drop to `nobody`, who must reach the run and temp directories
            user = "nobody nogroup"
            entry = pwd.getpwnam("nobody")
            for path in (self.state, run_dir):
                os.chmod(path, 0o711)  # noqa: S103 - traverse only, nothing listed or written
            for path in temp_dirs:
                os.chown(path, entry.pw_uid, entry.pw_gid)
        conf = run_dir / "nginx.conf"
        conf.write_text(nginx_config(f"{self.host}:{self.port}", self.replica_ports, run_dir, user), encoding="utf-8")
        command = [nginx, "-p", str(run_dir), "-c", str(conf), "-e", str(run_dir / "nginx-error.log"),
                   "-g", "daemon off;"]  # fmt: skip
        self.nginx = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # noqa: S603
        if not wait_http(self.url + "/_stcore/health", self.nginx, timeout=30):
            errors = (run_dir / "nginx-error.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"nginx startade inte:\n{errors}")

    def stop(self) -> None:
        """nginx first (no new requests), then every replica; the state directory if it was a temporary one."""
        if self.nginx is not None:
            stop_process(self.nginx, signal.SIGQUIT if self.nginx.poll() is None else signal.SIGTERM, timeout=5)
            self.nginx = None
        for proc in self.procs:
            stop_process(proc)
        self.procs = []
        if self.own_state:
            shutil.rmtree(self.state, ignore_errors=True)

    def __enter__(self) -> Replicas:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        description="Flera appservrar bakom nginx med klistriga sessioner. Övriga argument går till ui.server.",
    )
    parser.add_argument("--port", type=int, default=8080, help="nginx port (8080)")
    parser.add_argument("--host", default="127.0.0.1", help="adress nginx lyssnar på (127.0.0.1)")
    parser.add_argument("--replicas", type=int, default=2, help="antal appservrar (2)")
    parser.add_argument("--first-port", type=int, default=8601, help="appservrarnas första port (8601, 8602, …)")
    parser.add_argument("--database-url", default=os.environ.get("SAMMANHALLEN_DATABASE_URL"),
                        help="PostgreSQL-URL för det användarna sparar (annars SAMMANHALLEN_DATABASE_URL)")  # fmt: skip
    parser.add_argument("--state-dir", type=Path, help="katalog för DuckDB-kopior och loggar (annars tillfällig)")
    return parser.parse_known_args(argv)


def main(argv: list[str] | None = None) -> int:
    options, extra = parse_args(argv)
    if not options.database_url:
        print("Varning: ingen PostgreSQL-URL; varje appserver sparar i sin egen DuckDB-kopia.", file=sys.stderr)
    replicas = Replicas(
        database_url=options.database_url,
        replicas=options.replicas,
        port=options.port,
        replica_ports=[options.first_port + i for i in range(options.replicas)],
        args=tuple(extra),
        state_dir=options.state_dir,
        host=options.host,
    )

    def on_signal(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt  # the same way out for Ctrl-C and SIGTERM, also while starting

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        replicas.start()
        print(f"Appen: {replicas.url}  (appservrar: {', '.join(replicas.replica_urls)}; loggar: {replicas.state})",
              flush=True)  # fmt: skip
        while all(p.poll() is None for p in [*replicas.procs, replicas.nginx] if p is not None):
            time.sleep(0.5)
        print("En process avslutades; stoppar allt.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    except RuntimeError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        replicas.stop()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
