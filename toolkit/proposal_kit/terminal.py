"""Text shown on a terminal: user strings cannot move the cursor, retitle or reorder it.

Project files and documents are written by others; a title holding ``ESC ]0;...`` or a
right-to-left override (U+202E) would otherwise act on the user's terminal. Every line the
CLI prints goes through :func:`safe_text`.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["BIDI_CONTROLS", "INVISIBLE", "safe_text", "unsafe_character"]

#: Characters that reorder text (the Unicode bidirectional controls).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
#: Characters that show nothing (zero-width and format characters).
INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")

#: Colour codes proposal-kit itself writes (click.style): kept, everything else escaped.
_SGR = re.compile(r"\x1b\[[0-9;]{0,32}m")
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS)) + "]")


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
