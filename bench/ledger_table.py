"""Time the visits ledger on a big database, offscreen: open, scroll to the end, search keystrokes.

    python bench/ledger_table.py DB      (e.g. a database made by `python main.py demo --db DB --scale 10`)

Prints wall times measured in-process; the database is opened read-mostly (nothing is changed). Each
search is timed twice: as a keystroke once the search index is built (the in-memory path), and through
the SQL search it replaces (still used until the index is ready). Then the index itself: build time
and the memory it holds.
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OUTREACH_LEDGER_CONFIG_DIR", tempfile.mkdtemp())
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SEARCHES = ("深圳", "深", "zqgd", "2024-03", "科技 深圳", "氢", "深圳 新能源")


def main(path: str) -> None:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from models.database import Database
    from models.search import SearchIndex
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
    shown = started = time.perf_counter()
    page.table.scrollToBottom()
    app.processEvents()
    print(f"scroll to the end: {1000 * (time.perf_counter() - started):.0f} ms")

    while page.model.search_index_pending:  # a moment after the ledger is shown, off the GUI thread
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    print(f"search index ready {time.perf_counter() - shown:.2f} s after the window was shown")

    query = page.model.query
    for text in SEARCHES:
        started = time.perf_counter()
        page.model.set_search(text)
        app.processEvents()
        elapsed = 1000 * (time.perf_counter() - started)
        started = time.perf_counter()
        by_sql = query.ids(text, None, page.model.descending)
        sql_elapsed = 1000 * (time.perf_counter() - started)
        same = "same rows" if by_sql == page.model.ids else "DIFFERENT ROWS"
        print(
            f"search {text!r}: keystroke {elapsed:.0f} ms with the index, SQL search alone "
            f"{sql_elapsed:.0f} ms ({page.model.rowCount()} rows, {same})"
        )
    window.close()

    gc.collect()
    started = time.perf_counter()
    SearchIndex.build(query)
    built = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    index = SearchIndex.build(query)
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"search index of {len(index)} records: built in {built:.2f} s, holds {held / 1e6:.0f} MB "
        f"(peak {peak / 1e6:.0f} MB while building)"
    )
    database.close()


if __name__ == "__main__":
    main(sys.argv[1])
