"""Never break head office's file: the sync lock, who has it open, conflicted copies, atomic replace."""

from __future__ import annotations

import json
import os
import shutil
import stat
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import sync.safety as safety
from models.file_access import OpenedBy, excel_owner_file, is_read_only, open_elsewhere
from sync.safety import (
    BACKUP_FOLDER,
    Fingerprint,
    LockHeld,
    LockInfo,
    StaleLock,
    SyncLock,
    backups_of,
    conflicted_copies,
    fingerprint,
    fsync_directory,
    fsync_path,
    replace_with_backup,
    temp_path_beside,
)


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    folder = tmp_path / "共享盘"
    folder.mkdir()
    path = folder / "招商台账2024.xlsx"
    path.write_bytes(b"PK version 0")
    return path


def _lock_file(workbook: Path) -> Path:
    return workbook.with_name(f".{workbook.name}.sync-lock")


def _write_lock(workbook: Path, owner: str, since: datetime, machine: str = "PC-1", pid: int = 4242) -> None:
    data = {"owner": owner, "machine": machine, "pid": pid, "since": since.isoformat()}
    _lock_file(workbook).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


# --- the sync lock -------------------------------------------------------------------------------


def test_acquire_writes_who_where_and_when_and_release_removes_it(workbook: Path) -> None:
    lock = SyncLock(workbook, "陈七")
    assert lock.path == _lock_file(workbook)
    before = datetime.now(UTC)
    info = lock.acquire()
    assert info == lock.info
    assert info.owner == "陈七" and info.pid == os.getpid() and info.machine
    assert info.since.tzinfo is not None and info.since.utcoffset() == timedelta(0)
    assert before <= info.since <= datetime.now(UTC)
    data = json.loads(lock.path.read_text(encoding="utf-8"))
    assert data["owner"] == "陈七" and data["pid"] == os.getpid()
    assert datetime.fromisoformat(data["since"]) == info.since
    assert lock.read() == info
    assert lock.release() is True
    assert not lock.path.exists()
    assert lock.info is None
    assert lock.release() is False


def test_a_fresh_lock_is_held(workbook: Path) -> None:
    first = SyncLock(workbook, "陈七")
    first.acquire()
    with pytest.raises(LockHeld) as raised:
        SyncLock(workbook, "李四").acquire()
    assert raised.value.info == first.info
    assert raised.value.workbook == workbook
    message = str(raised.value)
    assert workbook.name in message and "陈七" in message and "being synced" in message
    assert first.path.exists()
    assert first.release()


def test_two_locks_in_one_process_contend(workbook: Path) -> None:
    """Same owner, same pid: the O_EXCL file still tells them apart."""
    first, second = SyncLock(workbook, "陈七"), SyncLock(workbook, "陈七")
    first.acquire()
    with pytest.raises(LockHeld):
        second.acquire()
    assert second.release() is False, "a lock that failed to acquire releases nothing"
    assert first.path.exists()
    first.release()
    second.acquire()
    assert second.release()


def test_acquiring_twice_with_one_object_is_a_programming_error(workbook: Path) -> None:
    lock = SyncLock(workbook, "陈七")
    lock.acquire()
    with pytest.raises(RuntimeError, match="already holds"):
        lock.acquire()
    lock.release()


def test_an_old_lock_is_stale_and_can_be_broken(workbook: Path) -> None:
    since = datetime.now(UTC) - timedelta(hours=2)
    _write_lock(workbook, "王五", since)
    lock = SyncLock(workbook, "陈七")
    with pytest.raises(StaleLock) as raised:
        lock.acquire()
    assert raised.value.info == LockInfo("王五", "PC-1", 4242, since)
    message = str(raised.value)
    assert workbook.name in message and "王五" in message and "PC-1" in message
    assert lock.break_stale() is True
    assert not lock.path.exists()
    assert lock.acquire().owner == "陈七"
    assert lock.release()


def test_staleness_follows_stale_after(workbook: Path) -> None:
    _write_lock(workbook, "王五", datetime.now(UTC) - timedelta(minutes=10))
    with pytest.raises(LockHeld):
        SyncLock(workbook, "陈七").acquire()
    with pytest.raises(StaleLock):
        SyncLock(workbook, "陈七", stale_after=timedelta(minutes=5)).acquire()


def test_a_lock_from_a_clock_far_in_the_future_is_stale(workbook: Path) -> None:
    _write_lock(workbook, "王五", datetime.now(UTC) + timedelta(days=3))
    with pytest.raises(StaleLock):
        SyncLock(workbook, "陈七").acquire()
    _write_lock(workbook, "王五", datetime.now(UTC) + timedelta(minutes=2))  # a little skew: still held
    with pytest.raises(LockHeld):
        SyncLock(workbook, "陈七").acquire()


def test_a_fresh_lock_is_not_broken(workbook: Path) -> None:
    holder = SyncLock(workbook, "王五")
    holder.acquire()
    other = SyncLock(workbook, "陈七")
    assert other.break_stale() is False
    assert holder.path.exists()
    assert holder.release()
    assert other.break_stale() is False, "nothing to break"


def test_a_lock_renewed_after_it_was_reported_stale_is_not_broken(workbook: Path) -> None:
    _write_lock(workbook, "王五", datetime.now(UTC) - timedelta(hours=2))
    lock = SyncLock(workbook, "陈七")
    with pytest.raises(StaleLock):
        lock.acquire()
    # while the GUI asked the user, 王五's laptop woke up and took the lock again
    _write_lock(workbook, "王五", datetime.now(UTC))
    assert lock.break_stale() is False
    with pytest.raises(LockHeld):
        lock.acquire()


@pytest.mark.parametrize("content", [b"", b"\x00\xff garbage", b'{"owner": "x"}', b"[1, 2]", b'{"owner": 1}'])
def test_a_garbled_lock_file_is_stale_with_an_unknown_owner(workbook: Path, content: bytes) -> None:
    lock_file = _lock_file(workbook)
    lock_file.write_bytes(content)
    _age(lock_file, 60)
    lock = SyncLock(workbook, "陈七")
    with pytest.raises(StaleLock) as raised:
        lock.acquire()
    assert raised.value.info.owner == "unknown"
    assert raised.value.info.machine == "unknown"
    assert workbook.name in str(raised.value)
    assert lock.break_stale()
    lock.acquire()
    assert lock.release()


def test_a_garbled_lock_written_a_moment_ago_may_still_be_being_written(workbook: Path) -> None:
    _lock_file(workbook).write_bytes(b"")  # another sync between O_EXCL create and write
    with pytest.raises(LockHeld) as raised:
        SyncLock(workbook, "陈七").acquire()
    assert raised.value.info.owner == "unknown"


def test_release_leaves_a_lock_that_is_no_longer_ours(workbook: Path) -> None:
    mine = SyncLock(workbook, "陈七", stale_after=timedelta(0))
    mine.acquire()
    # someone judged our lock stale, broke it and took it
    theirs = SyncLock(workbook, "王五", stale_after=timedelta(0))
    with pytest.raises(StaleLock):
        theirs.acquire()
    assert theirs.break_stale()
    theirs.acquire()
    assert mine.release() is False
    assert theirs.read() == theirs.info
    assert theirs.release()


def test_release_compares_owner_pid_and_time(workbook: Path) -> None:
    lock = SyncLock(workbook, "陈七")
    info = lock.acquire()
    _write_lock(workbook, info.owner, info.since + timedelta(microseconds=1), info.machine, info.pid)
    assert lock.release() is False
    assert _lock_file(workbook).exists()


def test_context_manager_releases_even_on_error(workbook: Path) -> None:
    with SyncLock(workbook, "陈七") as lock:
        assert lock.path.exists()
    assert not lock.path.exists()
    with pytest.raises(ValueError, match="boom"), SyncLock(workbook, "陈七") as lock:
        raise ValueError("boom")
    assert not lock.path.exists()


def test_lock_info_describe() -> None:
    info = LockInfo("陈七", "PC-1", 7, datetime(2024, 3, 19, 2, 0, tzinfo=UTC))
    text = info.describe()
    assert "陈七" in text and "PC-1" in text and "7" in text and "2024-03-19" in text


# --- who has the workbook open -------------------------------------------------------------------


def _excel_owner_bytes(name: str, ansi: bytes | None = None, utf16_at: int = 0x37, size: int = 165) -> bytes:
    """An Office owner file: length byte, ANSI name, padding, then a 2-byte length and the UTF-16 name."""
    ansi = name.encode("gbk") if ansi is None else ansi
    data = bytes([len(ansi)]) + ansi
    pad = b" " if utf16_at == 0x37 else b"\x00"  # Excel pads with spaces to 0x37, Word with zeros to 0x36
    data += pad * (utf16_at - len(data))
    data += len(name).to_bytes(2, "little") + name.encode("utf-16-le")
    while len(data) < size:
        data += b" \x00"
    return data[:size]


def _who(workbook: Path) -> tuple[str, str]:
    opened = open_elsewhere(workbook)
    assert opened is not None
    return opened.program, opened.who()


def test_nobody_has_it_open(workbook: Path) -> None:
    assert open_elsewhere(workbook) is None


@pytest.mark.parametrize("name", ["Chen Qi", "陈七", "José Müller", "欧阳-Nana"])
def test_excel_owner_file_names_the_user(workbook: Path, name: str) -> None:
    ansi = name.encode("gbk", errors="replace") if name != "José Müller" else name.encode("cp1252")
    owner = workbook.with_name(f"~${workbook.name}")
    owner.write_bytes(_excel_owner_bytes(name, ansi))
    assert open_elsewhere(workbook) == OpenedBy("Excel/WPS", name, None, owner)


def test_word_style_owner_file_at_0x36(workbook: Path) -> None:
    workbook.with_name(f"~${workbook.name}").write_bytes(_excel_owner_bytes("陈七", utf16_at=0x36, size=162))
    assert _who(workbook) == ("Excel/WPS", "陈七")


def test_another_workbooks_owner_file_does_not_mark_this_one_open(workbook: Path) -> None:
    """Excel names its owner file ~$ + the whole name (Word drops the first characters of a long one):
    ~$24Q1.xlsx, Excel's for 24Q1.xlsx, kept 2024Q1.xlsx from being synced or written."""
    mine = workbook.with_name("2024Q1.xlsx")
    mine.write_bytes(b"PK")
    workbook.with_name("~$24Q1.xlsx").write_bytes(_excel_owner_bytes("陈七"))
    assert open_elsewhere(mine) is None
    assert excel_owner_file(mine).name == "~$2024Q1.xlsx"
    excel_owner_file(mine).write_bytes(_excel_owner_bytes("陈七"))
    assert open_elsewhere(mine) == OpenedBy("Excel/WPS", "陈七", None, excel_owner_file(mine))


def test_excel_owner_file_falls_back_to_the_ansi_name(workbook: Path) -> None:
    data = bytearray(_excel_owner_bytes("陈七"))
    data[0x37:0x39] = b"\xff\xff"  # the UTF-16 copy is unusable
    workbook.with_name(f"~${workbook.name}").write_bytes(bytes(data))
    assert _who(workbook) == ("Excel/WPS", "陈七")


@pytest.mark.parametrize(
    "content", [b"", b"\x00" * 165, b"\x05\x01\x02\x03\x04\x05" + b"\x00" * 200, b"\x03\x01\x02\x1b"]
)
def test_unreadable_excel_owner_file_is_someone(workbook: Path, content: bytes) -> None:
    workbook.with_name(f"~${workbook.name}").write_bytes(content)
    assert _who(workbook) == ("Excel/WPS", "")


def test_libreoffice_lock_names_user_and_host(workbook: Path) -> None:
    lock = workbook.with_name(f".~lock.{workbook.name}#")
    lock.write_text(",陈七,PC-1,26.11.2026 10:00,file:///home/chen/.config/libreoffice/4;", encoding="utf-8")
    assert open_elsewhere(workbook) == OpenedBy("LibreOffice", "陈七", "PC-1", lock)


def test_libreoffice_lock_prefers_the_full_name_and_unescapes(workbook: Path) -> None:
    lock = workbook.with_name(f".~lock.{workbook.name}#")
    lock.write_text(
        r"Chen\, Qi,chenqi,PC-1,26.11.2026 10:00,file:///C:/Users/chenqi/AppData;", encoding="utf-8"
    )
    assert _who(workbook) == ("LibreOffice", "Chen, Qi, PC-1")


def test_unreadable_libreoffice_lock_is_someone(workbook: Path) -> None:
    workbook.with_name(f".~lock.{workbook.name}#").write_bytes(b"\x00\x01")
    assert _who(workbook) == ("LibreOffice", "")


# --- conflicted copies ---------------------------------------------------------------------------


def test_conflicted_copies_from_the_common_sync_clients(tmp_path: Path) -> None:
    workbook = tmp_path / "master.xlsx"
    conflicts = [
        "master (陈七's conflicted copy 2024-03-19).xlsx",  # Dropbox
        "master (conflicted copy 2024-03-19 101112).xlsx",  # Nextcloud / ownCloud
        "master_Conflict.xlsx",  # Synology Drive
        "master(冲突副本).xlsx",  # WPS / Kingsoft cloud
        "master.sync-conflict-20240319-101112-ABCDEFG.xlsx",  # Syncthing
        "master (SFConflict chen@bureau.cn 2024-03-19-10-11-12).xlsx",  # Seafile
        "Master (Conflicted Copy).XLSX",  # case differs
    ]
    not_conflicts = [
        "master.xlsx",
        "master-backup.xlsx",
        "other (conflicted copy).xlsx",
        "master (conflicted copy).csv",
        "master-20240319-101112-123456.xlsx",
        f".~outreach-master.xlsx.{'0' * 32}.tmp",
        f".~outreach-master.xlsx.{'1' * 32}.xlsx",
        ".master (conflicted copy).xlsx",
        "~$master (conflicted copy).xlsx",
        ".~lock.master.xlsx#",
        ".master.xlsx.sync-lock",
    ]
    for name in conflicts + not_conflicts:
        (tmp_path / name).write_bytes(b"x")
    backups = tmp_path / BACKUP_FOLDER
    backups.mkdir()
    (backups / "master (conflicted copy)-20240319-101112-123456.xlsx").write_bytes(b"x")
    (tmp_path / "master (conflicted copy) folder.xlsx").mkdir()
    assert conflicted_copies(workbook) == sorted(tmp_path / name for name in conflicts)


def test_no_conflicted_copies_and_no_folder(tmp_path: Path) -> None:
    assert conflicted_copies(tmp_path / "master.xlsx") == []
    assert conflicted_copies(tmp_path / "missing" / "master.xlsx") == []


# --- fingerprints --------------------------------------------------------------------------------


def test_fingerprint_sees_a_change_of_content_with_the_same_size_and_mtime(workbook: Path) -> None:
    workbook.write_bytes(b"A" * 3_000_000)
    first = fingerprint(workbook)
    assert first.size == 3_000_000
    assert first == fingerprint(workbook)
    stat = workbook.stat()
    workbook.write_bytes(b"A" * 2_999_999 + b"B")
    os.utime(workbook, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    second = fingerprint(workbook)
    assert (second.size, second.mtime_ns) == (first.size, first.mtime_ns)
    assert second.sha256 != first.sha256
    assert second != first
    assert not second.same_content(first)


def test_fingerprint_same_content_ignores_mtime(workbook: Path) -> None:
    first = fingerprint(workbook)
    _age(workbook, 3600)
    second = fingerprint(workbook)
    assert second != first
    assert second.same_content(first)
    assert isinstance(first, Fingerprint) and len(first.sha256) == 64


# --- writing safely --------------------------------------------------------------------------------


def test_temp_path_beside_is_unique_hidden_and_in_the_same_folder(workbook: Path) -> None:
    paths = {temp_path_beside(workbook) for _ in range(200)}
    assert len(paths) == 200
    for path in paths:
        assert path.parent == workbook.parent
        assert path.name.startswith(".~outreach-") and path.suffix == ".tmp"
        assert workbook.name in path.name
        assert not path.exists()
    assert temp_path_beside(workbook, suffix=".xlsx").suffix == ".xlsx"
    assert len(temp_path_beside(workbook.with_name("长" * 200 + ".xlsx")).name.encode()) < 255


def test_fsync_helpers_run(workbook: Path) -> None:
    fsync_path(workbook)
    fsync_directory(workbook.parent)
    with pytest.raises(FileNotFoundError):
        fsync_path(workbook.with_name("missing.xlsx"))


def _new_version(workbook: Path, content: bytes) -> Path:
    new = temp_path_beside(workbook)
    new.write_bytes(content)
    return new


def test_replace_with_backup_keeps_the_old_version(workbook: Path) -> None:
    new = _new_version(workbook, b"PK version 1")
    backup = replace_with_backup(workbook, new)
    assert backup is not None
    assert backup.parent == workbook.parent / BACKUP_FOLDER
    assert backup.name.startswith("招商台账2024-") and backup.suffix == ".xlsx"
    assert backup.read_bytes() == b"PK version 0"
    assert workbook.read_bytes() == b"PK version 1"
    assert not new.exists()
    assert sorted(p.name for p in workbook.parent.iterdir()) == [BACKUP_FOLDER, workbook.name]


def test_replace_without_a_workbook_makes_no_backup(tmp_path: Path) -> None:
    workbook = tmp_path / "master.xlsx"
    assert replace_with_backup(workbook, _new_version(workbook, b"first")) is None
    assert workbook.read_bytes() == b"first"
    assert backups_of(workbook) == []


def test_replace_keeps_at_most_keep_backups_of_this_workbook(workbook: Path) -> None:
    other = workbook.with_name("其他.xlsx")
    other.write_bytes(b"other 0")
    replace_with_backup(other, _new_version(other, b"other 1"))
    backups = []
    for version in range(1, 26):
        backup = replace_with_backup(workbook, _new_version(workbook, b"PK version %d" % version), keep=20)
        assert backup is not None
        backups.append(backup)
    assert len(set(backups)) == 25, "every backup got its own name"
    kept = backups_of(workbook)
    assert len(kept) == 20
    assert kept == backups[-20:], "the oldest were pruned; names sort by time"
    assert workbook.read_bytes() == b"PK version 25"
    assert kept[-1].read_bytes() == b"PK version 24"
    assert kept[0].read_bytes() == b"PK version 5"
    assert [p.read_bytes() for p in backups_of(other)] == [b"other 0"], "another workbook's backups stay"
    assert not [p for p in workbook.parent.iterdir() if p.name.startswith(".~outreach-")]


def test_backup_names_stay_distinct_when_the_clock_does_not_move(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen = datetime(2024, 3, 19, 10, 11, 12, 999_999, tzinfo=UTC)

    class FrozenClock(datetime):
        @classmethod
        def now(cls, tz: object = None) -> FrozenClock:
            return cls.fromtimestamp(frozen.timestamp(), UTC)

    monkeypatch.setattr(safety, "datetime", FrozenClock)
    names = [replace_with_backup(workbook, _new_version(workbook, b"v%d" % i)) for i in range(3)]
    assert [p.name for p in names if p] == [
        "招商台账2024-20240319-101112-999999.xlsx",
        "招商台账2024-20240319-101113-000000.xlsx",
        "招商台账2024-20240319-101113-000001.xlsx",
    ]
    assert [p.read_bytes() for p in backups_of(workbook)] == [b"PK version 0", b"v0", b"v1"]


def test_a_failure_before_the_replace_leaves_the_workbook_untouched(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = _new_version(workbook, b"PK version 1")

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copyfileobj", disk_full)
    with pytest.raises(OSError, match="No space"):
        replace_with_backup(workbook, new)
    assert workbook.read_bytes() == b"PK version 0"
    assert new.read_bytes() == b"PK version 1", "left for the caller to delete"
    assert backups_of(workbook) == []
    assert list((workbook.parent / BACKUP_FOLDER).iterdir()) == [], "no half-written backup"


def test_a_failing_replace_leaves_the_workbook_and_names_it(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = _new_version(workbook, b"PK version 1")

    def in_use(src: object, dst: object) -> None:
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(os, "replace", in_use)
    with pytest.raises(PermissionError, match="open in another program") as raised:
        replace_with_backup(workbook, new)
    assert raised.value.filename == str(workbook)
    assert workbook.read_bytes() == b"PK version 0"
    assert new.exists()


def test_replace_with_backup_rejects_bad_arguments(workbook: Path) -> None:
    with pytest.raises(ValueError, match="keep"):
        replace_with_backup(workbook, _new_version(workbook, b"x"), keep=0)
    with pytest.raises(ValueError, match="itself"):
        replace_with_backup(workbook, workbook)
    with pytest.raises(FileNotFoundError):
        replace_with_backup(workbook, workbook.with_name("missing.tmp"))
    assert workbook.read_bytes() == b"PK version 0"


def test_a_quick_look_tells_a_workbook_from_a_missing_file_and_from_another_kind_of_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook = tmp_path / "master.xlsx"
    with zipfile.ZipFile(workbook, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    old_format = tmp_path / "old.xls"
    old_format.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504))  # an OLE2 file: .xls or encrypted
    looked = safety.look_at_workbook(workbook)
    assert looked.there is True
    assert safety.look_at_workbook(empty).there is False
    assert safety.look_at_workbook(old_format).there is False
    assert safety.look_at_workbook(tmp_path / "gone.xlsx") == safety.Look(None, gone=True)
    assert safety.look_at_workbook(tmp_path / "missing-folder" / "master.xlsx") == safety.Look(None)
    assert safety.look_at_workbook(tmp_path).there is False  # a folder
    if hasattr(os, "mkfifo"):
        pipe = tmp_path / "pipe.xlsx"
        os.mkfifo(pipe)
        assert safety.look_at_workbook(pipe).there is False  # not opened: that would wait for a writer

    opened: list[Path] = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: opened.append(self) or real_open(self, *a, **k))
    assert safety.look_at_workbook(workbook, looked) == looked and opened == []  # unchanged: not read
    os.utime(workbook, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert safety.look_at_workbook(workbook, looked).there is True and opened == [workbook]


@pytest.mark.skipif(os.name == "nt", reason="permission bits: Windows gives a new file its folder's ACL")
def test_the_new_version_keeps_the_workbooks_permissions(workbook: Path) -> None:
    """A master shared by a group (rw-rw-r--) became rw-r--r-- after a sync: nobody else could save it."""
    workbook.chmod(0o664)
    new_version = workbook.with_name("new.xlsx")
    new_version.write_bytes(b"new version")
    new_version.chmod(0o600)
    replace_with_backup(workbook, new_version)
    assert workbook.read_bytes() == b"new version"
    assert stat.S_IMODE(workbook.stat().st_mode) == 0o664


@pytest.mark.skipif(os.name == "nt" or os.geteuid() != 0, reason="giving a file another group: root here")
def test_the_new_version_keeps_the_workbooks_group_or_else_its_own_permissions(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """rw-rw---- copied onto a file of the syncing user's own group shut head office's group out."""
    os.chown(workbook, -1, 4321)  # head office's group
    workbook.chmod(0o660)
    new_version = workbook.with_name("new.xlsx")
    new_version.write_bytes(b"new version")
    new_version.chmod(0o644)
    replace_with_backup(workbook, new_version)
    assert (workbook.stat().st_gid, stat.S_IMODE(workbook.stat().st_mode)) == (4321, 0o660)

    def refused(*_args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    give_group = os.chown
    monkeypatch.setattr(os, "chown", refused)  # a user not in that group
    newer = workbook.with_name("newer.xlsx")
    newer.write_bytes(b"newer version")
    newer.chmod(0o644)
    replace_with_backup(workbook, newer)
    assert workbook.read_bytes() == b"newer version"
    assert stat.S_IMODE(workbook.stat().st_mode) == 0o644  # readable as before, not shut to the group

    workbook.chmod(0o666)  # a master everyone may save
    newest = workbook.with_name("newest.xlsx")
    newest.write_bytes(b"newest version")
    newest.chmod(0o644)
    replace_with_backup(workbook, newest)
    assert stat.S_IMODE(workbook.stat().st_mode) == 0o666  # still everyone's, group or not

    give_group(workbook, -1, 4321)
    workbook.chmod(0o600)  # a master private to its owner, in a folder whose new files all may read
    private = workbook.with_name("private.xlsx")
    private.write_bytes(b"private version")
    private.chmod(0o644)
    replace_with_backup(workbook, private)
    assert stat.S_IMODE(workbook.stat().st_mode) == 0o600  # not opened to everyone by a sync


def test_a_version_that_cannot_keep_the_group_is_no_wider_than_the_old_one() -> None:
    """A private master (rw-------) of a group its owner is not in became rw-r--r-- after a sync."""
    assert safety._mode_without_the_group(0o600, default=0o644) == 0o600
    assert safety._mode_without_the_group(0o640, default=0o600) == 0o600  # the folder's defaults hold
    assert safety._mode_without_the_group(0o660, default=0o644) == 0o644  # the old group may still read
    assert safety._mode_without_the_group(0o666, default=0o644) == 0o666


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_read_only_means_marked_so_not_owned_by_someone_else(workbook: Path, monkeypatch) -> None:
    """A master a colleague last synced (rw-r--r--, theirs) may still be replaced by a group member with
    the folder's write permission; only a file nobody may write is marked read-only."""
    workbook.chmod(0o644)
    monkeypatch.setattr(os, "access", lambda *_args, **_kw: False)  # as for a user other than its owner
    assert not is_read_only(workbook)
    workbook.chmod(0o444)
    assert is_read_only(workbook)
    assert not is_read_only(workbook.with_name("missing.xlsx"))
