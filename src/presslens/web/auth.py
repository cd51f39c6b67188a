"""The web app's access token: who may read a corpus served beyond this machine.

Receives every HTTP request before the app does; passes on those that carry the token and
answers 401 to the rest. A browser user opens any address once with `?token=…`: the answer
sets a cookie and sends them to the same address without the token, so it stays out of the
history and of copied links. Scripts send `Authorization: Bearer …` instead. Every
comparison is constant-time, so response times say nothing about how much of a guess was right.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from html import escape
from urllib.parse import parse_qsl, urlencode

from presslens.errors import PresslensError

TOKEN_ENV = "PRESSLENS_TOKEN"
COOKIE = "presslens_token"
# A token a person could guess, or a script try out in a day, protects nothing.
MIN_TOKEN_CHARS = 16
_COOKIE_DAYS = 30


def is_loopback(host: str) -> bool:
    """Return True when the address only reaches this machine (127.0.0.0/8, ::1, localhost)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def check_token(host: str, token: str | None) -> str | None:
    """Return the token the app must ask for (None: no token, on loopback only); raise a
    one-sentence error when serving beyond loopback without one, or with one too short."""
    token = token or None
    if token is None:
        if not is_loopback(host):
            raise PresslensError(f"serving on {host} would let anyone on the network read the corpus; "
                                 f"give an access token with --token or the {TOKEN_ENV} variable.")
        return None
    if len(token) < MIN_TOKEN_CHARS:
        raise PresslensError(f"the access token must be at least {MIN_TOKEN_CHARS} characters long.")
    return token


def _cookie_value(token: str) -> str:
    """Return what the cookie holds: a digest of the token, so the cookie store never keeps the token itself."""
    return hmac.new(token.encode(), b"presslens web session", hashlib.sha256).hexdigest()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode())


class TokenGate:
    """Lets through only the requests that carry the access token (header, cookie or `?token=`)."""

    def __init__(self, app, token: str):
        self.app, self.token, self.cookie = app, token, _cookie_value(token)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = _headers(scope)
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = [v for k, v in query if k == "token"]
        if given:
            if len(given) == 1 and _same(given[0], self.token):
                return await _login(scope, send, self.cookie, [(k, v) for k, v in query if k != "token"])
            return await _refuse(scope, send)
        bearer = headers.get("authorization", "")
        if bearer.lower().startswith("bearer ") and _same(bearer[7:].strip(), self.token):
            return await self.app(scope, receive, send)
        if _same(_cookies(headers.get("cookie", "")).get(COOKIE, ""), self.cookie):
            return await self.app(scope, receive, send)
        await _refuse(scope, send)


def _headers(scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookies(header: str) -> dict[str, str]:
    pairs = (part.strip().partition("=") for part in header.split(";"))
    return {name: value for name, _, value in pairs if name}


async def _login(scope, send, cookie: str, rest: list[tuple[str, str]]) -> None:
    """Set the session cookie and send the browser to the address it asked for, without the token."""
    target = scope.get("root_path", "") + scope["path"] + (f"?{urlencode(rest)}" if rest else "")
    # Strict: no other site can make the browser send it; HttpOnly: no script can read it.
    flags = f"Path=/; HttpOnly; SameSite=Strict; Max-Age={_COOKIE_DAYS * 86400}"
    if scope.get("scheme") == "https":
        flags += "; Secure"
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", target.encode("latin-1", "replace")),
                            (b"set-cookie", f"{COOKIE}={cookie}; {flags}".encode()),
                            (b"cache-control", b"no-store"), (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


async def _refuse(scope, send) -> None:
    message = ("This corpus needs an access token: open the address once with ?token=… added, "
               "or send the header Authorization: Bearer ….")
    if scope["path"].startswith("/api/") or scope["path"] == "/openapi.json":
        body, kind = json.dumps({"error": message}).encode(), b"application/json"
    else:
        body = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Access token needed</title>'
                f"</head><body><h1>Access token needed</h1><p>{escape(message)}</p></body></html>").encode()
        kind = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 401,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                            (b"www-authenticate", b'Bearer realm="presslens"'), (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})
