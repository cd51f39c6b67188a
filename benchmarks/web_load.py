"""Page times of the web app on a large corpus: p50 and p95 of article, entity and search pages.

Usage: python benchmarks/web_load.py [--articles N] [--requests R] [--seconds S] [--workers W] [--db FILE]

Builds an N-article store (10,000 by default) without analysing N texts: a handful of texts
written here and the bundled demo article are analysed once, then stored again and again under
new ids, titles and dates through the store's own `add_article`, in one transaction. The app is
started with `presslens serve` on a free loopback port, and each page kind gets at most R
requests (300 by default) or S seconds, whichever ends first, from W client threads. Nothing
leaves 127.0.0.1. Prints p50/p95/max per page kind against the 200 ms target for p95.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

TARGET_P95_MS = 200.0

TEXTS = [
    """Ferry service resumes in Gothenburg

The ferry line between Gothenburg and Frederikshavn resumed on Monday after a strike that lasted nine days.

"Passengers can travel again from tomorrow morning," said Mayor Tomas Lindqvist at the harbour.
""",
    """Gothenburg opens new bridge

The new bridge over the river in Gothenburg opened on Saturday, two years late and 40 million kronor over budget.

"The wait was long, but the city finally has its bridge," Mayor Tomas Lindqvist said at the opening.
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
SEARCHES = ["Gothenburg", "bridge budget", "farmers fuel prices", "storm power", "Mayor said", "harbour",
            "police arrested", "electricity Porto", "edition 4242", "tractors Lyon"]


def build_store(db: Path, n: int) -> float:
    """Return the seconds it took to build an n-article store at db from a few analysed texts."""
    import presslens
    from presslens.cli import demo_text
    from presslens.corpus.store import open_store

    start = time.perf_counter()
    bases = [presslens.analyze(text, published="2024-01-01") for text in [*TEXTS, demo_text()]]
    first = date(2023, 1, 1)
    with open_store(db) as store:
        for i in range(n):
            base = bases[i % len(bases)]
            title = base.title or base.text.split("\n", 1)[0]
            # A fresh id, title and date per copy: pages, search ranking and per-day counts see
            # n distinct articles, while the records stay realistic analyser output.
            copy = base.model_copy(update={"id": f"bench{i:011d}", "title": f"{title}, edition {i}",
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


def fire(base: str, paths: list[str], workers: int, seconds: float) -> tuple[list[float], int]:
    """Return the response times in ms of the paths requested within the time budget, and the count of non-200s."""
    import httpx

    deadline = time.monotonic() + seconds
    clients: dict[int, httpx.Client] = {}

    def one(path: str) -> tuple[float, int] | None:
        if time.monotonic() > deadline:
            return None  # past the budget: the rest of the queue drains without requests

        client = clients.setdefault(threading.get_ident(), httpx.Client(base_url=base, timeout=30))
        start = time.perf_counter()
        response = client.get(path)
        return (time.perf_counter() - start) * 1000, response.status_code

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = [r for r in pool.map(one, paths) if r is not None]
    for client in clients.values():
        client.close()
    return [ms for ms, _ in results], sum(1 for _, status in results if status != 200)


def percentile(values: list[float], share: float) -> float:
    """Return the value below which `share` of the values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles in the store (default 10000)")
    parser.add_argument("--requests", type=int, default=300, help="requests per page kind at most (default 300)")
    parser.add_argument("--seconds", type=float, default=60.0, help="time per page kind at most (default 60)")
    parser.add_argument("--workers", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--db", type=Path, help="reuse or create the store here instead of a temporary one")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        db = args.db or Path(scratch) / "load.db"
        if not db.exists():
            took = build_store(db, args.articles)
            print(f"built a {args.articles:,}-article store in {took:.1f} s")
        import sqlite3

        with sqlite3.connect(db) as connection:
            article_ids = [r[0] for r in connection.execute("SELECT id FROM articles")]
            entity_ids = [r[0] for r in connection.execute("SELECT id FROM corpus_entities")]
        print(f"store: {len(article_ids):,} articles, {len(entity_ids):,} corpus entities")
        rng = random.Random(7)
        n = args.requests
        kinds = {
            "article": [f"/articles/{rng.choice(article_ids)}" for _ in range(n)],
            # Every entity is a corpus-wide one here (each base text's entities recur in
            # thousands of copies), so these are the heaviest entity pages there can be.
            "entity": [f"/entities/{rng.choice(entity_ids)}" for _ in range(n)],
            "search": [f"/search?q={quote(rng.choice(SEARCHES))}" for _ in range(n)],
        }
        port = free_port()
        server = start_server(db, port)
        failed = 0
        try:
            base = f"http://127.0.0.1:{port}"
            fire(base, [paths[0] for paths in kinds.values()] * args.workers, args.workers, 10)  # warm caches
            print(f"{'page':<8} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  p95 < {TARGET_P95_MS:.0f} ms")
            for kind, paths in kinds.items():
                times, errors = fire(base, paths, args.workers, args.seconds)
                failed += errors
                p50, p95 = statistics.median(times), percentile(times, 0.95)
                verdict = "yes" if p95 < TARGET_P95_MS else "NO"
                print(f"{kind:<8} {len(times):>8} {p50:>8.1f} {p95:>8.1f} {max(times):>8.1f}  {verdict}"
                      + (f"  ({errors} non-200 answers)" if errors else ""))
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
