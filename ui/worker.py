"""The one way to run work off the GUI thread.

``run_in_background`` runs a plain function on Qt's thread pool and delivers its result, progress and
error back on the GUI thread. The function never touches widgets; it gets a :class:`TaskControl` to
report progress and to see whether the user cancelled.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class TaskControl:
    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    def progress(self, done: int, total: int) -> None:
        self._signals.progress.emit(done, total)

    def stage(self, name: str) -> None:
        """Name the step the work has reached (the GUI says it in words)."""
        self._signals.stage.emit(name)

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()


class _Signals(QObject):
    progress = Signal(int, int)
    stage = Signal(str)
    finished = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(
        self, function: Callable[[TaskControl], Any], signals: _Signals, control: TaskControl
    ) -> None:
        super().__init__()
        self._function = function
        self._signals = signals
        self._control = control

    def run(self) -> None:
        try:
            result = self._function(self._control)
        except BaseException as error:  # delivered to the GUI thread, which decides what to show
            self._deliver(self._signals.failed, error)
        else:
            self._deliver(self._signals.finished, result)

    @staticmethod
    def _deliver(signal: Any, value: object) -> None:
        # RuntimeError: its task was deleted (the application quit while it ran), so no one to tell.
        with contextlib.suppress(RuntimeError):
            signal.emit(value)


class BackgroundTask(QObject):
    """A running task: connect to ``progress``, ``stage``, ``finished`` (then read ``result``), ``failed``;
    call ``cancel()``."""

    progress = Signal(int, int)
    stage = Signal(str)
    finished = Signal()
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._signals = _Signals()
        self.control = TaskControl(self._signals)
        self._signals.progress.connect(self.progress)
        self._signals.stage.connect(self.stage)
        self._signals.finished.connect(self._done)
        self._signals.failed.connect(self._error)
        self.running = True
        self.result: Any = None
        self.blocks_close = True  # work that writes must finish (or be cancelled) before the app quits

    def _done(self, result: object) -> None:
        self.running = False
        self.result = result
        self.finished.emit()

    def _error(self, error: object) -> None:
        self.running = False
        self.failed.emit(error)

    def cancel(self) -> None:
        self.control.cancel()


def run_in_background(
    function: Callable[[TaskControl], Any], parent: QObject | None = None, pool: QThreadPool | None = None
) -> BackgroundTask:
    task = BackgroundTask(parent)
    (pool or QThreadPool.globalInstance()).start(_Runnable(function, task._signals, task.control))
    return task
