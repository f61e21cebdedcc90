"""Bureau-scale speed, measured against floors and peers in the same run (issue 6).

    python bench/run.py                 # 100,000 visits (+ enterprises, trips, leads, projects), 3 runs each
    python bench/run.py --visits 20000 --runs 1
    python bench/run.py --smoke         # 1,000 visits, 1 run: checks the pipeline, ignores targets

Builds its own data with the demo generator in a temporary folder, then prints one row per figure: the
value, what it is compared with (measured in this run on the same data), the ratio, the target and
whether it is met. Whole-process figures (sync, start-up, workbook reads) are wall time and peak
memory of child processes, median of the runs with min–max; GUI interactions are in-process timers.
Exits 1 when a target is missed (not with --smoke).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VISITS_AT_SCALE_1 = 10_216  # python main.py demo --scale 1 (about four years of one city)

CHILD_PRELUDE = f"import json, resource, sys, time\nsys.path.insert(0, {str(ROOT)!r})\n"
# VmHWM is the peak RSS of this process image since exec; ru_maxrss would include the parent's
# memory at fork time, which makes every child look as big as the benchmark itself.
CHILD_EPILOGUE = (
    "\ntry:\n"
    "    status = open('/proc/self/status').read()\n"
    "    peak = int(status.split('VmHWM:')[1].split()[0]) / 1024\n"
    "except (OSError, IndexError, ValueError):\n"
    "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
    "print('BENCH ' + json.dumps({'peak_mb': peak}))\n"
)


@dataclass
class Sample:
    seconds: list[float]
    peak_mb: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak(self) -> float:
        return max(self.peak_mb)

    def spread(self) -> str:
        return f"{min(self.seconds):.2f}–{max(self.seconds):.2f}" if len(self.seconds) > 1 else ""


def child(code: str, runs: int, prepare: object = None) -> Sample:
    """Run ``code`` in a fresh Python ``runs`` times: wall time of the whole process, its peak RSS.

    A child that prints ``READY <time.time()>`` is timed from its launch to that moment instead (a
    window usable, not the interpreter's teardown after it). Children may write and use bytecode
    caches, as an installed app does from its second start on.
    """
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    seconds, peaks = [], []
    for _ in range(runs):
        if callable(prepare):
            prepare()
        launched, started = time.time(), time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", CHILD_PRELUDE + code + CHILD_EPILOGUE],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=environment,
        )
        tree_peak = 0.0
        while True:
            try:
                stdout, stderr = process.communicate(timeout=TREE_SAMPLE_SECONDS)
                break
            except subprocess.TimeoutExpired:
                tree_peak = max(tree_peak, _tree_rss_mb(process.pid))
        elapsed = time.perf_counter() - started
        if process.returncode not in (0, 3):
            raise RuntimeError(f"child failed ({process.returncode}):\n{stderr[-2000:]}")
        lines = stdout.splitlines()
        ready = next((float(line.split()[1]) for line in lines if line.startswith("READY ")), None)
        seconds.append(ready - launched if ready is not None else elapsed)
        line = next(line for line in lines if line.startswith("BENCH "))
        peaks.append(max(json.loads(line[6:])["peak_mb"], tree_peak))
    return Sample(seconds, peaks)


# A sync may start a helper process to read sheets (sync.sheet_helper): the peak memory of the pair
# is sampled from here (a thread in the child would compete with the sync for the interpreter), as
# the child's RSS plus its children's. ru_maxrss of children cannot be used: a child forked from a
# big process reports the parent's size.
TREE_SAMPLE_SECONDS = 0.1


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def _tree_rss_mb(pid: int) -> float:
    """RSS of ``pid`` and its children now (0 where /proc is not there)."""
    if not Path("/proc").is_dir():
        return 0.0
    children = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as stat:
                    if int(stat.read().rpartition(")")[2].split()[1]) == pid:
                        children.append(int(name))
            except (OSError, ValueError, IndexError):
                continue
    return _rss_mb(pid) + sum(_rss_mb(child) for child in children)


@dataclass
class Figure:
    name: str
    value: str
    compared: str
    ratio: float | None
    target: str
    met: bool | None


def build(folder: Path, visits: int) -> tuple[Path, Path]:
    """A demo database of about ``visits`` visits and a master workbook holding it all."""
    from models import demo
    from models.database import Database

    db_path = folder / "bureau.db"
    database = Database.open(db_path)
    try:
        demo.generate(database, scale=max(visits / VISITS_AT_SCALE_1, 0.05), seed=2024)
    finally:
        database.close()
    workbook = folder / "master.xlsx"
    from sync.template import create_master_workbook

    create_master_workbook(workbook, "zh")
    return db_path, workbook


def sync_code(db: Path, workbook: Path) -> str:
    arguments = ["sync", "--db", str(db), "--workbook", str(workbook), "--user", "bench"]
    return f"import main\nmain.main({arguments!r})"


def change_both_sides(db: Path, workbook: Path, count: int, every_sheet: bool = False) -> None:
    """``count`` visits changed here and ``count`` other visits changed in the workbook by hand; with
    ``every_sheet``, head office has also changed one row of every other ledger sheet."""
    import shutil as _shutil

    from models.database import Database
    from models.queries import LedgerQuery
    from models.store import LedgerStore
    from sync.workbook_read import read_workbook
    from sync.xlsx_patch import SheetPatch, patch_workbook, sheet_parts

    database = Database.open(db, verify=False)
    try:
        ids = LedgerQuery(database, "visits").ids()
        store = LedgerStore(database, "bench")
        stamp = time.time_ns()
        for record_id in ids[:count]:
            store.update("visits", record_id, {"outcome": f"changed here {stamp}"})
    finally:
        database.close()
    data = read_workbook(workbook)
    parts = sheet_parts(workbook)
    sheet = data.sheets["visits"]
    column = sheet.columns["outcome"]
    updates = {(sheet.rows[rid], column): f"changed there {stamp}" for rid in ids[count : 2 * count]}
    patches = [SheetPatch(parts[sheet.sheet], updates, [])]
    if every_sheet:
        texts = ("name", "title", "leader", "contact_person", "destination_city")
        for ledger, other in data.sheets.items():
            key = next((k for k in texts if k in other.columns), None)
            if ledger != "visits" and key is not None and other.rows:
                row = other.rows[sorted(other.rows)[len(other.rows) // 2]]
                patches.append(SheetPatch(parts[other.sheet], {(row, other.columns[key]): f"{stamp}"}, []))
    edited = workbook.with_name("hand-edit.xlsx")
    patch_workbook(workbook, edited, patches)
    _shutil.move(edited, workbook)


def measure(visits: int, runs: int, smoke: bool) -> list[Figure]:
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="outreach-bench-") as temp:
        folder = Path(temp)
        print(f"building {visits:,} visits of demo data…", flush=True)
        db, empty_workbook = build(folder, visits)
        base_db, base_workbook = folder / "base.db", folder / "base.xlsx"
        shutil.copy(db, base_db)
        shutil.copy(empty_workbook, base_workbook)

        def fresh() -> None:
            shutil.copy(base_db, db)
            shutil.copy(base_workbook, empty_workbook)
            for extra in folder.glob("bureau.db-*"):
                extra.unlink()

        print("full sync into a fresh workbook…", flush=True)
        full = child(sync_code(db, empty_workbook), runs, fresh)
        synced_db, synced_workbook = folder / "synced.db", folder / "synced.xlsx"
        shutil.copy(db, synced_db)
        shutil.copy(empty_workbook, synced_workbook)
        read_code = (
            "from python_calamine import CalamineWorkbook\n"
            f"book = CalamineWorkbook.from_path({str(synced_workbook)!r})\n"
            "for name in book.sheet_names: book.get_sheet_by_name(name).to_python()"
        )
        calamine = child(read_code, runs)
        figures.append(_ratio("full sync (s)", full, calamine, "calamine read", 3.0, "≤ 3×"))

        def changed() -> None:
            shutil.copy(synced_db, db)
            shutil.copy(synced_workbook, empty_workbook)
            change_both_sides(db, empty_workbook, 100 if visits >= 1000 else 10)

        print("incremental sync…", flush=True)
        incremental = child(sync_code(db, empty_workbook), runs, changed)
        figures.append(_ratio("incremental sync (s)", incremental, calamine, "calamine read", 2.0, "≤ 2×"))

        def changed_everywhere() -> None:
            shutil.copy(synced_db, db)
            shutil.copy(synced_workbook, empty_workbook)
            change_both_sides(db, empty_workbook, 100 if visits >= 1000 else 10, every_sheet=True)

        # Sheets stored as the last sync left them are not read: here head office touched all six.
        everywhere = child(sync_code(db, empty_workbook), runs, changed_everywhere)
        figures.append(
            _ratio(
                "incremental sync, every sheet edited (s)", everywhere, calamine, "calamine read", 2.0, "≤ 2×"
            )
        )
        naive_code = (
            "import openpyxl\n"
            f"book = openpyxl.load_workbook({str(synced_workbook)!r})\n"
            f"book.save({str(folder / 'naive.xlsx')!r})"
        )
        naive = child(naive_code, runs)
        speedup = naive.median / incremental.median
        figures.append(
            Figure(
                "incremental sync vs openpyxl load+save",
                f"{incremental.median:.2f} s",
                f"{naive.median:.2f} s",
                speedup,
                "≥ 10× faster",
                speedup >= 10,
            )
        )
        load_code = f"import openpyxl\nopenpyxl.load_workbook({str(synced_workbook)!r})"
        load = child(load_code, 1)
        share = incremental.peak / load.peak
        figures.append(
            Figure(
                "incremental sync peak memory",
                f"{incremental.peak:.0f} MB",
                f"openpyxl load {load.peak:.0f} MB",
                share,
                "≤ ¼",
                share <= 0.25,
            )
        )

        print("start-up…", flush=True)
        app_code = (
            "from PySide6.QtWidgets import QApplication\napp = QApplication([])\n"
            "import tempfile, os\nos.environ['OUTREACH_LEDGER_CONFIG_DIR'] = tempfile.mkdtemp()\n"
            "from models.database import Database\nfrom ui.settings import Settings\n"
            "from ui.main_window import MainWindow\n"
            f"database = Database.open(__import__('pathlib').Path({str(synced_db)!r}), verify=False)\n"
            "settings = Settings(); settings.user_name = 'bench'\n"
            "window = MainWindow(database, settings); window.show(); app.processEvents()\n"
            "print('READY', time.time(), flush=True)\n"
            "window.close(); database.close()"
        )
        bare_code = (
            "from PySide6.QtWidgets import QApplication, QMainWindow, QTableView\napp = QApplication([])\n"
            "window = QMainWindow(); window.setCentralWidget(QTableView())\n"
            "window.show(); app.processEvents()\n"
            "print('READY', time.time(), flush=True)"
        )
        child(app_code, 1)  # a first start writes the bytecode caches and warms the disk cache
        child(bare_code, 1)
        start = child(app_code, runs)
        bare = child(bare_code, runs)
        figures.append(
            _ratio("app start to a usable main window (s)", start, bare, "bare PySide6 window", 2.0, "≤ 2×")
        )
        figures.extend(gui_figures(synced_db))
        figures.append(report_figure(folder, visits, smoke))
    return figures


def _ratio(name: str, sample: Sample, floor: Sample, floor_name: str, limit: float, target: str) -> Figure:
    ratio = sample.median / floor.median
    value = (
        f"{sample.median:.2f} s"
        + (f" ({sample.spread()})" if sample.spread() else "")
        + f", {sample.peak:.0f} MB"
    )
    return Figure(name, value, f"{floor_name} {floor.median:.2f} s", ratio, target, ratio <= limit)


def gui_figures(db: Path) -> list[Figure]:
    """Opening the visits ledger and scrolling to the end; one search keystroke. In-process timers."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("OUTREACH_LEDGER_CONFIG_DIR", tempfile.mkdtemp())
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from models.database import Database
    from ui.main_window import MainWindow
    from ui.settings import Settings

    database = Database.open(db, verify=False)
    settings = Settings()
    settings.user_name = "bench"
    try:
        started = time.perf_counter()
        window = MainWindow(database, settings)
        window.show()
        page = window.pages["visits"]
        page.table.scrollToBottom()
        app.processEvents()
        opened = time.perf_counter() - started
        while page.model.search_index_pending:  # built off the GUI thread once the ledger is shown
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        indexed = time.perf_counter() - started
        started = time.perf_counter()
        page.model.set_search("深圳")
        app.processEvents()
        keystroke = time.perf_counter() - started
        rows = page.model.rowCount()
        window.close()
    finally:
        database.close()
    return [
        Figure(
            "open visits ledger + scroll to end",
            f"{opened * 1000:.0f} ms",
            "—",
            None,
            "≤ 200 ms",
            opened <= 0.2,
        ),
        Figure(
            f"one search keystroke ({rows:,} rows match; search index ready {indexed:.1f} s after opening)",
            f"{keystroke * 1000:.0f} ms",
            "—",
            None,
            "≤ 100 ms",
            keystroke <= 0.1,
        ),
    ]


def report_figure(folder: Path, visits: int, smoke: bool) -> Figure:
    """The period report for a province-scale database (demo --scale 20; smaller with --smoke)."""
    from models import demo
    from models.database import Database
    from models.reports.figures import period_report
    from models.reports.period_workbook import write_period_report
    from models.reports.periods import PeriodKind, latest_full

    scale = 0.2 if smoke else 20
    database = Database.open(folder / "province.db")
    try:
        demo.generate(database, scale=scale, seed=7)
        period = latest_full(PeriodKind.QUARTER, __import__("datetime").date.today())
        started = time.perf_counter()
        write_period_report(period_report(database, period), folder / "province.xlsx", "zh")
        seconds = time.perf_counter() - started
    finally:
        database.close()
    return Figure(
        f"period report, demo --scale {scale:g}", f"{seconds:.2f} s", "—", None, "≤ 3 s", seconds <= 3
    )


def print_table(figures: list[Figure]) -> None:
    header = ("figure", "value", "compared with", "ratio", "target", "met")
    rows = [
        (
            f.name,
            f.value,
            f.compared,
            "" if f.ratio is None else f"{f.ratio:.2f}",
            f.target,
            "—" if f.met is None else ("yes" if f.met else "NO"),
        )
        for f in figures
    ]
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print(" | ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="1,000 visits, one run, targets not enforced")
    args = parser.parse_args(argv)
    visits, runs = (1_000, 1) if args.smoke else (args.visits, args.runs)
    sys.path.insert(0, str(ROOT))
    figures = measure(visits, runs, args.smoke)
    print_table(figures)
    missed = [f.name for f in figures if f.met is False]
    if missed and not args.smoke:
        print(f"targets missed: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
