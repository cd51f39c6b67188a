"""Ingest a hostile corpus twice: real articles plus thousands of broken and malicious items.

Usage: python benchmarks/hostile_corpus.py [--articles N] [--hostile M] [--keep DIR]

Builds, in a temporary folder that is removed afterwards (unless --keep), the first N real
articles (by default the AllSides sample in ../shared/data, read at run time, as one
.jsonl.gz) next to M hostile items of every kind a crawl holds: file names that are not
UTF-8, named pipes, sockets, devices, symbolic-link loops and dangling links, folders named
like files, gzip bombs, broken gzip, WARC, RSS, JSON lines and CSV, deeply nested HTML, NUL
bytes, hostile Unicode, empty and binary files. Each item is written knowing whether it holds
a readable article. Then runs `presslens ingest` with one worker and checks what the issue
asks: exit code 1, no traceback, every readable article stored, every bad item in the errors
table with a one-line message naming it, peak RSS; and that a second run adds and changes
nothing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "allsides" / "articles.jsonl.gz"
MAX_BYTES = 1_000_000  # passed to ingest: the bombs inflate past it

SENTENCES = [
    "The port authority of Varna said on Monday that {n} containers had been held.",
    "“We will keep the line open,” said Petra Lindqvist, who runs the depot.",
    "At least {n} people were hurt when a crane fell near Gdansk.",
    "Police arrested {n} men after the protest in Porto.",
    "The council approved a budget of €{n} million for the new school.",
    "Rescuers in Cebu searched the collapsed market until dawn.",
]
HOSTILE_CHARS = ["\u201a", "\u2028", "\u200b", "\u202e", "\u2066", "\u00ad", "\u0301", "\x0c", "\ufeff", "\u200d"]


class Corpus:
    """Writes the items and remembers, for each, whether it must end stored or in errors."""

    def __init__(self, root: Path, rng: random.Random):
        self.root, self.rng = root, rng
        self.readable = 0  # articles that must be stored
        self.bad: list[str] = []  # names of items that must appear in the errors table
        self.count = 0

    def text(self, number: int, hostile: bool = False) -> str:
        lines = [s.format(n=number + k) for k, s in enumerate(self.rng.sample(SENTENCES, 4))]
        text = f"Item {number} headline\n\n" + "\n\n".join(lines)
        if hostile:
            chars = list(text)
            for _ in range(12):
                chars.insert(self.rng.randrange(len(chars)), self.rng.choice(HOSTILE_CHARS))
            text = "".join(chars)
        return text

    def good(self, path: Path, data: bytes, articles: int = 1) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.readable += articles
        self.count += 1

    def broken(self, path: Path, data: bytes | None = None, make=None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if make is not None:
            make(path)
        else:
            path.write_bytes(data or b"")
        self.bad.append(os.fsdecode(path.name).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))
        self.count += 1


def build(root: Path, articles: int, hostile: int, corpus: Path, seed: int) -> Corpus:
    """Return the manifest of a hostile corpus written under root."""
    rng = random.Random(seed)
    made = Corpus(root, rng)
    real = root / "real" / "articles.jsonl.gz"
    real.parent.mkdir(parents=True)
    with gzip.open(corpus, "rb") as source, gzip.open(real, "wb") as target:
        for number, line in enumerate(source):
            if number >= articles:
                break
            target.write(line)
    made.readable += min(articles, number + 1 if articles else 0)
    made.count += min(articles, number + 1 if articles else 0)

    kinds = [_non_utf8_name, _fifo, _socket, _device, _link_loop, _dangling_link, _folder_like_file,
             _gzip_bomb, _jsonl_gzip_bomb, _broken_gzip, _broken_warc, _broken_feed, _broken_jsonl_file,
             _broken_csv, _deep_html, _nul_bytes, _hostile_unicode, _empty_file, _binary_file, _cut_jsonl_gzip]
    folder = root / "hostile"
    for number in range(hostile):
        kind = kinds[number % len(kinds)]
        kind(made, folder / f"{number // 200:02d}", number)
    return made


def _non_utf8_name(c: Corpus, folder: Path, n: int) -> None:
    c.good(Path(os.fsdecode(bytes(folder) + f"/caf\xe9-{n}".encode("latin-1") + b".txt")),
           c.text(n).encode("utf-8"))


def _fifo(c: Corpus, folder: Path, n: int) -> None:
    c.broken(folder / f"pipe-{n}.txt", make=os.mkfifo)


def _socket(c: Corpus, folder: Path, n: int) -> None:
    def make(path: Path) -> None:
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(str(path))

    c.broken(folder / f"sock-{n}.html", make=make)


def _device(c: Corpus, folder: Path, n: int) -> None:
    def make(path: Path) -> None:
        try:
            os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        except PermissionError:  # not root: a link to one reads the same
            path.symlink_to("/dev/zero")

    c.broken(folder / f"device-{n}.txt", make=make)


def _link_loop(c: Corpus, folder: Path, n: int) -> None:
    c.broken(folder / f"loop-{n}.txt", make=lambda p: p.symlink_to(p.name))


def _dangling_link(c: Corpus, folder: Path, n: int) -> None:
    c.broken(folder / f"dangling-{n}.html", make=lambda p: p.symlink_to(f"missing-{n}.html"))


def _folder_like_file(c: Corpus, folder: Path, n: int) -> None:
    c.good(folder / f"folder-{n}.txt" / "inside.txt", c.text(n).encode("utf-8"))
    if not (folder / "up").exists():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "up").symlink_to(".")  # a folder link back up the tree: must not loop


def _gzip_bomb(c: Corpus, folder: Path, n: int) -> None:
    c.broken(folder / f"bomb-{n}.txt.gz", gzip.compress(b"a" * (MAX_BYTES * 3), compresslevel=9))


def _jsonl_gzip_bomb(c: Corpus, folder: Path, n: int) -> None:
    line = b'{"text": "' + b"a " * MAX_BYTES + b'"}\n'
    c.broken(folder / f"bomb-{n}.jsonl.gz", gzip.compress(line, compresslevel=9))


def _broken_gzip(c: Corpus, folder: Path, n: int) -> None:
    packed = gzip.compress(c.text(n).encode("utf-8"))
    data = packed[: len(packed) // 2] if n % 2 else b"\x1f\x8b\x08\x00" + os.urandom(200)
    c.broken(folder / f"broken-{n}.html.gz", data)


def _broken_warc(c: Corpus, folder: Path, n: int) -> None:
    record = (b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999999\r\n\r\nHTTP/1.1 200 OK\r\n"
              b"Content-Type: text/html\r\n\r\n<html><p>cut")
    c.broken(folder / f"crawl-{n}.warc", record if n % 2 else os.urandom(300))


def _broken_feed(c: Corpus, folder: Path, n: int) -> None:
    data = b"<?xml version='1.0'?><rss><channel><title>x</title><item><title>" if n % 2 else b"<rss><channel/></rss>"
    c.broken(folder / f"feed-{n}.rss", data)


def _broken_jsonl_file(c: Corpus, folder: Path, n: int) -> None:
    # One good line is an article; each bad line is an error named by its line number.
    good = json.dumps({"text": c.text(n), "url": f"https://example.org/{n}"}).encode("utf-8")
    lines = [good, b"{not json", b"[1, 2]", b'{"title": "no body"}', b'{"text": "\\ud800 lone"', b"\xff\xfe\x00"]
    path = folder / f"lines-{n}.jsonl"
    c.good(path, b"\n".join(lines) + b"\n")
    c.bad.extend([f"{path.name}:{k}" for k in range(2, 7)])


def _broken_csv(c: Corpus, folder: Path, n: int) -> None:
    data = b"title,url\nx,y\n" if n % 2 else b'text,title\n"never closed,\x00 nul'
    c.broken(folder / f"table-{n}.csv", data)


def _deep_html(c: Corpus, folder: Path, n: int) -> None:
    depth = 20_000
    page = ("<html><body>" + "<div>" * depth + "<p>" + c.text(n).replace("\n\n", "</p><p>") + "</p>"
            + "</div>" * depth + "</body></html>")
    c.good(folder / f"deep-{n}.html", page.encode("utf-8"))


def _nul_bytes(c: Corpus, folder: Path, n: int) -> None:
    if n % 2:  # a few NULs in prose: read, the NULs dropped
        text = c.text(n)
        c.good(folder / f"nul-{n}.txt", (text[:20] + "\x00" + text[20:40] + "\x00" + text[40:]).encode("utf-8"))
    else:  # mostly NULs: binary
        c.broken(folder / f"nul-{n}.txt", b"\x00" * 4000 + b"text")


def _hostile_unicode(c: Corpus, folder: Path, n: int) -> None:
    c.good(folder / f"unicode-{n}.txt", c.text(n, hostile=True).encode("utf-8"))


def _empty_file(c: Corpus, folder: Path, n: int) -> None:
    c.broken(folder / f"empty-{n}.txt", b"  \n\t\n" if n % 2 else b"")


def _binary_file(c: Corpus, folder: Path, n: int) -> None:
    c.broken(folder / f"image-{n}.html", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)


def _cut_jsonl_gzip(c: Corpus, folder: Path, n: int) -> None:
    # Two whole lines then a cut stream: the two are stored, the break is reported.
    lines = "".join(json.dumps({"text": c.text(n * 10 + k), "url": f"https://example.org/{n}/{k}"}) + "\n"
                    for k in range(2)).encode("utf-8")
    packed = gzip.compress(lines + b'{"text": "' + os.urandom(5000).hex().encode() + b'"}\n')
    path = folder / f"cut-{n}.jsonl.gz"
    c.good(path, packed[: len(packed) - 2000], articles=2)
    c.bad.append(path.name)


def ingest(presslens: str, sources: list[str], db: Path) -> dict:
    """Return exit code, seconds, peak RSS and stderr of one `presslens ingest` run."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    run = subprocess.run([presslens, "ingest", *sources, "--db", str(db), "--workers", "1",
                          "--max-bytes", str(MAX_BYTES)], capture_output=True, text=True, errors="replace")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"code": run.returncode, "seconds": time.perf_counter() - started,
            "peak_rss_mb": max(peak, before) / 1024, "stderr": run.stderr, "stdout": run.stdout}


def state(db: Path) -> dict:
    """Return the row count of every table and the error rows, to compare two runs."""
    with sqlite3.connect(db) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                   "AND name NOT LIKE '%fts%' AND name NOT LIKE 'sqlite%'")]
        counts = {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        errors = connection.execute("SELECT source, message FROM errors ORDER BY source, message").fetchall()
        articles = connection.execute("SELECT id, record FROM articles ORDER BY id").fetchall()
    return {"counts": counts, "errors": errors, "articles": hash(tuple(articles))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--hostile", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--keep", type=Path, help="build the corpus here and keep it")
    args = parser.parse_args(argv)
    presslens = str(Path(sys.executable).with_name("presslens"))

    root = args.keep or Path(tempfile.mkdtemp(prefix="hostile-corpus-"))
    try:
        made = build(root / "corpus", args.articles, args.hostile, args.corpus, args.seed)
        db = root / "corpus.db"
        sources = [str(root / "corpus" / "real"), str(root / "corpus" / "hostile")]
        print(f"corpus: {made.count:,} items ({args.articles:,} real articles, {args.hostile:,} hostile items); "
              f"{made.readable:,} readable articles, {len(made.bad):,} bad items expected", flush=True)
        first = ingest(presslens, sources, db)
        after_first = state(db)
        second = ingest(presslens, sources, db)
        after_second = state(db)

        sources_in_errors = [source for source, _ in after_first["errors"]]
        unnamed = [n for n in made.bad if not any(s.endswith(n) or n in s for s in sources_in_errors)]
        multi_line = [m for _, m in after_first["errors"] if "\n" in m or not m.strip()]
        stored = after_first["counts"].get("articles", 0)
        for label, run in (("first", first), ("second", second)):
            print(f"{label} run: exit {run['code']}, {run['seconds']:.0f} s, peak RSS {run['peak_rss_mb']:.0f} MB, "
                  f"traceback: {'yes' if 'Traceback' in run['stderr'] else 'no'}; {run['stdout'].strip()}")
        print(f"articles stored: {stored:,} of {made.readable:,} readable")
        print(f"errors table: {len(after_first['errors']):,} rows; bad items not named there: {len(unnamed)}; "
              f"messages not one line: {len(multi_line)}")
        print(f"second run changed the store: {'no' if after_first == after_second else 'YES'}")
        for name in unnamed[:10]:
            print(f"  not in errors: {name}")
        ok = (first["code"] == 1 and "Traceback" not in first["stderr"] + second["stderr"]
              and stored == made.readable and not unnamed and not multi_line and after_first == after_second)
        return 0 if ok else 1
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
