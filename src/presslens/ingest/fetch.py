"""Fetch web pages, feeds and sitemaps politely: receives an address, returns its bytes and headers.

Every request presslens makes goes through one `Fetcher`, which

- obeys robots.txt (read with `urllib.robotparser`, once per site and hour),
- keeps a delay between requests to a site and a limit on requests in flight to it,
- sends the validators it is given (ETag, Last-Modified), so an unchanged feed costs a 304,
- retries with growing waits on 429 and 5xx answers, waiting as long as Retry-After asks,
- follows redirects itself, checking robots.txt at every hop,
- stops reading a body once it passes the size limit or the time limit,
- says who it is in its User-Agent, which the user can replace.

A failure is a `FetchError` with one sentence saying what went wrong (the host was not
found, the connection was refused, the server answered 404, ...), and whether trying again
later may help.
"""

from __future__ import annotations

import email.utils
import os
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from presslens import __version__
from presslens.errors import InputError
from presslens.ingest.sources import DEFAULT_MAX_BYTES, decode_bytes

DEFAULT_USER_AGENT = (f"presslens/{__version__} (news analysis; reads robots.txt, one request a second"
                      " per site; set your own with --user-agent)")
RETRIED_STATUSES = {429, 500, 502, 503, 504}
ROBOTS_TTL = 3600.0  # seconds a site's robots.txt is trusted before it is read again
ROBOTS_RETRY = 60.0  # seconds before an unreadable robots.txt is tried again
# Types that are never an article, a feed or a sitemap: refused before their body is read.
BINARY_TYPES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip",
                "application/octet-stream", "application/x-", "application/vnd.", "application/msword")
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Politeness:
    """How a Fetcher treats the sites it reads; the defaults suit a crawler nobody asked for."""

    user_agent: str = field(default_factory=lambda: os.environ.get("PRESSLENS_USER_AGENT") or DEFAULT_USER_AGENT)
    delay: float = 1.0  # seconds between the starts of two requests to one site
    per_site: int = 1  # requests in flight to one site at a time
    timeout: float = 20.0  # seconds for a connection, for a pause in the answer, and for the whole answer
    retries: int = 3  # further tries after a 429 or 5xx answer
    backoff: float = 2.0  # seconds before the first retry when the server says nothing; doubled each time
    max_wait: float = 300.0  # a Retry-After longer than this is not waited for: the request fails
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = 10
    obey_robots: bool = True


class FetchError(InputError):
    """An address that could not be fetched; `transient` when trying again later may work."""

    def __init__(self, message: str, where: str | None = None, transient: bool = False):
        super().__init__(message, where)
        self.transient = transient


class Disallowed(FetchError):
    """An address robots.txt forbids this user agent to fetch."""


@dataclass
class Fetched:
    """What a server answered: the final address after redirects, the status, the body and its validators."""

    url: str
    status: int
    data: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    requested: str = ""

    @property
    def not_modified(self) -> bool:
        """Return True when the server said the resource is unchanged since the validators sent (304)."""
        return self.status == 304

    def text(self) -> str:
        """Return the body as text: charset from the headers, else from the markup, else detected."""
        return decode_page(self.data, self.charset, self.url)


@dataclass
class _Site:
    """The politeness book-keeping of one site (scheme, host and port)."""

    slots: threading.Semaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0
    delay: float = 0.0
    robots: RobotFileParser | None = None
    robots_read: float = -ROBOTS_TTL
    robots_error: str | None = None
    robots_lock: threading.Lock = field(default_factory=threading.Lock)


class Fetcher:
    """The one door to the web: polite, bounded, thread-safe. Close it (or use `with`) when done."""

    def __init__(self, politeness: Politeness | None = None, transport: httpx.BaseTransport | None = None):
        self.politeness = politeness or Politeness()
        p = self.politeness
        self.client = httpx.Client(
            headers={"User-Agent": p.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(p.timeout), follow_redirects=False, transport=transport,
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=64))
        self._sites: dict[str, _Site] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self.requests = 0  # every request sent, robots.txt and retries included

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> bool:
        self.close()
        return False

    def close(self) -> None:
        """Stop every wait in progress and release the connections."""
        self._closed.set()
        self.client.close()

    def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """Return the server's answer for this address (a 304 when the validators still hold); raise FetchError."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise FetchError("is not an http:// or https:// address", url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _ in range(self.politeness.max_redirects + 1):
            self._check_robots(current, url)
            answer = self._request(current, headers, url)
            if isinstance(answer, str):  # a redirect: followed without the first address's validators
                current, headers = answer, {}
                continue
            answer.requested = url
            return answer
        raise FetchError(f"redirects more than {self.politeness.max_redirects} times", url)

    # -- politeness ---------------------------------------------------------------------

    def _site(self, url: str) -> tuple[str, _Site]:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc.lower()}"
        with self._lock:
            site = self._sites.get(key)
            if site is None:
                site = self._sites[key] = _Site(threading.Semaphore(self.politeness.per_site),
                                                delay=self.politeness.delay)
        return key, site

    @contextmanager
    def _slot(self, site: _Site) -> Iterator[None]:
        """Hold one of the site's request slots, starting no sooner than its delay allows."""
        while not site.slots.acquire(timeout=0.5):
            self._stop_if_closed()
        try:
            with site.lock:
                now = time.monotonic()
                start = max(now, site.next_start)
                site.next_start = start + site.delay
            self._sleep(start - now)
            yield
        finally:
            site.slots.release()

    def _hold_back(self, site: _Site, seconds: float) -> None:
        """Start no request to the site for this long (it answered 429 or 503)."""
        with site.lock:
            site.next_start = max(site.next_start, time.monotonic() + seconds)

    def _sleep(self, seconds: float) -> None:
        if seconds > 0 and self._closed.wait(seconds):
            self._stop_if_closed()

    def _stop_if_closed(self) -> None:
        if self._closed.is_set():
            raise FetchError("was not fetched: the fetcher was stopped", transient=True)

    def _check_robots(self, url: str, where: str) -> None:
        if not self.politeness.obey_robots:
            return
        key, site = self._site(url)
        with site.robots_lock:
            if time.monotonic() - site.robots_read >= ROBOTS_TTL:
                self._read_robots(key, site)
        if site.robots_error is not None:
            raise FetchError(site.robots_error, where, transient=True)
        if not site.robots.can_fetch(self.politeness.user_agent, url):
            raise Disallowed(f"is disallowed by {key}/robots.txt for this user agent", where)

    def _read_robots(self, key: str, site: _Site) -> None:
        """Read the site's robots.txt: missing means all allowed, forbidden means none, unreadable means wait."""
        robots = RobotFileParser(f"{key}/robots.txt")
        site.robots_read, site.robots_error = time.monotonic(), None
        try:
            answer = self.fetch_unchecked(f"{key}/robots.txt")
        except FetchError as error:
            site.robots_error = error.args[0]  # the site cannot be reached: say why, as for a page
        else:
            if answer.status in (401, 403):
                robots.disallow_all = True
            elif 400 <= answer.status < 500:
                robots.allow_all = True
            elif answer.status >= 300:
                site.robots_error = f"was not fetched: {key}/robots.txt answered {answer.status}, so its rules are unknown"
            else:
                try:
                    lines = answer.text().splitlines()
                except InputError:
                    lines = []
                robots.parse(lines)
        if site.robots_error is not None:
            site.robots = None
            site.robots_read -= ROBOTS_TTL - ROBOTS_RETRY  # a site that is down is asked again soon
            return
        robots.modified()
        site.robots = robots
        # A Crawl-delay asks for more room than the default delay: it is granted, never less.
        asked = robots.crawl_delay(self.politeness.user_agent)
        if asked:
            with site.lock:
                site.delay = max(self.politeness.delay, float(asked))

    def fetch_unchecked(self, url: str) -> Fetched:
        """Return the answer for an address, redirects followed, without asking robots.txt (for robots.txt itself)."""
        current = url
        for _ in range(5):
            answer = self._request(current, {}, url, any_status=True)
            if isinstance(answer, str):
                current = answer
                continue
            return answer
        raise FetchError("redirects too many times", url)

    # -- one request ----------------------------------------------------------------------

    def _request(self, url: str, headers: dict, where: str, any_status: bool = False) -> Fetched | str:
        """Return the answer, or the address a redirect points to; retry 429 and 5xx answers."""
        p = self.politeness
        _, site = self._site(url)
        for attempt in range(p.retries + 1):
            with self._slot(site):
                self._stop_if_closed()
                with self._lock:
                    self.requests += 1
                try:
                    with self.client.stream("GET", url, headers=headers) as response:
                        status = response.status_code
                        if status in (301, 302, 303, 307, 308) and "location" in response.headers:
                            return urljoin(url, response.headers["location"])
                        wait = None
                        if status in RETRIED_STATUSES and attempt < p.retries:
                            wait = retry_after(response.headers.get("retry-after"), p.backoff * 2 ** attempt)
                        elif status >= 400 and not any_status:
                            raise FetchError(_status_sentence(response, attempt), where,
                                             transient=status in RETRIED_STATUSES or status == 408)
                        else:
                            return self._answer(response, url, where)
                except httpx.HTTPError as error:
                    raise FetchError(network_sentence(error, p.timeout), where, transient=True) from None
            if wait > p.max_wait:
                raise FetchError(f"the server answered {status} and asked to wait {wait:.0f} s, longer than "
                                 f"the {p.max_wait:.0f} s allowed", where, transient=True)
            self._hold_back(site, wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _answer(self, response: httpx.Response, url: str, where: str) -> Fetched:
        p = self.politeness
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        found = Fetched(url=url, status=response.status_code, content_type=kind,
                        charset=response.charset_encoding, etag=response.headers.get("etag"),
                        last_modified=response.headers.get("last-modified"))
        if response.status_code == 304:
            return found
        if kind.startswith(BINARY_TYPES) and not kind.endswith(("xml", "gzip")):
            raise FetchError(f"is {kind}, not an HTML page, a feed or a sitemap", where)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > p.max_bytes:
            raise FetchError(_too_large(int(declared), p.max_bytes), where)
        deadline = time.monotonic() + p.timeout
        chunks, size = [], 0
        # Counted after decompression: a small gzip body can unpack to gigabytes.
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > p.max_bytes:
                raise FetchError(_too_large(size, p.max_bytes, at_least=True), where)
            if time.monotonic() > deadline:
                raise FetchError(f"did not arrive within {p.timeout:g} s (timed out)", where, transient=True)
            chunks.append(chunk)
        found.data = b"".join(chunks)
        if found.data.startswith(GZIP_MAGIC):  # a .xml.gz sitemap is served gzipped as a file
            found.data = _gunzip(found.data, p.max_bytes, where)
        return found


def retry_after(value: str | None, default: float) -> float:
    """Return the seconds a Retry-After header asks to wait (seconds or an HTTP date), else the default."""
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, when.timestamp() - time.time())


def network_sentence(error: httpx.HTTPError, timeout: float) -> str:
    """Return what went wrong on the network, in words: DNS, refused, timed out, TLS, cut off."""
    if isinstance(error, httpx.TimeoutException):
        return f"no answer within {timeout:g} s (timed out)"
    causes = []
    cause: BaseException | None = error
    while cause is not None and len(causes) < 10:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    host = _host(error)
    if any(isinstance(c, socket.gaierror) for c in causes):
        return f"the host {host} could not be found (DNS lookup failed)"
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return f"the connection to {host} was refused (nothing listens there)"
    if any(isinstance(c, ssl.SSLError) for c in causes):
        return f"the secure connection to {host} failed ({causes[-1]})"
    if isinstance(error, httpx.RemoteProtocolError):
        return "the server broke off its answer"
    if isinstance(error, httpx.UnsupportedProtocol):
        return "is not an http:// or https:// address"
    return f"could not be fetched ({type(causes[-1]).__name__}: {causes[-1]})"


def _host(error: httpx.HTTPError) -> str:
    try:
        return error.request.url.netloc.decode("ascii", "replace")
    except (RuntimeError, AttributeError):
        return "the server"


def _status_sentence(response: httpx.Response, attempt: int) -> str:
    tries = f" (after {attempt + 1} tries)" if attempt else ""
    return f"the server answered {response.status_code} {response.reason_phrase}{tries}".rstrip()


def _too_large(size: int, limit: int, at_least: bool = False) -> str:
    amount = f"over {limit:,} bytes" if at_least else f"{size:,} bytes, over the {limit:,}-byte limit"
    return f"is {amount} (raise the limit with --max-bytes)"


def _gunzip(data: bytes, limit: int, where: str) -> bytes:
    try:
        unpacked = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, limit + 1)
    except zlib.error as error:
        raise FetchError(f"is not readable gzip ({error})", where) from None
    if len(unpacked) > limit:
        raise FetchError(_too_large(len(unpacked), limit, at_least=True), where)
    return unpacked


def decode_page(data: bytes, charset: str | None, where: str | None = None) -> str:
    """Return a fetched body as text: a byte-order mark first, then the header's charset, then the markup's."""
    try:
        if charset and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) and b"\x00" not in data[:4096]:
            try:
                text = data.decode(charset)
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong or unknown charset in the header: the markup or the bytes tell
            else:
                if text.strip():
                    return text
        return decode_bytes(data)
    except InputError as error:
        error.where = error.where or where
        raise
