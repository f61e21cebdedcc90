"""A sync writes the same workbook for the same records, whatever the process that runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from sync_helpers import new_workbook

import main
from models import demo
from models.database import Database
from sync.xlsx_patch import without_modified_time


def test_the_same_records_are_appended_in_the_same_order_by_any_process(
    database: Database, tmp_path: Path
) -> None:
    """Many records share a date; the rows they get must not depend on the process (its string hashes
    differ from one run to the next), so two laptops, or two runs, write the same workbook."""
    demo.generate(database, scale=0.05, seed=3)
    database.close()
    master = new_workbook(tmp_path)
    written = []
    for seed in ("1", "2"):
        folder = tmp_path / f"run{seed}"
        folder.mkdir()
        shutil.copy(database.path, folder / "bureau.db")
        shutil.copy(master, folder / "master.xlsx")
        command = [sys.executable, "main.py", "sync", "--db", str(folder / "bureau.db")]
        command += ["--workbook", str(folder / "master.xlsx"), "--user", "测试员"]
        run = subprocess.run(
            command,
            cwd=Path(main.__file__).parent,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
        with zipfile.ZipFile(folder / "master.xlsx") as package:
            # The moment of the write is in the document's properties (no two versions are the same
            # file): the two runs may be a second apart.
            written.append({name: without_modified_time(package.read(name)) for name in package.namelist()})
    assert written[0] == written[1]
