"""A throwaway PostgreSQL server for the tests that need one (the `postgres` fixture in conftest).

The server is started from the initdb and pg_ctl found on PATH, by pg_config, or where Debian
and Ubuntu install them, in a temporary folder that is removed when it stops; the tests that
need it are skipped only when there is no server to start.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest


@dataclass
class Server:
    """A running PostgreSQL server that trusts the presslens user on 127.0.0.1."""

    port: int
    databases: count
    control: Callable[[str], None] = lambda action: None  # runs pg_ctl start, stop or restart

    def restart(self) -> None:
        """Stop the server, dropping every connection, and start it again on the same port."""
        self.control("restart")

    def stop(self) -> None:
        self.control("stop")

    def start(self) -> None:
        self.control("start")

    def url(self, database: str = "postgres") -> str:
        """Return the URL of one database of the server."""
        return f"postgresql://presslens@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """Return the URL of a database just created, empty."""
        import psycopg

        name = f"corpus{next(self.databases)}"
        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name}")
        return self.url(name)


def server_binaries() -> Path | None:
    """Return the folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    folders = []
    if shutil.which("pg_ctl"):
        folders.append(Path(shutil.which("pg_ctl")).resolve().parent)
    if shutil.which("pg_config"):
        found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        folders.append(Path(found.stdout.strip()))
    # Debian and Ubuntu keep the server binaries off PATH, one folder per major version.
    versions = Path("/usr/lib/postgresql").glob("*/bin")
    folders += sorted(versions, key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.name)], reverse=True)
    return next((f for f in folders if (f / "initdb").is_file() and (f / "pg_ctl").is_file()), None)


def free_port() -> int:
    """Return a loopback port nothing listens on at the moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server() -> Iterator[Server]:
    """Return a PostgreSQL server started now, stopped and removed when the block ends.

    Skips the calling test when no server binaries are installed.
    """
    binaries = server_binaries()
    if binaries is None:
        pytest.skip("no PostgreSQL server (initdb, pg_ctl) is installed")
    as_owner: list[str] = []
    if os.geteuid() == 0:
        # initdb and pg_ctl refuse to run as root; nobody owns the server's files instead.
        runuser = shutil.which("runuser")
        if runuser is None:
            pytest.fail("running as root, the PostgreSQL server needs runuser to start as another user")
        as_owner = [runuser, "-u", "nobody", "--"]
    # Under /tmp as root, since the usual temporary folders (pytest's among them) may be
    # private to root, and nobody must reach the data folder.
    root = Path(tempfile.mkdtemp(prefix="presslens-pg-", dir="/tmp" if as_owner else None))
    sockets = root / "sockets"
    sockets.mkdir()
    if as_owner:
        for folder in (root, sockets):
            folder.chmod(0o755)
            shutil.chown(folder, "nobody")

    def run(*command: str | Path) -> None:
        done = subprocess.run([*as_owner, *map(str, command)], cwd=root, capture_output=True, text=True)
        if done.returncode:
            log = root / "server.log"
            raise RuntimeError(f"{command[0]} failed: {done.stderr or done.stdout}"
                               + (log.read_text() if log.exists() else ""))

    data = root / "data"
    port = free_port()
    try:
        run(binaries / "initdb", "-D", data, "-A", "trust", "-U", "presslens", "-E", "UTF8", "--no-locale")
        options = f"-k {sockets} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off"

        def control(action: str) -> None:
            # Fast: the server ends every session at once, as a crash or a restart by an admin does.
            stop = ["-m", "fast"] if action in ("stop", "restart") else []
            start = ["-l", root / "server.log", "-o", options] if action in ("start", "restart") else []
            run(binaries / "pg_ctl", "-D", data, "-w", *start, action, *stop)

        control("start")
        server = Server(port, count(1), control)
        try:
            yield server
        finally:
            if (data / "postmaster.pid").exists():
                control("stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)
