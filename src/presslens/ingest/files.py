"""Find the files a location names and open them without trusting them.

Receives paths (files, folders) and returns readable files, a printable name for each and
readers whose inflated size is capped: a named pipe, socket or device is reported and never
opened (opening a pipe would block the run), a symbolic-link loop or dangling link is
reported, and a gzip file is read through a stream that stops at the byte limit instead of
inflating a bomb in memory.
"""

from __future__ import annotations

import errno
import gzip
import os
import stat
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from presslens.errors import InputError

# What a broken gzip stream raises: a bad header or CRC (BadGzipFile is an OSError), a cut
# stream (EOFError) or corrupt deflate data (zlib.error).
GZIP_ERRORS = (OSError, EOFError, zlib.error)
CHUNK = 1 << 16


def shown_path(path: str | os.PathLike) -> str:
    """Return the path as valid UTF-8 text: bytes of a name that is not UTF-8 become \\xNN escapes.

    The file is still opened through its Path, which keeps the original bytes; this form is
    what is printed, stored and serialised, and JSON and databases accept it.
    """
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file system decoding produces
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def inner_suffix(path: Path) -> str:
    """Return the suffix that says a file's format, looking inside .gz: 'a.jsonl.gz' is '.jsonl'."""
    name = path.name.lower()
    if name.endswith(".gz"):
        return Path(name[:-3]).suffix
    return path.suffix.lower()


def unreadable_kind(path: Path) -> str | None:
    """Return why a path that exists is no regular file to read (pipe, socket, device, link loop), or None."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "is a symbolic link that loops back on itself; skipped"
        if path.is_symlink():
            return "is a symbolic link to nothing; skipped"
        return f"cannot be read ({error.strerror or error})"
    if stat.S_ISFIFO(mode):
        return "is a named pipe, not a file; skipped without opening it"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file; skipped without opening it"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file; skipped without opening it"
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return "is not a regular file; skipped"
    return None


def folder_files(folder: Path, wanted: Callable[[Path], bool]) -> Iterator[Path | InputError]:
    """Yield the wanted regular files under a folder in path order, and an error for each wanted
    name that is a pipe, socket, device or broken link.

    Symbolic links to folders are not followed, so a link back up the tree cannot loop.
    """
    found: list[Path | InputError] = []
    for root, folders, names in os.walk(folder, followlinks=False):
        folders[:] = [f for f in folders if not f.startswith(".")]
        for name in names:
            path = Path(root, name)
            if not wanted(path):
                continue
            problem = unreadable_kind(path)
            if problem is None and not path.is_dir():
                found.append(path)
            elif problem is not None:
                found.append(InputError(problem, shown_path(path)))
        # A link to a folder that cannot be resolved shows up among the folders.
        for name in folders:
            path = Path(root, name)
            if path.is_symlink() and wanted(path) and (problem := unreadable_kind(path)):
                found.append(InputError(problem, shown_path(path)))
    found.sort(key=lambda item: item.parts if isinstance(item, Path) else Path(item.where or "").parts)
    yield from found


def folder_articles(folder: Path, wanted: Callable[[Path], bool], read: Callable[[Path], Iterator],
                    kinds: str) -> Iterator:
    """Yield what ``read`` gives for each wanted file under the folder, an error for each file that
    cannot be opened, and one error when the folder holds none of the ``kinds`` of file."""
    files = list(folder_files(folder, wanted))
    if not files:
        yield InputError(f"the folder holds no {kinds} files", shown_path(folder))
    for file in files:
        if isinstance(file, InputError):
            yield file
        else:
            yield from read(file)


class TooLarge(Exception):
    """Raised by a capped reader when the stream holds more than its byte limit."""

    def __init__(self, limit: int):
        super().__init__(too_large_message(None, limit))
        self.limit = limit


def open_bytes(path: Path) -> BinaryIO:
    """Return the file opened for reading bytes, inflating it on the fly when it is gzip."""
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return path.open("rb")


def read_capped(path: Path, max_bytes: int) -> bytes:
    """Return the file's (inflated) bytes; TooLarge as soon as they pass max_bytes.

    Reads in chunks, so a gzip bomb costs at most max_bytes of memory, never its inflated size.
    """
    if not path.name.lower().endswith(".gz"):
        size = path.stat().st_size
        if size > max_bytes:
            raise TooLarge(max_bytes)
    chunks: list[bytes] = []
    total = 0
    with open_bytes(path) as handle:
        while chunk := handle.read(min(CHUNK, max_bytes + 1 - total) or 1):
            total += len(chunk)
            if total > max_bytes:
                raise TooLarge(max_bytes)
            chunks.append(chunk)
    return b"".join(chunks)


def capped_lines(handle: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """Yield (line number, line) for each line of a byte stream, the line None when it is longer
    than max_bytes: such a line is skipped in bounded chunks, never held whole."""
    number = 0
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := handle.readline(CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield number, None
            continue
        yield number, line


def too_large_message(size: int | None, limit: int) -> str:
    """Return the sentence for an input over the byte limit, with its size when known."""
    if size is None:
        return f"is over the {limit:,}-byte limit (raise it with --max-bytes)"
    return f"is {size:,} bytes, over the {limit:,}-byte limit (raise it with --max-bytes)"
