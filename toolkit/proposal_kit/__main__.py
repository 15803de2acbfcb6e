"""``python -m proposal_kit`` and the ``proposal-kit`` command (its launcher runs :func:`main`).

The CLI is imported inside :func:`main` so that a Ctrl-C while Python is still importing
it ends with exit 130 and one line, not a traceback. Before that, while Python itself starts,
the ``proposal-kit`` command (``toolkit/launcher/proposal-kit``) holds Ctrl-C back: it is
blocked, and :func:`main` lets it in where it is handled.

Once the command has finished, the process ends at once (:func:`os._exit`, after flushing
stdout and stderr): every file was written and closed, and every LibreOffice stopped, by
the command itself, so Python's own teardown of the modules and objects a render leaves
(a tenth of a second of a render's time) is skipped. Library use is not affected.
"""

# Only modules Python has loaded before this one: importing contextlib (collections,
# functools, types...) took milliseconds in which a Ctrl-C ended in a traceback.
import _signal  # type: ignore[import-not-found]  # built in; loaded by Python's start-up
import gc
import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    T = TypeVar("T")

#: Allocations between two collections of the youngest objects (Python's default: 700). A
#: render allocates hundreds of thousands of short-lived objects (tokens, XML proxies) that
#: reference counting frees; collecting for cycles every 700 of them costs a large draft
#: nearly a tenth of its time.
GC_THRESHOLD = (20_000, 50, 50)


def _interrupted() -> SystemExit:
    """Ctrl-C before the CLI could take over: its message, and its JSON when asked."""
    _ignore_ctrl_c()
    try:
        sys.stderr.write("proposal-kit: interrupted\n")
        args = sys.argv[1:]
        if "--format=json" in args or any(args[i:i + 2] == ["--format", "json"]
                                           for i in range(len(args))):
            sys.stdout.write('{\n  "error": {\n    "kind": "interrupted",\n    '
                             '"exit_code": 130,\n    "message": "interrupted"\n  }\n}\n')
    except (OSError, ValueError):  # a closed stream
        pass
    return SystemExit(130)


def _ignore_ctrl_c() -> None:
    """Ctrl-C once the work is done is ignored: it cannot kill the exiting interpreter.

    CPython puts its own SIGINT handler back to the default while it shuts down, so a
    Ctrl-C then would end the process by the signal; an ignored one it leaves alone.
    """
    import signal

    try:  # noqa: SIM105 (no contextlib here, see the imports)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, OSError):  # not the main thread
        pass


def _let_ctrl_c_in() -> None:
    """A Ctrl-C the launcher held back while Python started arrives now, as an interruption.

    Unblocking SIGINT delivers one that is pending at once, inside :func:`main`'s handling;
    started otherwise (``python -m proposal_kit``), SIGINT is not blocked and this does nothing.
    """
    if hasattr(_signal, "pthread_sigmask"):  # not on Windows
        _signal.pthread_sigmask(_signal.SIG_UNBLOCK, (_signal.SIGINT,))


#: Set when a Ctrl-C landed where Python could not raise it (see :func:`_unraisable`).
_swallowed: list[BaseException] = []


def _unraisable(report: object) -> None:
    """A Ctrl-C in a callback Python cannot raise from is kept for :func:`main`, not printed.

    A weakref callback of the import machinery (a module lock's) or a ``__del__`` that the
    Ctrl-C interrupts is reported as "Exception ignored in ..." with a traceback, and the
    Ctrl-C is lost. Anything else goes to Python's own hook.
    """
    exc_type = getattr(report, "exc_type", None)
    if isinstance(exc_type, type) and issubclass(exc_type, KeyboardInterrupt):
        _swallowed.append(getattr(report, "exc_value", None) or KeyboardInterrupt())
        return
    sys.__unraisablehook__(report)  # type: ignore[arg-type]


def main() -> None:
    """Run the command: in the resident process if one runs (``server start``), else here.

    Ctrl-C at any moment exits 130.
    """
    sys.unraisablehook = _unraisable

    def served() -> "int | None":
        from .resident.client import run_served

        return run_served(sys.argv[1:])

    code = _starting(served)
    if code is not None:
        _end(code)
    run_here()


def _starting(step: "Callable[[], T]") -> "T":
    """``step()`` (an import, the hand-over to the server) with Ctrl-C let in and answered."""
    try:
        _let_ctrl_c_in()
        result = step()
        if _swallowed:
            raise KeyboardInterrupt
    except BaseException as exc:
        from .errors import caused_by_interrupt

        if isinstance(exc, KeyboardInterrupt) or caused_by_interrupt(exc):
            raise _interrupted() from None
        raise
    return result


def run_here() -> None:
    """Import the CLI and run it in this process; Ctrl-C at any moment exits 130."""
    gc.set_threshold(*GC_THRESHOLD)
    sys.unraisablehook = _unraisable

    def cli() -> "Callable[[], None]":
        from .cli import main as cli_main

        return cli_main

    cli_main = _starting(cli)
    try:
        cli_main()
    except KeyboardInterrupt:  # between the CLI's own handlers, e.g. while exiting
        _ignore_ctrl_c()
        raise _interrupted() from None
    except SystemExit as exc:
        _ignore_ctrl_c()
        _end(exc.code)
    finally:
        _ignore_ctrl_c()


def _end(code: object) -> None:
    """Exit with ``code`` as :func:`sys.exit` would, without Python's teardown."""
    if code is not None and not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105 (no contextlib here, see the imports)
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`)
            pass
    os._exit(code or 0)


if __name__ == "__main__":
    main()
