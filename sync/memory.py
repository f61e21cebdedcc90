"""Handing memory freed by a big read back to the system before the next stage of a sync.

Reading a 100,000-row sheet frees a few hundred megabytes at the end, which glibc keeps for reuse by
later small allocations; the patch stage then asks for large blocks on top, and the peak of the process
is the sum of both. ``malloc_trim`` returns the freed heap pages; elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import sys


def release_freed_memory() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        # The process's own symbols include the C library's; find_library("c") would run ldconfig in
        # a child process forked from this one at its biggest.
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim): nothing to hand back
        return


__all__ = ["release_freed_memory"]
