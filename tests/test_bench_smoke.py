"""The benchmark's pipeline on 1,000 visits, so `python bench/run.py` cannot rot (targets not enforced)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_benchmark_runs_end_to_end_and_prints_every_figure(tmp_path: Path) -> None:
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    table = [line for line in result.stdout.splitlines() if " | " in line]
    names = [line.split(" | ")[0].strip() for line in table[2:]]
    assert names[:6] == [
        "full sync (s)",
        "incremental sync (s)",
        "incremental sync, every sheet edited (s)",
        "incremental sync vs openpyxl load+save",
        "incremental sync peak memory",
        "app start to a usable main window (s)",
    ]
    assert any(name.startswith("one search keystroke") for name in names)
    assert any(name.startswith("period report") for name in names)
    assert all(line.split(" | ")[-1].strip() in {"yes", "NO", "—"} for line in table[2:])
