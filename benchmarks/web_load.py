"""The web app under concurrent load: requests/s, p50/p95 latency, errors and the server's memory over time.

Usage: python benchmarks/web_load.py [--db STORE] [--clients C] [--seconds S] [--max-requests N]

STORE is a corpus store, a SQLite file (opened read-only, never changed). Build one of real
articles with `presslens ingest`, for instance the 10,000 AllSides articles:

    zcat ../shared/data/allsides/articles.jsonl.gz > allsides.jsonl
    .venv/bin/presslens ingest allsides.jsonl --db allsides.db --workers 2

Without --db, a 10,000-article store is built in a temporary folder from copies of a few
texts written here (new ids, titles and dates for each copy), which takes seconds.

The app is started with `presslens serve` on a free loopback port, and C clients (50 by
default), each keeping its connection open, request a mix of pages and API calls, one after
another, until S seconds (60) have passed or N requests (100,000) were sent, whichever comes
first. Nothing leaves 127.0.0.1. Prints requests/s, p50/p95/max latency overall and per kind
of request, the count of errors (any answer but 200, or no answer), the server's CPU time per
request and its resident memory sampled each second; exits 1 if any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

TEXTS = [
    """Ferry service resumes in Gothenburg

The ferry line between Gothenburg and Frederikshavn resumed on Monday after a strike that lasted nine days.

"Passengers can travel again from tomorrow morning," said Mayor Tomas Lindqvist at the harbour.
""",
    """Farmers protest fuel prices in Lyon

About 2,000 farmers drove tractors into the centre of Lyon on Wednesday to protest against rising fuel prices.

"We cannot work at a loss any longer," said Claire Dumont, who leads the regional farmers' union.
The prefecture said police arrested 12 people after clashes near the town hall.
""",
    """Storm cuts power to 30,000 homes near Porto

A storm brought down power lines across the north of Portugal on Sunday, leaving about 30,000 homes near Porto without electricity.

"Crews will work through the night," the grid operator's spokesman Rui Costa said. Two people were injured by falling trees.
""",
]

# How often each kind of request comes, out of 100: what a reader browsing the corpus asks.
MIX = {"article page": 25, "article API": 10, "search page": 15, "search API": 10, "entity page": 10,
       "articles list": 10, "overview": 5, "speakers": 5, "stories": 5, "events API": 5}


def build_store(db: Path, n: int) -> float:
    """Return the seconds it took to build an n-article store at db from a few analysed texts."""
    import presslens
    from presslens.corpus.store import open_store

    start = time.perf_counter()
    bases = [presslens.analyze(text, published="2024-01-01") for text in TEXTS]
    first = date(2023, 1, 1)
    with open_store(db) as store:
        for i in range(n):
            base = bases[i % len(bases)]
            copy = base.model_copy(update={"id": f"bench{i:011d}", "title": f"{base.title}, edition {i}",
                                           "published": (first + timedelta(days=i % 730)).isoformat()})
            store.add_article(copy)
        store.commit()
    return time.perf_counter() - start


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    """Return the running `presslens serve` process, once it answers."""
    import httpx

    process = subprocess.Popen([sys.executable, "-c", "import sys; from presslens.cli import main; sys.exit(main())",
                                "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped at once (exit {process.returncode}).")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/articles?size=1", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the server did not answer within 60 s.")


def rss_mib(pid: int) -> float:
    """Return the resident memory of a process in MiB, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user and system) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def request_maker(db: Path, seed: int = 7):
    """Return a function giving a random (kind, path) of the mix, over ids and words of the store."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        articles = [r[0] for r in connection.execute("SELECT id FROM articles")]
        entities = [r[0] for r in connection.execute(
            "SELECT id FROM corpus_entities ORDER BY mentions DESC LIMIT 2000")]
        titles = [r[0] or "" for r in connection.execute("SELECT title FROM articles ORDER BY random() LIMIT 500")]
    # Search words as readers type them: one or two words taken from titles of the store.
    words = sorted({w.lower() for t in titles for w in re.findall(r"[A-Za-z]{5,}", t)}) or ["council"]
    rng = random.Random(seed)
    kinds = [kind for kind, weight in MIX.items() for _ in range(weight)]

    def search() -> str:
        return quote(" ".join(rng.sample(words, rng.choice((1, 1, 2)))))

    paths = {
        "article page": lambda: f"/articles/{rng.choice(articles)}",
        "article API": lambda: f"/api/articles/{rng.choice(articles)}",
        "search page": lambda: f"/search?q={search()}",
        "search API": lambda: f"/api/search?q={search()}",
        "entity page": lambda: f"/entities/{rng.choice(entities)}",
        "articles list": lambda: f"/articles?page={rng.randint(1, max(1, len(articles) // 50))}",
        "overview": lambda: "/",
        "speakers": lambda: "/speakers",
        "stories": lambda: f"/stories?page={rng.randint(1, 20)}",
        "events API": lambda: f"/api/events?page={rng.randint(1, 20)}",
    }

    def make() -> tuple[str, str]:
        kind = rng.choice(kinds)
        return kind, paths[kind]()

    return make, len(articles), len(entities)


async def load(base: str, make, clients: int, seconds: float, max_requests: int):
    """Return (latencies in ms by kind, errors by kind, seconds taken) of the load run."""
    import httpx

    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    budget = [max_requests]
    deadline = time.monotonic() + seconds

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            while time.monotonic() < deadline and budget[0] > 0:
                budget[0] -= 1
                kind, path = make()
                start = time.perf_counter()
                try:
                    status = (await http.get(path)).status_code
                except httpx.HTTPError:
                    status = None
                times[kind].append((time.perf_counter() - start) * 1000)
                if status != 200:
                    errors[kind] += 1

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(clients)))
    return times, errors, time.monotonic() - started


def percentile(values: list[float], share: float) -> float:
    """Return the value below which `share` of the values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="the store to serve (default: a synthetic 10,000-article one)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the run at most (default 60)")
    parser.add_argument("--max-requests", type=int, default=100_000, help="requests at most (default 100000)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        db = args.db
        if db is None:
            db = Path(scratch) / "load.db"
            print(f"no --db given: built a synthetic 10,000-article store in {build_store(db, 10_000):.1f} s")
        elif not db.is_file():
            raise SystemExit(f"no store at {db}; build one with `presslens ingest SOURCE --db {db}`.")
        make, n_articles, n_entities = request_maker(db)
        print(f"store: {n_articles:,} articles, {n_entities:,} entities sampled; "
              f"{args.clients} clients for {args.seconds:.0f} s at most, {args.max_requests:,} requests at most")
        port = free_port()
        server = start_server(db, port)
        samples: list[tuple[float, float]] = []
        stop = threading.Event()

        def sample() -> None:
            start = time.monotonic()
            while not stop.is_set():
                samples.append((time.monotonic() - start, rss_mib(server.pid)))
                stop.wait(1.0)

        try:
            base = f"http://127.0.0.1:{port}"
            idle = rss_mib(server.pid)
            asyncio.run(load(base, make, 4, 5, 200))  # warm: pipeline of each route, page cache
            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            cpu_before, own_before = cpu_seconds(server.pid), time.process_time()
            times, errors, took = asyncio.run(load(base, make, args.clients, args.seconds, args.max_requests))
            cpu, own = cpu_seconds(server.pid) - cpu_before, time.process_time() - own_before
            stop.set()
            sampler.join()
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()

    every = [ms for kind in times.values() for ms in kind]
    failed = sum(errors.values())
    print(f"{len(every):,} requests in {took:.1f} s: {len(every) / took:.1f} requests/s, "
          f"p50 {statistics.median(every):.0f} ms, p95 {percentile(every, 0.95):.0f} ms, "
          f"max {max(every):.0f} ms, {failed} errors")
    # CPU time per request does not depend on what else the machine runs, as latency does.
    print(f"server CPU: {cpu:.1f} s over the run ({cpu / took:.2f} cores), {1000 * cpu / len(every):.1f} ms per request; "
          f"the clients' own CPU: {own:.1f} s")
    print(f"{'request':<14} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for kind in MIX:
        if times[kind]:
            print(f"{kind:<14} {len(times[kind]):>7} {statistics.median(times[kind]):>8.0f} "
                  f"{percentile(times[kind], 0.95):>8.0f} {errors[kind]:>7}")
    rss = [mib for _, mib in samples]
    tenth = max(1, len(rss) // 10)
    first, last = statistics.mean(rss[:tenth]), statistics.mean(rss[-tenth:])
    print(f"server memory: {idle:.0f} MiB idle; under load {first:.0f} MiB in the first tenth of the run, "
          f"{last:.0f} MiB in the last ({last / first:.2f}x), peak {max(rss):.0f} MiB ({len(rss)} samples)")
    # Whether it levels off: the mean of each tenth of the run, in order.
    tenths = [statistics.mean(rss[i:i + tenth]) for i in range(0, tenth * 10, tenth) if rss[i:i + tenth]]
    print("server memory by tenth of the run (MiB): " + " ".join(f"{mib:.0f}" for mib in tenths))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
