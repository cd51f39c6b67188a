"""Where an ingest spends its CPU and memory: per process, the main one and each worker.

Usage: python benchmarks/ingest_processes.py SOURCE --db DB [--workers N] [--every SECONDS]

Runs the real `presslens ingest SOURCE --db DB --workers N` in a child process and reads the
CPU seconds (user + system) and the peak resident set (VmHWM) of every process of its tree
from /proc (Linux) while it runs. CPU seconds, unlike wall times, hardly move with other work
on the machine, so they say how far two workers can go on two idle cores: the CPU of the
whole run spread over both, plus what must run alone (start-up, near-duplicates, stories).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PRESSLENS = [sys.executable, "-m", "presslens.cli"]
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Seen:
    """What was read of one process: its parent, CPU seconds, peak MiB, and when it was alive."""

    parent: int
    cpu: float = 0.0
    peak: float = 0.0
    first: float = 0.0
    last: float = 0.0
    command: str = ""


def _read(pid: int) -> tuple[int, float, float, str] | None:
    """Return the parent, CPU seconds, peak resident MiB and command of a process, or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        status = Path(f"/proc/{pid}/status").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    peak = next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")), 0.0)
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS, peak, command


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (read := _read(int(name))):
            children.setdefault(read[0], []).append(int(name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def watch(command: list[str], every: float) -> tuple[dict[int, Seen], float, str]:
    """Return what was seen of each process of the command's tree, the wall seconds and the command's last line."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen: dict[int, Seen] = {}

    def poll() -> None:
        while process.poll() is None:
            now = time.perf_counter() - started
            for pid in _tree(process.pid):
                if (read := _read(pid)) is None:
                    continue
                item = seen.setdefault(pid, Seen(parent=read[0], first=now, command=read[3]))
                item.cpu, item.peak, item.last = read[1], max(item.peak, read[2]), now
            time.sleep(every)

    poller = threading.Thread(target=poll)
    poller.start()
    output, _ = process.communicate()
    poller.join()
    lines = output.strip().splitlines()
    return seen, time.perf_counter() - started, lines[-1] if lines else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("--db", required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--every", type=float, default=0.5, help="seconds between two readings of /proc")
    args = parser.parse_args()
    seen, wall, summary = watch([*PRESSLENS, "ingest", args.source, "--db", args.db, "--workers", str(args.workers)],
                                args.every)
    main_pid = min(seen, key=lambda pid: seen[pid].first)
    # The workers are the main process's children that did work (not multiprocessing's resource tracker).
    workers = [pid for pid, s in seen.items() if s.parent == main_pid and "spawn_main" in s.command]
    print(f"ingest --workers {args.workers}: {wall:.0f} s wall\n  {summary}")
    print(f"  main process: {seen[main_pid].cpu:.1f} CPU s, peak {seen[main_pid].peak:.0f} MiB")
    for number, pid in enumerate(sorted(workers, key=lambda p: seen[p].first), 1):
        s = seen[pid]
        print(f"  worker {number}: {s.cpu:.1f} CPU s, peak {s.peak:.0f} MiB, alive {s.first:.0f}-{s.last:.0f} s")
    total = seen[main_pid].cpu + sum(seen[pid].cpu for pid in workers)
    print(f"  all: {total:.1f} CPU s; largest process {max(s.peak for s in seen.values()):.0f} MiB, "
          f"sum of peaks {seen[main_pid].peak + sum(seen[pid].peak for pid in workers):.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
