"""A helper process that reads some of a workbook's sheets while this one reads the others.

python-calamine keeps hold of the interpreter while it parses, so threads do not read two sheets at
once; a second process does. When head office has edited every sheet, a sync reads them all (the
visits sheet is under half of the bytes), and on a two-core laptop the helper reads the rest meanwhile.

The helper is a fresh interpreter running :func:`serve` (see ``sync.machine.helper_process``). It
reads its request (the ledgers, and what is known of their rows) from stdin and writes each ledger's
``SheetData`` and cell issues, or the ``WorkbookError`` that stopped it, to stdout. It is killed at
once on cancel. If it dies without an answer, the caller reads its sheets itself: the helper only
ever saves time.
"""

from __future__ import annotations

import contextlib
import pickle
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sync.machine import helper_process

if TYPE_CHECKING:
    from sync.workbook_read import CellIssue, SheetData

SheetsRead = dict[str, tuple["SheetData", list["CellIssue"]]]  # ledger -> its sheet and cell issues
POLL_SECONDS = 0.05
_CHILD = "from sync.sheet_helper import serve; serve()"


class HelperLost(Exception):
    """The helper stopped without an answer (killed, out of memory, …): read its sheets here."""


class SheetHelper:
    def __init__(
        self,
        path: Path,
        ledgers: list[str],
        only: Mapping[str, set[str]] | None,
        settled: Mapping[str, Mapping[str, int]],
    ) -> None:
        self.ledgers = ledgers
        request = pickle.dumps(
            (str(path), ledgers, dict(only) if only is not None else None, dict(settled)),
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        self._process = helper_process(_CHILD)
        self._answer = b""
        self._answered = threading.Event()
        # The request goes in and the answer comes out on a thread: a pipe holds only kilobytes, and
        # this process has its own sheets to read meanwhile.
        self._talk = threading.Thread(target=self._exchange, args=(request,), daemon=True)
        self._talk.start()

    def _exchange(self, request: bytes) -> None:
        stdin, stdout = self._pipes()
        try:
            stdin.write(request)
            stdin.close()
            self._answer = stdout.read()
        except (OSError, ValueError):  # the helper died (a broken pipe) or was killed meanwhile
            self._answer = b""
        finally:
            self._answered.set()

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        assert self._process.stdin is not None and self._process.stdout is not None
        return self._process.stdin, self._process.stdout

    def result(self, cancelled: Callable[[], bool] | None = None) -> SheetsRead:
        """The sheets read; raises the helper's ``WorkbookError``, ``InterruptedError`` on cancel, or
        :class:`HelperLost`."""
        from sync.workbook_read import WorkbookError

        try:
            while not self._answered.wait(POLL_SECONDS):
                if cancelled is not None and cancelled():
                    raise InterruptedError
        finally:
            self.stop()
        try:
            kind, *payload = pickle.loads(self._answer)
        except Exception as error:  # no answer, or a cut-off one
            raise HelperLost(f"exit code {self._process.returncode}: {error}") from None
        if kind == "sheets":
            sheets: SheetsRead = payload[0]
            return sheets
        if kind == "workbook-error":
            message, args = payload
            raise WorkbookError(message, **args)
        raise HelperLost(str(payload[0]))

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()  # cancelled, or done and exiting: its answer (if any) is read
        self._process.wait()
        self._talk.join()
        for pipe in self._pipes():
            with contextlib.suppress(OSError):  # a request a dead helper never read
                pipe.close()


def serve() -> None:
    """The helper's side: one request on stdin, one answer on stdout."""
    from sync.workbook_read import WorkbookError, read_sheets

    path, ledgers, only, settled = pickle.load(sys.stdin.buffer)
    answer: tuple[Any, ...]
    try:
        answer = ("sheets", read_sheets(Path(path), ledgers, only, settled))
    except WorkbookError as error:
        answer = ("workbook-error", error.message, error.args_)
    except Exception as error:  # reported, then read again by the caller, which reports it properly
        answer = ("failed", f"{type(error).__name__}: {error}")
    pickle.dump(answer, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()


__all__ = ["HelperLost", "SheetHelper", "SheetsRead", "serve"]
