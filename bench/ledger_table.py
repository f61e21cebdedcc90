"""Time the visits ledger on a big database, offscreen: open, scroll to the end, search keystrokes.

    python bench/ledger_table.py DB      (e.g. a database made by `python main.py demo --db DB --scale 10`)

Prints wall times measured in-process; the database is opened read-mostly (nothing is changed).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OUTREACH_LEDGER_CONFIG_DIR", tempfile.mkdtemp())
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(path: str) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from models.database import Database
    from ui.main_window import MainWindow
    from ui.settings import Settings

    database = Database.open(Path(path), verify=False)
    settings = Settings()
    settings.user_name = "bench"
    started = time.perf_counter()
    window = MainWindow(database, settings)
    window.resize(1400, 850)
    window.show()
    app.processEvents()
    page = window.pages["visits"]
    print(f"window with visits ledger: {time.perf_counter() - started:.3f} s ({page.model.rowCount()} rows)")
    started = time.perf_counter()
    page.table.scrollToBottom()
    app.processEvents()
    print(f"scroll to the end: {1000 * (time.perf_counter() - started):.0f} ms")
    for text in ("氢", "深圳", "深圳 新能源"):
        started = time.perf_counter()
        page.model.set_search(text)
        app.processEvents()
        elapsed = 1000 * (time.perf_counter() - started)
        print(f"search {text!r}: {elapsed:.0f} ms ({page.model.rowCount()} rows)")
    window.close()
    database.close()


if __name__ == "__main__":
    main(sys.argv[1])
