"""What the benchmarks share: alternating timed runs, peak memory, the machine, figures.

Timings are whole processes, median of N runs taken in turn (A, B, C, A, B, C...) after
one warm-up run of each, so that a busy moment of the machine falls on all of them alike.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "proposal_kit"]
#: Runs ``python -m proposal_kit ...`` and prints its peak memory (KiB) on the last line.
PEAK = [sys.executable, str(Path(__file__).with_name("peak.py"))]


@dataclass(frozen=True)
class Figure:
    """One result: a ratio (or an amount) against its target, as the issue states it."""

    name: str
    value: float
    target: float | None = None
    unit: str = ""

    @property
    def met(self) -> bool | None:
        """Whether the target is met (None: no target)."""
        return None if self.target is None else self.value <= self.target

    def line(self) -> str:
        """``name: value (target <= t, met)``."""
        target = "" if self.target is None else \
            f" (target <= {self.target:g}{self.unit}: {'met' if self.met else 'NOT met'})"
        return f"{self.name}: {self.value:.2f}{self.unit}{target}"


def alternate(commands: dict[str, list[str]], runs: int,
              ok: tuple[int, ...] = (0,)) -> dict[str, list[float]]:
    """Wall times of each command, ``runs`` rounds taken in turn after one warm-up each."""
    for command in commands.values():
        _run(command, ok)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            _run(command, ok)
            times[name].append(time.perf_counter() - start)
    return times


def _run(command: list[str], ok: tuple[int, ...]) -> None:
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          check=False)
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): "
                         f"{done.stderr.decode(errors='replace')[-500:]}")


def median(samples: list[float]) -> float:
    """The median of ``samples``."""
    return statistics.median(samples)


def spread(samples: list[float]) -> str:
    """``median s [min-max]``."""
    return f"{median(samples):.3f} s [{min(samples):.3f}-{max(samples):.3f}]"


def peak_kib(args: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, int]:
    """Wall time and peak resident memory (KiB) of ``proposal-kit args`` in a process."""
    start = time.perf_counter()
    done = subprocess.run([*PEAK, *args], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(f"proposal-kit {' '.join(args)} failed: {done.stderr[-500:]}")
    return seconds, int(done.stderr.strip().splitlines()[-1].split()[-1])


def machine() -> str:
    """CPU model, CPU count and Python version of this machine."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{model}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def compile_package() -> None:
    """Byte-compile proposal-kit, as ``pip install`` does, so no run pays for compiling it.

    (An editable install under PYTHONDONTWRITEBYTECODE=1 would otherwise compile every
    changed module on every start.)
    """
    import compileall

    import proposal_kit

    compileall.compile_dir(str(Path(proposal_kit.__file__).parent), quiet=1)
