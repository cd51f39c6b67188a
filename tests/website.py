"""A small web site on 127.0.0.1 for the fetching tests: pages set per path, every request logged.

Each path answers with a `Reply` (or a list of them, one per request, the last repeated):
status, type, body, headers, a delay before answering, a pause between chunks. A reply
with an ETag or Last-Modified answers 304 to a request that sends it back. The site
keeps the most requests it had in flight at once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """One answer of the site."""

    body: bytes | str = b""
    status: int = 200
    type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds before the status line
    chunk: int = 0  # with a pause: bytes per chunk
    pause: float = 0.0  # seconds between chunks
    length: bool = True  # send Content-Length


@dataclass
class Hit:
    """One request the site received."""

    path: str
    headers: dict[str, str]
    start: float
    end: float = 0.0
    status: int = 0


class Website:
    """A threaded HTTP server on a free loopback port; use it as a context manager."""

    def __init__(self):
        self.replies: dict[str, Reply | list[Reply]] = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.active = 0
        self.most_active = 0
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the name http.server calls)
                site._answer(self)

            def log_message(self, *args):  # the test output stays quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Website:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> bool:
        self.server.shutdown()
        self.server.server_close()
        return False

    def url(self, path: str) -> str:
        """Return the full address of a path of the site."""
        return f"http://127.0.0.1:{self.port}{path}"

    def paths(self) -> list[str]:
        """Return the paths requested, in the order the requests arrived."""
        with self.lock:
            return [hit.path for hit in self.hits]

    def count(self, path: str) -> int:
        """Return how many times a path was requested."""
        return self.paths().count(path)

    def _reply(self, path: str, number: int) -> Reply:
        found = self.replies.get(path, self.replies.get(path.split("?")[0]))  # tracking parameters change nothing
        if found is None:
            return Reply(b"no such page", status=404, type="text/plain")
        if isinstance(found, list):
            return found[min(number, len(found) - 1)]
        return found

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        hit = Hit(handler.path, {k.lower(): v for k, v in handler.headers.items()}, time.monotonic())
        with self.lock:
            number = sum(1 for h in self.hits if h.path == hit.path)
            self.hits.append(hit)
            self.active += 1
            self.most_active = max(self.most_active, self.active)

        def done() -> None:
            # Counted as over just before the last bytes go out: the client cannot have them, and
            # so cannot start its next request, before this runs. Counting after the write would
            # also count the moment this thread waits for the CPU once the client has its answer.
            with self.lock:
                if not hit.end:
                    self.active -= 1
                    hit.end = time.monotonic()

        try:
            reply = self._reply(hit.path, number)
            time.sleep(reply.delay)
            body = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
            unchanged = ((reply.etag and hit.headers.get("if-none-match") == reply.etag)
                         or (reply.last_modified and hit.headers.get("if-modified-since") == reply.last_modified))
            hit.status = 304 if unchanged else reply.status
            handler.send_response(hit.status)
            if reply.etag:
                handler.send_header("ETag", reply.etag)
            if reply.last_modified:
                handler.send_header("Last-Modified", reply.last_modified)
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            if unchanged:
                done()
                handler.end_headers()
                return
            handler.send_header("Content-Type", reply.type)
            if reply.length:
                handler.send_header("Content-Length", str(len(body)))
            pieces = [body[i:i + reply.chunk] for i in range(0, len(body), reply.chunk)] if reply.chunk else [body]
            if not body:
                done()
            handler.end_headers()
            for number, piece in enumerate(pieces, start=1):
                if number == len(pieces):
                    done()
                handler.wfile.write(piece)
                if reply.chunk:
                    handler.wfile.flush()
                    time.sleep(reply.pause)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading, as it should past a size limit
        finally:
            done()
