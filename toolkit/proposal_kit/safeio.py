"""Read the user's files safely: regular files only, sizes checked before reading.

A FIFO, a device (``/dev/zero``), a socket or a folder given where a file is expected is
refused before a byte is read, and a file larger than its limit is refused from its size,
not after reading it. Every command reads its inputs through :func:`read_bytes`.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from .errors import InputError, SourceLocation, UsageError

__all__ = ["ALLOW_HINT", "CONTROL", "InputFileError", "check_argument", "check_regular", "confine",
           "confine_present", "first_control", "name_problem", "read_bytes", "read_text",
           "wide_encoding", "within"]


class InputFileError(InputError):
    """A file could not be read: missing, not a regular file, too large or unreadable.

    ``reason`` is one of ``missing``, ``folder``, ``special``, ``too-large``, ``unreadable``.
    """

    def __init__(self, path: Path, message: str, reason: str, hint: str | None = None) -> None:
        super().__init__(message, location=SourceLocation(path), hint=hint)
        self.path = path
        self.reason = reason


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _refuse(path: Path, mode: int, what: str) -> InputFileError:
    kind = _kind(mode)
    reason = "folder" if stat.S_ISDIR(mode) else "special"
    return InputFileError(path, f"{what} {path} is {kind}, not a regular file; refused",
                          reason)


def check_regular(path: Path, limit: int | None = None, what: str = "the file") -> int:
    """Raise :class:`InputFileError` unless ``path`` is a regular file within ``limit``."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputFileError(path, f"{what} {path} does not exist", "missing") from None
    except OSError as exc:
        raise InputFileError(path, f"cannot read {what} {path}: {exc.strerror or exc}",
                             "unreadable") from None
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(path, info.st_mode, what)
    if limit is not None and info.st_size > limit:
        raise _too_large(path, info.st_size, limit, what)
    return info.st_size


def check_argument(path: Path, what: str) -> None:
    """:func:`check_regular` for a file named on the command line: a usage error (exit 2).

    Missing, a folder, a device or a pipe, said as it is (``the form x is a FIFO``).
    """
    try:
        check_regular(path, what=what)
    except InputFileError as exc:
        raise UsageError(exc.message, hint=exc.hint) from None


def _too_large(path: Path, size: int, limit: int, what: str) -> InputFileError:
    return InputFileError(path, f"{what} {path} is {size:,} bytes or more; at most "
                                f"{limit:,} bytes are allowed", "too-large")


def read_bytes(path: Path, limit: int, what: str = "the file") -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes.

    The file is opened without blocking (a FIFO cannot stall the open), checked with
    ``fstat`` on the open descriptor (no race with a swapped file), and read up to
    ``limit + 1`` bytes (a file that grows, or a ``/proc`` file of size 0, stays bounded).
    """
    path = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
        | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputFileError(path, f"{what} {path} does not exist", "missing") from None
    except IsADirectoryError:
        raise InputFileError(path, f"{what} {path} is a folder, not a file", "folder") from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a FIFO or socket without a writer
            raise InputFileError(path, f"{what} {path} is not a regular file; refused",
                                 "special") from None
        raise InputFileError(path, f"cannot read {what} {path}: {exc.strerror or exc}",
                             "unreadable") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(path, info.st_mode, what)
        if info.st_size > limit:
            raise _too_large(path, info.st_size, limit, what)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise InputFileError(path, f"cannot read {what} {path}: {exc.strerror or exc}",
                             "unreadable") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise _too_large(path, len(data), limit, what)
    return data


def read_text(path: Path, limit: int, what: str = "the file") -> str:
    """The UTF-8 text of ``path`` (a BOM is dropped); see :func:`read_bytes`.

    Raises:
        InputFileError: as :func:`read_bytes`, or the file is not UTF-8 (``encoding``;
            a UTF-16 or UTF-32 file is named as such).
    """
    raw = read_bytes(path, limit, what)
    wide = wide_encoding(raw)
    if wide:
        error = InputFileError(path, f"{what} {path} is {wide} encoded; save it as UTF-8",
                               "encoding")
        error.location = SourceLocation(path, 1)
        raise error
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        error = InputFileError(path, f"{what} {path} is not valid UTF-8 (byte "
                                     f"0x{raw[exc.start]:02x} on line {line}); save it as UTF-8",
                               "encoding")
        error.location = SourceLocation(path, line)
        raise error from None

def wide_encoding(raw: bytes) -> str | None:
    """``UTF-32`` or ``UTF-16`` when ``raw`` looks like one (with or without a BOM).

    Every text a user gives (YAML, sections, generic texts) is named so when it is one.
    """
    if raw[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "UTF-32"
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16"
    head = raw[:400]
    if len(head) < 4 or b"\x00" not in head:
        return None
    quads = len(head) // 4
    if quads and sum(head[i * 4:i * 4 + 4].count(0) == 3 for i in range(quads)) > quads * 0.7:
        return "UTF-32"
    pairs = len(head) // 2
    if sum(head[i * 2:i * 2 + 2].count(0) == 1 for i in range(pairs)) > pairs * 0.7:
        return "UTF-16"
    return None


def within(path: Path, roots: list[Path]) -> bool:
    """Whether ``path``, with every symlink followed, lies inside one of ``roots``."""
    try:
        real = Path(os.path.realpath(path))
    except (OSError, ValueError):
        return False
    for root in roots:
        try:
            base = Path(os.path.realpath(root))
        except (OSError, ValueError):
            continue
        if real == base or base in real.parents:
            return True
    return False


#: How to allow a file outside the project: the hint of every refusal.
ALLOW_HINT = ("files come from the project folder, its text libraries and proposal-kit's "
              "own data; to use another folder, list it under 'paths:' in project.yaml")


def confine(path: Path, roots: list[Path], what: str = "the file") -> Path:
    """``path`` if it (and any symlink on the way) stays inside ``roots``.

    Raises:
        InputFileError: ``reason`` ``outside``, with the hint saying how to allow it.
    """
    if not within(path, roots):
        raise InputFileError(path, f"{what} {path} is outside the project folder; refused",
                             "outside", ALLOW_HINT)
    return path


def name_problem(path: str | os.PathLike[str]) -> str | None:
    """Why the system cannot even look ``path`` up (a name too long, a NUL byte), or None.

    Such a path is neither there nor absent: every later ``exists()`` would raise.
    """
    try:
        os.lstat(path)
    except ValueError:
        return "the name holds a NUL character"
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            return "the name is too long for the file system"
        if exc.errno == errno.ELOOP:
            return "it is a symbolic link that loops"
    return None


def confine_present(path: Path, roots: list[Path], what: str = "the file") -> Path:
    """:func:`confine` ``path`` if it exists (a dangling link counts); a missing one passes.

    A name the system cannot look up at all (too long, a NUL byte) counts as missing here:
    reading it then says why.
    """
    if os.path.lexists(path):
        confine(path, roots, what)
    return path


#: Control characters other than tab and line breaks, surrogates and the non-characters
#: U+FFFE and U+FFFF: no document can hold them (XML forbids all but the C1 controls).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def file_stem(text: str) -> str:
    """``text`` (an acronym) as the stem of a file name.

    Letters, digits, '-' and '_' are kept, anything else ('/', '..', spaces) is '_', so
    that it cannot name another folder.
    """
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text) or "_"


def char_name(char: str) -> str:
    """``char`` (one that :data:`CONTROL` matches) named for a message."""
    code = ord(char)
    kind = ("lone surrogate" if 0xD800 <= code <= 0xDFFF else
            "non-character" if code in (0xFFFE, 0xFFFF) else "control character")
    return f"the {kind} U+{code:04X}"


def first_control(text: str) -> tuple[int, int, str] | None:
    """``(line, column, char)`` of the first control character of ``text``, if any."""
    match = CONTROL.search(text)
    if match is None:
        return None
    start = match.start()
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, column, match.group(0)
