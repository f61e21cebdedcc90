"""Outreach Ledger: the GUI by default, or a command for scripting.

    python main.py [--db PATH]                           start the app
    python main.py demo --db PATH [--scale N]            fill a database with a realistic demo bureau
    python main.py workbook new FILE [--lang zh|en]      create an empty master workbook
    python main.py sync --db DB --workbook FILE [--user NAME] [--break-stale-lock] [--accept-older-copy]
                                                         sync a database with the master workbook
    python main.py report period|ranking --period 2024Q1 --db DB --out FILE.xlsx [--lang zh|en]
                                         [--today YYYY-MM-DD]
    python main.py report supervision --db DB --out FILE.xlsx [--today YYYY-MM-DD]

``sync`` exits 0 when synced with nothing open, 3 when synced but conflicts or issues wait for a
person, 2 when nothing was written (the reason on stderr), 4 when the workbook was written but this
database could not record it (sync again); the one-line summary goes to stdout.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from datetime import date
from pathlib import Path

EXIT_OK = 0
EXIT_NOTHING_WRITTEN = 2
EXIT_OPEN_ITEMS = 3
EXIT_NOT_FINISHED = 4


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="outreach-ledger", description="Offline field ledger for outreach teams."
    )
    parser.add_argument("--db", type=Path, help="database file (default: one in your user data folder)")
    commands = parser.add_subparsers(dest="command")
    demo = commands.add_parser("demo", help="fill a database with a realistic demo bureau")
    demo.add_argument("--db", type=Path, dest="demo_db", required=True, help="database file to fill")
    demo.add_argument("--scale", type=float, default=1.0, help="multiply the volumes (default 1: one city)")
    demo.add_argument("--seed", type=int, default=2024, help="random seed (same seed, same data)")
    workbook = commands.add_parser("workbook", help="master workbook tools")
    workbook_commands = workbook.add_subparsers(dest="workbook_command", required=True)
    new = workbook_commands.add_parser("new", help="create an empty master workbook (never overwrites)")
    new.add_argument("file", type=Path)
    new.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of sheet names and headers")
    sync = commands.add_parser("sync", help="sync a database with the master workbook")
    sync.add_argument("--db", type=Path, dest="sync_db", required=True, help="the local database")
    sync.add_argument("--workbook", type=Path, required=True, help="the master workbook (.xlsx)")
    sync.add_argument("--user", default=None, help="who is syncing (default: your login name)")
    sync.add_argument(
        "--new-db",
        action="store_true",
        help="start a new database if there is none at --db (a laptop's first sync takes in the workbook)",
    )
    sync.add_argument(
        "--break-stale-lock", action="store_true", help="remove a sync lock left by a crashed sync"
    )
    sync.add_argument(
        "--accept-older-copy",
        action="store_true",
        help="sync even though the workbook is an older version put back (it undoes the changes since)",
    )
    report = commands.add_parser("report", help="write a head-office report workbook")
    report_commands = report.add_subparsers(dest="report_command", required=True)
    for name, text in (
        ("period", "period report with year-on-year figures"),
        ("ranking", "team ranking with rank changes"),
        ("supervision", "projects stuck between stages and milestones past their plan"),
    ):
        sub = report_commands.add_parser(name, help=text)
        sub.add_argument("--db", type=Path, dest="report_db", required=True, help="the database")
        sub.add_argument("--out", type=Path, required=True, help="the workbook to write (.xlsx)")
        sub.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the workbook")
        sub.add_argument(  # a period not over yet is reported to this day
            "--today", type=date.fromisoformat, default=None, help="as of this date (YYYY-MM-DD)"
        )
        if name != "supervision":
            sub.add_argument("--period", required=True, help="2024, 2024Q1, 2024-03 or 2024W12")
    return parser


def _error_text(error: Exception) -> str:
    """A file's error as "which file: why" (not Python's "[Errno 2] No such file or directory: '…'")."""
    from models.i18n import os_reason, with_reason_args

    if isinstance(error, OSError) and error.errno is not None:
        reason = with_reason_args(os_reason(error), error)
        return f"{error.filename}: {reason}" if error.filename else reason
    return str(error)


def _no_records_at(db_path: Path) -> str | None:
    """Why ``db_path`` holds no database, or None: opening it would start a new, empty one (SQLite
    takes an empty file for a new database too)."""
    if not db_path.is_file():
        return f"there is no database at {db_path}"
    if db_path.stat().st_size == 0:
        return f"{db_path} is empty (0 bytes): it holds no records"
    return None


def _report(args: argparse.Namespace) -> int:
    from models.database import Database, DatabaseOpenError
    from models.reports.periods import parse_period

    period = None
    if args.report_command != "supervision":
        try:
            period = parse_period(args.period)
        except ValueError as error:
            print(error, file=sys.stderr)
            return EXIT_NOTHING_WRITTEN
    if missing := _no_records_at(args.report_db):  # opening would create an empty database: a report of zeros
        print(f"Not written: {missing}", file=sys.stderr)
        return EXIT_NOTHING_WRITTEN
    try:
        database = Database.open(args.report_db)
    except DatabaseOpenError as error:
        print(error, file=sys.stderr)
        return EXIT_NOTHING_WRITTEN
    started = time.perf_counter()
    try:
        if args.report_command == "period":
            from models.reports.figures import period_report
            from models.reports.period_workbook import write_period_report

            assert period is not None
            report = period_report(database, period, args.today or date.today())
            write_period_report(report, args.out, args.lang)
        elif args.report_command == "ranking":
            from models.reports.ranking import team_ranking, write_ranking

            assert period is not None
            write_ranking(team_ranking(database, period, args.today or date.today()), args.out, args.lang)
        else:
            from models.reports.supervision import supervision_list, write_supervision

            today = args.today or date.today()
            write_supervision(supervision_list(database, today), args.out, args.lang, today=today)
    except (OSError, ValueError) as error:  # ValueError: a period that has not begun
        print(f"Not written: {_error_text(error)}", file=sys.stderr)
        return EXIT_NOTHING_WRITTEN
    finally:
        database.close()
    print(f"Wrote {args.out} in {time.perf_counter() - started:.1f} s")
    return EXIT_OK


def _demo(path: Path, scale: float, seed: int) -> int:
    from models import demo
    from models.database import Database, DatabaseOpenError

    try:
        database = Database.open(path)
    except DatabaseOpenError as error:
        print(error, file=sys.stderr)
        return EXIT_NOTHING_WRITTEN
    started = time.perf_counter()
    try:
        counts = demo.generate(database, scale=scale, seed=seed)
    finally:
        database.close()
    print(f"{path}: {counts} in {time.perf_counter() - started:.1f} s")
    return EXIT_OK


def _new_workbook(path: Path, language: str) -> int:
    from sync.template import create_master_workbook

    try:
        create_master_workbook(path, language)
    except (FileExistsError, ValueError, OSError) as error:
        print(f"Not created: {_error_text(error)}", file=sys.stderr)
        return EXIT_NOTHING_WRITTEN
    print(f"Created {path}")
    return EXIT_OK


def _sync(args: argparse.Namespace) -> int:
    from models.database import Database, DatabaseOpenError
    from sync.engine import Outcome, SyncFailed, synchronise

    db_path: Path = args.sync_db
    missing = None if args.new_db else _no_records_at(db_path)
    if missing:  # a mistyped path would start a new database and import the whole workbook into it
        print(f"nothing written: {missing} (--new-db starts a new one)", file=sys.stderr)
        return EXIT_NOTHING_WRITTEN
    try:
        database = Database.open(db_path)
    except DatabaseOpenError as error:
        print(error, file=sys.stderr)
        return EXIT_NOTHING_WRITTEN
    try:
        report = synchronise(
            database,
            args.workbook,
            args.user or getpass.getuser(),
            break_stale_lock=args.break_stale_lock,
            accept_older_copy=args.accept_older_copy,
        )
    except SyncFailed as failure:
        if failure.workbook_written:
            print(f"not finished: {failure}", file=sys.stderr)
            return EXIT_NOT_FINISHED
        hint = " (--accept-older-copy syncs it all the same)" if failure.older_copy else ""
        print(f"nothing written: {failure}{hint}", file=sys.stderr)
        return EXIT_NOTHING_WRITTEN
    finally:
        database.close()
    print(report.one_line())
    return EXIT_OPEN_ITEMS if report.outcome is Outcome.OPEN else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo":
        return _demo(args.demo_db, args.scale, args.seed)
    if args.command == "workbook":
        return _new_workbook(args.file, args.lang)
    if args.command == "sync":
        return _sync(args)
    if args.command == "report":
        return _report(args)
    from ui.app import run

    return run(args.db)


if __name__ == "__main__":
    sys.exit(main())
