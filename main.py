"""Outreach Ledger: the GUI by default, or a command (``demo``) for scripting.

python main.py [--db PATH]                 start the app
python main.py demo --db PATH [--scale N]  fill a database with a realistic demo bureau
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


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
    return parser


def _demo(path: Path, scale: float, seed: int) -> int:
    from models import demo
    from models.database import Database, DatabaseOpenError

    try:
        database = Database.open(path)
    except DatabaseOpenError as error:
        print(error, file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        counts = demo.generate(database, scale=scale, seed=seed)
    finally:
        database.close()
    print(f"{path}: {counts} in {time.perf_counter() - started:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo":
        return _demo(args.demo_db, args.scale, args.seed)
    from ui.app import run

    return run(args.db)


if __name__ == "__main__":
    sys.exit(main())
