"""``python -m proposal_kit`` and the ``proposal-kit`` console script.

The CLI is imported inside :func:`main` so that a Ctrl-C while Python is still importing
it ends with exit 130 and one line, not a traceback.
"""

import sys


def _interrupted() -> SystemExit:
    sys.stderr.write("proposal-kit: interrupted\n")
    return SystemExit(130)


def _ignore_ctrl_c() -> None:
    """Ctrl-C once the work is done is ignored: it cannot kill the exiting interpreter.

    CPython puts its own SIGINT handler back to the default while it shuts down, so a
    Ctrl-C then would end the process by the signal; an ignored one it leaves alone.
    """
    import contextlib
    import signal

    with contextlib.suppress(ValueError, OSError):  # not the main thread
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def main() -> None:
    """Import the CLI and run it; Ctrl-C at any moment exits 130."""
    try:
        from .cli import main as cli_main
    except BaseException as exc:
        from .errors import caused_by_interrupt

        if isinstance(exc, KeyboardInterrupt) or caused_by_interrupt(exc):
            raise _interrupted() from None
        raise
    try:
        cli_main()
    except KeyboardInterrupt:  # between the CLI's own handlers, e.g. while exiting
        raise _interrupted() from None
    finally:
        _ignore_ctrl_c()


if __name__ == "__main__":
    main()
