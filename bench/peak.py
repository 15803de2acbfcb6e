"""Run ``proposal-kit ARGS`` in this process and print its peak memory last, on stderr.

``python bench/peak.py check big/project.yaml`` prints ``peak-rss-kib N`` after the
command's own output (the maximum resident set size of the process, from getrusage).
"""

from __future__ import annotations

import resource
import sys

from proposal_kit.cli import cli

if __name__ == "__main__":
    try:
        cli.main(sys.argv[1:], prog_name="proposal-kit", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
    else:  # pragma: no cover - click always exits in standalone mode
        code = 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"peak-rss-kib {peak}", file=sys.stderr)
    sys.exit(code)
