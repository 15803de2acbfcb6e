"""Convert documents to PDF through one running LibreOffice (UNO), one request per line.

Runs under the Python that has LibreOffice's ``uno`` module (Debian: ``python3-uno``), not
under proposal-kit's own: it imports nothing from proposal-kit. Protocol on stdin/stdout:
the bridge prints ``ready`` once connected; then for each line ``SOURCE<TAB>TARGET`` it
prints ``ok`` or ``error <message>``.
"""

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
        try:
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0,
                                               (_prop("Hidden", True),))
            try:
                doc.storeToURL(uno.systemPathToFileUrl(target),
                               (_prop("FilterName", "writer_pdf_Export"),))
            finally:
                doc.close(True)
            print("ok", flush=True)
        except Exception as exc:  # report, keep serving
            print("error " + " ".join(str(exc).split()), flush=True)


if __name__ == "__main__":
    main()
