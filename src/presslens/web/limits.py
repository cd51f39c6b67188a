"""How often one client may ask the web app to analyse an article.

Receives every HTTP request before the app does; a POST to an analysing route (`/api/analyze`
and the form at `/analyze`) spends one token of the client's bucket, and a client with an
empty bucket gets 429 with a Retry-After header. Analysing is the one thing a request can make
the server do that costs seconds of CPU, so it is the one thing rationed; pages are not.

A client is its network address. Behind a reverse proxy every request comes from the proxy,
so the limit is then shared by everyone; the proxy should ration per client itself.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict

ANALYZING_PATHS = frozenset({"/api/analyze", "/analyze"})
DEFAULT_PER_MINUTE = 20
# The clients remembered at once: the least recently seen is forgotten first, so a flood of
# addresses costs bounded memory (and a forgotten client starts with a full bucket).
MAX_CLIENTS = 10_000


class Buckets:
    """Token buckets per client: `burst` requests at once, refilled at `per_minute`."""

    def __init__(self, per_minute: int, burst: int | None = None, clock=time.monotonic):
        self.rate = per_minute / 60.0
        self.burst = float(burst or per_minute)
        self.clock = clock
        self.clients: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self.lock = threading.Lock()

    def take(self, client: str) -> float:
        """Return 0 when the client may go ahead (one token spent), else the seconds until it may."""
        now = self.clock()
        with self.lock:
            tokens, then = self.clients.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / self.rate
            self.clients[client] = (tokens, now)
            while len(self.clients) > MAX_CLIENTS:
                self.clients.popitem(last=False)
        return wait


class AnalyzeRateLimit:
    """Answers 429 to a client that asks for more analyses than its bucket allows."""

    def __init__(self, app, per_minute: int = DEFAULT_PER_MINUTE, burst: int | None = None):
        self.app = app
        self.buckets = Buckets(per_minute, burst)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in ANALYZING_PATHS:
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.buckets.take(client)
        if not wait:
            return await self.app(scope, receive, send)
        seconds = max(1, math.ceil(wait))
        body = json.dumps({"error": f"Too many articles sent for analysis; try again in {seconds} s."}).encode()
        await send({"type": "http.response.start", "status": 429,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"retry-after", str(seconds).encode())]})
        await send({"type": "http.response.body", "body": body})
