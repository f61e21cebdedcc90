"""A helper process that checks the XML of appended rows while this one builds the next sheet's.

A first sync appends a whole bureau's rows (263,000 at 100,000 visits), and each block of them is
parsed once with expat before it is written: a guard against a mistake of ours making a workbook that
Excel refuses. expat keeps hold of the interpreter, so on a two-core laptop a second process parses
each block while this one goes on building the next and deflating the package.

Each block (a few megabytes of rows) goes down the helper's stdin as it is made: its part's name and
its length, then its bytes, in one write (a thread writing many small pieces would wait for the
interpreter at every one). The helper parses it in 1 MB chunks. When the package is written, the
helper is told there is no more and answers with a verdict per block, in order. A block it gave no
verdict for (it died, was killed) is checked here: the helper only ever saves time.
"""

from __future__ import annotations

import contextlib
import pickle
import queue
import sys
import threading
from collections.abc import Iterator
from typing import IO, Any

from sync.machine import helper_process

Verdicts = list[str | None]  # per block, in order: None when well-formed, else why not (the message)
CHUNK = 1 << 20
_CHILD = "from sync.check_helper import serve; serve()"
_DONE = object()


class CheckHelper:
    """Blocks handed to :meth:`check` are checked in the helper; :meth:`verdicts` waits for them."""

    def __init__(self) -> None:
        self._process = helper_process(_CHILD)
        self._blocks: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._answer = b""
        # Writing and reading happen on a thread: a pipe holds only kilobytes, and this process has
        # the next sheet to build meanwhile (a blocked write lets go of the interpreter).
        self._talk = threading.Thread(target=self._exchange, daemon=True)
        self._talk.start()

    def check(self, part: str, rows: bytes) -> None:
        """Check ``rows`` (``<row>`` elements of ``part``, without a root element) in the helper."""
        self._blocks.put((part, rows))

    def _exchange(self) -> None:
        stdin, stdout = self._pipes()
        try:
            while (block := self._blocks.get()) is not _DONE:
                part, rows = block
                name = part.encode("utf-8")
                stdin.write(len(name).to_bytes(4, "big") + name + len(rows).to_bytes(8, "big"))
                stdin.write(rows)
            stdin.close()
            self._answer = stdout.read()
        except (OSError, ValueError):  # the helper died (a broken pipe) or was stopped meanwhile
            self._answer = b""

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        assert self._process.stdin is not None and self._process.stdout is not None
        return self._process.stdin, self._process.stdout

    def verdicts(self) -> Verdicts:
        """The verdicts the helper gave, in order: fewer than the blocks when it stopped early (check
        those left here)."""
        self._blocks.put(_DONE)
        self._talk.join()
        self.stop()
        try:
            verdicts: Verdicts = pickle.loads(self._answer)
        except Exception:  # no answer, or a cut-off one
            return []
        return verdicts

    def stop(self) -> None:
        """Stop the helper (at once if it is still checking): its answer, if any, has been read."""
        if self._process.poll() is None and self._talk.is_alive():
            self._process.kill()
        self._process.wait()
        self._blocks.put(_DONE)  # let a talking thread that has not finished end
        self._talk.join()
        for pipe in self._pipes():
            with contextlib.suppress(OSError):  # what a dead helper never read
                pipe.close()


def serve() -> None:
    """The helper's side: blocks on stdin until it closes, then the verdicts on stdout."""
    from sync.xlsx_patch import PatchError, check_xml

    stream = sys.stdin.buffer
    verdicts: Verdicts = []
    while len(head := stream.read(4)) == 4:
        part = stream.read(int.from_bytes(head, "big")).decode("utf-8")
        left = [int.from_bytes(stream.read(8), "big")]
        try:
            check_xml(_rows(stream, left), part)
            verdicts.append(None)
        except PatchError as error:
            verdicts.append(str(error))
        except EOFError:
            break  # cut off: no verdict
        while left[0] and (skipped := stream.read(min(left[0], CHUNK))):  # the rest of a wrong block
            left[0] -= len(skipped)
    pickle.dump(verdicts, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()


def _rows(stream: IO[bytes], left: list[int]) -> Iterator[bytes]:
    """A block's rows as one document, read in chunks; ``left`` counts the bytes not yet read."""
    yield b"<rows>"
    while left[0]:
        chunk = stream.read(min(left[0], CHUNK))
        if not chunk:
            raise EOFError
        left[0] -= len(chunk)
        yield chunk
    yield b"</rows>"


__all__ = ["CheckHelper", "Verdicts", "serve"]
