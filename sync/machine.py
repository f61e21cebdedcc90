"""What this machine offers the sync: processors to share work between."""

from __future__ import annotations

import os


def processors() -> int:
    """The processors this process may run on (its affinity, where the system says)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)
