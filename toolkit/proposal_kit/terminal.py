"""Text shown on a terminal: user strings cannot move the cursor, retitle or reorder it.

Project files and documents are written by others; a title holding ``ESC ]0;...`` or a
right-to-left override (U+202E) would otherwise act on the user's terminal. Every line the
CLI prints goes through :func:`safe_text`.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from typing import Any

__all__ = ["BIDI_CONTROLS", "INVISIBLE", "json_text", "safe_text", "unsafe_character"]

#: Characters that reorder text (the Unicode bidirectional controls).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
#: Characters that show nothing (zero-width and format characters).
INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")

#: Colour codes proposal-kit itself writes (click.style): kept, everything else escaped.
_SGR = re.compile(r"\x1b\[[0-9;]{0,32}m")
#: Lone surrogates stand for bytes of a file name that are not UTF-8: no terminal or
#: UTF-8 stream can take them as they are.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff"
                     + "".join(sorted(BIDI_CONTROLS)) + "]")
#: What JSON output writes as an escape (the same string to a JSON reader): lone surrogates,
#: and C1 controls and bidi controls, which would reorder or hide text on a terminal.
_JSON_ESCAPED = re.compile("[\x7f-\x9f\ud800-\udfff" + "".join(sorted(BIDI_CONTROLS)) + "]")


def unsafe_character(text: str) -> str | None:
    """The first control, bidi or invisible character of ``text``, if any."""
    for char in text:
        if char in BIDI_CONTROLS or char in INVISIBLE:
            return char
        if unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs") and char not in "\n\t":
            return char
    return None


def _visible(match: re.Match[str]) -> str:
    return f"<U+{ord(match.group(0)):04X}>"


def safe_text(text: str) -> str:
    """``text`` with control and bidi characters shown as ``<U+XXXX>``, colour codes kept."""
    if not _UNSAFE.search(text):
        return text
    out: list[str] = []
    last = 0
    for colour in _SGR.finditer(text):
        out.append(_UNSAFE.sub(_visible, text[last:colour.start()]))
        out.append(colour.group(0))
        last = colour.end()
    out.append(_UNSAFE.sub(_visible, text[last:]))
    return "".join(out)


def _finite(data: Any) -> Any:
    """``data`` with every NaN or infinite float replaced by None."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(v) for v in data]
    return data


def json_text(data: Any) -> str:
    """``data`` as indented JSON, UTF-8 as written, with escapes where a terminal would lie.

    Lone surrogates, C1 controls and bidi controls are written as JSON escapes. A file name
    that is not UTF-8 (a lone surrogate in Python) stays valid JSON and can be written to
    any UTF-8 stream; a NaN or an infinity, which JSON cannot hold, is null.
    """
    try:
        text = json.dumps(data, indent=2, ensure_ascii=False, default=str, allow_nan=False)
    except ValueError:  # NaN or an infinity: not JSON; null says "no number"
        text = json.dumps(_finite(data), indent=2, ensure_ascii=False, default=str)
    return _JSON_ESCAPED.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
