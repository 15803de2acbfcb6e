"""Convert documents to PDF through one running LibreOffice (UNO), one request per line.

Runs under the Python that has LibreOffice's ``uno`` module (Debian: ``python3-uno``), not
under proposal-kit's own: it imports nothing from proposal-kit. Protocol on stdin/stdout:
the bridge prints ``ready`` once connected; then for each line ``SOURCE<TAB>TARGET`` it
prints ``ok`` or ``error <message>``.
"""

import contextlib
import sys
import time
from typing import Any

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _prop(name: str, value: object) -> Any:
    item = PropertyValue()
    item.Name = name
    item.Value = value
    return item


#: Open hidden and read-only, with no macros and no link updates: only the layout is needed.
_LOAD = (_prop("Hidden", True), _prop("ReadOnly", True),
         _prop("MacroExecutionMode", 0),  # NEVER_EXECUTE
         _prop("UpdateDocMode", 0))  # NO_UPDATE
_EXPORT = (_prop("FilterName", "writer_pdf_Export"),)


def _desktop(pipe: str, deadline: float) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop",
                                                                ctx)
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def main() -> None:
    """Serve conversion requests until stdin closes."""
    desktop = _desktop(sys.argv[1], time.monotonic() + float(sys.argv[2]))
    print("ready", flush=True)
    for line in sys.stdin:
        source, _, target = line.rstrip("\n").partition("\t")
        doc = None
        try:
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0,
                                               _LOAD)
            if doc is None:
                print("error LibreOffice cannot open this document", flush=True)
                continue
            doc.storeToURL(uno.systemPathToFileUrl(target), _EXPORT)
            print("ok", flush=True)
        except Exception as exc:  # report, keep serving
            print("error " + " ".join(str(exc).split()), flush=True)
        finally:  # after the answer: closing a large document takes a tenth of a second
            if doc is not None:
                with contextlib.suppress(Exception):
                    doc.close(True)


if __name__ == "__main__":
    main()
