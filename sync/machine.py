"""What this machine offers the sync: processors to share work between, and helper processes on them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]  # where the sync package is imported from


def processors() -> int:
    """The processors this process may run on (its affinity, where the system says)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def helper_process(code: str) -> subprocess.Popen[bytes]:
    """A fresh interpreter running ``code`` (which imports from this project), talked to over pipes.

    Not ``multiprocessing``: its ``spawn`` runs the starting script's top level again in the child,
    which a script without a main guard turns into a second copy of whatever it does.
    """
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), environment.get("PYTHONPATH", "")]))
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=environment,
    )
