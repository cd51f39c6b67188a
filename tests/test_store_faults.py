"""Store faults, each injected: PostgreSQL restarted under `ingest` and under `serve`, SQLite read by
`serve` while `ingest` writes, and a disk that fills up during `ingest`.

The PostgreSQL tests start a server of their own (tests/pgserver.py), since restarting the
session's would cut the connections other test modules hold. The disk-full test mounts a
small tmpfs, which needs root; elsewhere it is skipped, saying so.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from presslens.cli import main  # noqa: E402
from presslens.corpus.store import open_store  # noqa: E402
from presslens.web.app import create_app  # noqa: E402

TOWNS = ["Lyon", "Porto", "Gothenburg", "Marseille", "Bilbao", "Turin", "Ghent", "Aarhus"]
PEOPLE = ["Liesl Brandt", "Rui Costa", "Marc Diallo", "Maja Holm", "Tomas Weber", "Claire Dumont"]


def article(n: int) -> str:
    """Return the text of a short, distinct article numbered n."""
    town, person = TOWNS[n % len(TOWNS)], PEOPLE[n % len(PEOPLE)]
    return (f"Council {n} approves {n * 3 + 7} new buses for {town}\n\n"
            f"The city council of {town} approved {n * 3 + 7} new buses on Monday, at a cost of {n + 2} million euros.\n\n"
            f'"Route {n} will run every ten minutes from March," said Mayor {person} after the vote.\n\n'
            f"About {100 + n} residents attended the meeting in {town}, the council said.\n")


def write_articles(folder: Path, count: int, first: int = 0) -> Path:
    """Return the folder after writing `count` distinct article files into it, numbered from `first`."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(first, first + count):
        (folder / f"article-{n:03d}.txt").write_text(article(n), encoding="utf-8")
    return folder


def one_sentence(err: str) -> str:
    """Return the one line of an error message, after checking it is one line and no traceback."""
    assert "Traceback" not in err and err.startswith("presslens: ") and err.count("\n") == 1, err
    return err


@pytest.fixture(scope="module")
def own_postgres():
    """Return a PostgreSQL server of this module's own, free to be restarted."""
    from pgserver import running_server

    with running_server() as server:
        yield server


def stored_ids(location: str) -> set[str]:
    with open_store(location, read_only=True, create=False) as store:
        return {row["id"] for row in store.query("SELECT id FROM articles")}


def counts(location: str) -> dict[str, int]:
    with open_store(location, read_only=True, create=False) as store:
        return store.counts()


def counts_of_clean_ingest(folder: Path, location: str, capsys) -> dict[str, int]:
    """Return the row counts an uninterrupted ingest of the folder leaves in a new store."""
    assert main(["ingest", str(folder), "--db", location]) == 0
    capsys.readouterr()
    return counts(location)


def restart_after(server, after: int, monkeypatch) -> list[int]:
    """Make the next ingest's sources restart the server once `after` items were read; return the read count."""
    from presslens.ingest import dispatch

    real = dispatch.iter_corpus_articles
    read = [0]

    def sources(locations, max_bytes):
        for item in real(locations, max_bytes):
            if read[0] == after:
                server.restart()
            read[0] += 1
            yield item

    monkeypatch.setattr(dispatch, "iter_corpus_articles", sources)
    return read


def test_postgresql_restarted_during_ingest_stops_in_one_sentence_and_the_rerun_loses_nothing(
        own_postgres, tmp_path, monkeypatch, capsys, nlp):
    url = own_postgres.new_database()
    folder = write_articles(tmp_path / "news", 12)
    read = restart_after(own_postgres, 6, monkeypatch)
    assert main(["ingest", str(folder), "--db", url, "--batch-size", "2"]) == 2
    err = one_sentence(capsys.readouterr().err)
    assert f"the database {url} failed during the ingest" in err and "run the same command again" in err
    assert 6 <= read[0] < 12  # it stopped at the restart, not after reading everything
    kept = stored_ids(url)
    assert 0 < len(kept) < 12  # the batches committed before the restart are there
    monkeypatch.undo()
    assert main(["ingest", str(folder), "--db", url, "--batch-size", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{12 - len(kept)} added, {len(kept)} already stored, 0 failed")
    # Every table as an ingest that nothing interrupted leaves it: no article lost, none half-stored.
    assert counts(url) == counts_of_clean_ingest(folder, own_postgres.new_database(), capsys)
    assert counts(url)["articles"] == 12 and counts(url)["errors"] == 0


def test_postgresql_restarted_under_serve_the_next_request_reconnects(own_postgres, tmp_path, nlp):
    url = own_postgres.new_database()
    assert main(["ingest", str(write_articles(tmp_path / "news", 3)), "--db", url]) == 0
    with TestClient(create_app(url)) as client:
        assert client.get("/api/articles").json()["total"] == 3
        before = client.app.state.stores.get()
        own_postgres.restart()
        # The restart ended the app's connection; the request after it is answered on a new one.
        for path in ["/api/articles", "/", "/api/search?q=buses", "/articles"]:
            assert client.get(path).status_code == 200, path
        assert client.get("/api/articles").json()["total"] == 3
        assert client.app.state.stores.get() is not before and before.db is None
        # While the server is down, a page is one sentence and a 503, never a traceback or a 500.
        own_postgres.stop()
        try:
            down = client.get("/api/articles")
            assert down.status_code == 503
            message = down.json()["error"]
            assert message.startswith("Cannot connect to the PostgreSQL database") and message.count("\n") == 0
            assert client.get("/articles").status_code == 503
        finally:
            own_postgres.start()
        assert client.get("/api/articles").json()["total"] == 3


def test_sqlite_serves_while_ingest_writes(tmp_path, nlp):
    from presslens.corpus.ingest import ingest

    db = tmp_path / "live.db"
    assert main(["ingest", str(write_articles(tmp_path / "first", 2)), "--db", str(db)]) == 0
    more = write_articles(tmp_path / "more", 24, first=2)
    done = threading.Event()
    failure: list[BaseException] = []

    def writer():
        try:
            with open_store(db) as store:
                ingest([more], store, batch_size=2)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            failure.append(error)
        finally:
            done.set()

    with TestClient(create_app(db)) as client:
        seen = []
        thread = threading.Thread(target=writer)
        thread.start()
        while not done.is_set() or len(seen) < 3:
            answers = [client.get(p) for p in ("/api/articles", "/", "/api/search?q=buses", "/api/overview")]
            assert [a.status_code for a in answers] == [200] * 4
            seen.append(answers[0].json()["total"])
        thread.join()
        assert not failure, failure
        assert seen == sorted(seen)  # readers see each committed batch, never a half-written one
        assert len(set(seen)) > 2  # and they saw the ingest progress while it ran
        assert client.get("/api/articles").json()["total"] == 26


def _mount_tmpfs(folder: Path, size: str) -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a full disk is simulated with a tmpfs, and only root can mount one")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"a full disk is simulated with a tmpfs, which cannot be mounted here ({done.stderr.strip()})")


def test_a_full_disk_stops_ingest_in_one_sentence_with_the_database_intact(tmp_path, capsys, nlp):
    disk = tmp_path / "disk"
    disk.mkdir()
    _mount_tmpfs(disk, "640k")
    try:
        db = disk / "corpus.db"
        folder = write_articles(tmp_path / "news", 40)
        assert main(["ingest", str(folder), "--db", str(db), "--batch-size", "4"]) == 2
        err = one_sentence(capsys.readouterr().err)
        assert "database or disk is full" in err and "run the same command again" in err
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as check:
            assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            kept = check.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        assert 0 < kept < 40
        # With room again, the same command finishes the job.
        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
        assert main(["ingest", str(folder), "--db", str(db), "--batch-size", "4"]) == 0
        assert capsys.readouterr().out.startswith(f"{40 - kept} added, {kept} already stored, 0 failed")
        with sqlite3.connect(db) as check:
            assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert check.execute("SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'buses'").fetchone()[0] == 40
        assert counts(str(db)) == counts_of_clean_ingest(folder, str(tmp_path / "clean.db"), capsys)
        assert counts(str(db))["articles"] == 40
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
