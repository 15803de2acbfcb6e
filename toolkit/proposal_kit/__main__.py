"""``python -m proposal_kit`` and the ``proposal-kit`` console script.

The CLI is imported inside :func:`main` so that a Ctrl-C while Python is still importing
it ends with exit 130 and one line, not a traceback.
"""

import sys


def main() -> None:
    """Import the CLI and run it; Ctrl-C at any moment exits 130."""
    try:
        from .cli import main as cli_main
    except KeyboardInterrupt:
        sys.stderr.write("proposal-kit: interrupted\n")
        raise SystemExit(130) from None
    try:
        cli_main()
    except KeyboardInterrupt:  # between the CLI's own handlers, e.g. while exiting
        sys.stderr.write("proposal-kit: interrupted\n")
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
