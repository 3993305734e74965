"""`make bench`: run every benchmark, print its table, and record the run in bench/RESULTS.md.

The figures go between the markers in RESULTS.md, under a description of the machine; the analysis around
them is written by hand and stays. `python bench/run_all.py bench_browser.py` reruns one script and replaces
only its section.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    "bench_index.py",
    "bench_map.py",
    "bench_pages.py",
    "bench_browser.py",
    "bench_concurrency.py",
    "bench_replicas.py",
    "bench_hostile.py",
]
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"MemTotal:\s*(\d+)", meminfo.read_text())
        memory = f", {int(found.group(1)) / 1024**2:.0f} GiB" if found else ""
    try:
        chromium = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        chromium = "no Chromium"
    return (
        f"{platform.machine()}, {os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {chromium} headless. Run {dt.date.today().isoformat()}."
    )


def sections(block: str) -> dict[str, list[str]]:
    """The recorded output per script, from a block written by an earlier run."""
    found: dict[str, list[str]] = {}
    current = None
    for line in block.splitlines():
        if line.startswith("== "):
            current = line[3:].strip()
            found[current] = []
        elif current and line != "```":
            found[current].append(line)
    return found


def main() -> None:
    chosen = sys.argv[1:] or BENCHES
    results = HERE / "RESULTS.md"
    text = results.read_text(encoding="utf-8")
    recorded = sections(text[text.index(START) : text.index(END)]) if START in text and END in text else {}
    for script in chosen:
        print(f"== {script}", flush=True)
        lines = recorded[script] = []
        with tempfile.TemporaryFile("w+") as errors:
            proc = subprocess.Popen(
                [sys.executable, str(HERE / script)], stdout=subprocess.PIPE, stderr=errors, text=True
            )
            for line in proc.stdout:
                print(line, end="", flush=True)
                lines.append(line.rstrip())
            if proc.wait() != 0:
                errors.seek(0)
                sys.exit(f"{script} failed (exit {proc.returncode}):\n{errors.read()[-3000:]}")
    body = "\n".join(f"== {script}\n" + "\n".join(recorded[script]) for script in BENCHES if script in recorded)
    block = f"{START}\nMachine: {machine()}\n\n```\n{body}\n```\n{END}"
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text += "\n" + block + "\n"
    results.write_text(text, encoding="utf-8")
    print(f"Recorded in {results.relative_to(HERE.parent)}.")


if __name__ == "__main__":
    main()
