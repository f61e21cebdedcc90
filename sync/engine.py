"""One sync of the local database with the master workbook, from lock to commit.

    lock → read workbook + local snapshot → merge each ledger → patch a copy of the workbook →
    verify the copy → the original unchanged since the read? → backup + atomic replace → one local
    transaction (changes, bases, conflicts, issues, history)

The workbook is written before the database: a crash between the two leaves the workbook ahead, and
the next sync finds the same values on both sides and converges (see ``sync.merge``). Nothing is
written when the workbook is locked, open in Excel/WPS/LibreOffice, unreadable, or changed underneath
twice in a row.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError

from models import controlled
from models.database import Database
from models.fields import LEDGERS, Field, Kind
from models.file_access import is_read_only, open_elsewhere
from models.i18n import QT_TRANSLATE_NOOP, database_reason, os_reason
from models.normalize import normalise_name
from models.parsing import parse_date
from models.types import utcnow
from models.validation import REQUIRED, validate
from sync import safety
from sync.columns import RECORD_STATUS, SYNC_ORDER, Role, deleted_label, layout
from sync.history import AUTHOR_SUFFIX
from sync.local import (
    LedgerPlan,
    LocalPlan,
    LocalSnapshot,
    SettledRows,
    apply_local,
    deleted_by_this_laptop,
    display_names,
    enterprises_named,
    merge_fields,
    names_index,
    read_local,
    record_ids,
    referring_records,
    settled_rows,
    synced_workbook,
)
from sync.memory import release_freed_memory
from sync.merge import DELETED, MergeResult, Record, merge
from sync.row_xml import RowXmlError, SharedString, read_row
from sync.values import OUT_OF_RANGE, Canonical, Remembered, canonical, to_model
from sync.workbook_read import (
    UNKNOWN_REFERENCE,
    CellIssue,
    SheetData,
    SheetSignature,
    WorkbookData,
    WorkbookError,
    column_letter,
    read_workbook,
    record_from_cells,
    resolve_references,
    sheet_signatures,
)
from sync.xlsx_patch import (
    NoRoomBelow,
    PatchError,
    PatchReport,
    SheetPatch,
    error_cells,
    patch_workbook,
    raw_member,
    sheet_parts,
    without_modified_time,
)

MAX_ATTEMPTS = 3  # the first read, and at most two more if the workbook changes underneath
# Up to this many rows written to a sheet are checked by reading back just those rows' XML; more (a
# first sync) by reading the written sheets again, which also gives their row digests.
ROWS_CHECKED_AS_XML = 5_000
DAYS_1900_TO_1904 = 1_462  # between the epochs of Excel's two date systems

CONFLICTED_COPY = QT_TRANSLATE_NOOP(
    "Sync",
    "A conflicting copy of the workbook sits beside it ({copy}). Merge it by hand and remove it first.",
)
OPEN_ELSEWHERE = QT_TRANSLATE_NOOP(
    "Sync",
    "The workbook is open in {program} ({who}). Nothing was written; close it there and sync again. "
    "If nobody has it open, a crash left {file} beside it: delete that file and sync again.",
)
OPEN_ELSEWHERE_UNKNOWN = QT_TRANSLATE_NOOP(
    "Sync",
    "The workbook is open in {program}. Nothing was written; close it there and sync again. "
    "If nobody has it open, a crash left {file} beside it: delete that file and sync again.",
)
READ_ONLY_WORKBOOK = QT_TRANSLATE_NOOP(
    "Sync",
    "The workbook {path} is marked read-only, and this sync has to write to it (changes made here, or "
    "the IDs of rows typed there). Nothing was written or taken in: make it writable (or ask whoever "
    "marked it) and sync again.",
)
LOCK_HELD = QT_TRANSLATE_NOOP("Sync", "Another sync holds the workbook: {who}. Nothing was written.")
LOCK_STALE = QT_TRANSLATE_NOOP(
    "Sync", "An old sync lock of {who} was left on the workbook. Nothing was written; break it to go on."
)
CHANGED_UNDERNEATH = QT_TRANSLATE_NOOP(
    "Sync", "The workbook kept changing while it was being synced. Nothing was written; sync again later."
)
WRITE_FAILED = QT_TRANSLATE_NOOP("Sync", "The workbook could not be written ({detail}). Nothing was changed.")
NO_ROOM_BELOW = QT_TRANSLATE_NOOP(
    "Sync",
    "The sheet {sheet} has no room for {count} new rows: they go below the last row with anything in "
    "it, row {row} ({cells}), which is the sheet's end. The last record is on row {record_row}: clear "
    "what is typed in the rows below it and sync again. Nothing was changed.",
)
NO_ROOM_AFTER_A_RECORD = QT_TRANSLATE_NOOP(
    "Sync",
    "The sheet {sheet} has no room for {count} new rows: its last row, {row}, holds a record, put "
    "there below something typed far down the sheet. Move the records at the sheet's end up under the "
    "others, clear what is typed between, and sync again. Nothing was changed.",
)
FOLDER_FAILED = QT_TRANSLATE_NOOP(
    "Sync", "The workbook's folder {folder} cannot be used ({detail}). Nothing was written."
)
FILE_FAILED = QT_TRANSLATE_NOOP("Sync", "{file} cannot be used ({detail}). Nothing was written.")
REPLACE_FAILED = QT_TRANSLATE_NOOP(
    "Sync",
    "The workbook {path} could not be replaced by its synced version ({detail}). It is unchanged, "
    "and nothing was written here.",
)
OLDER_COPY = QT_TRANSLATE_NOOP(
    "Sync",
    "The workbook {path} is a version this laptop synced with at {seen}, older than the one it synced "
    "with last, at {latest}: was an older copy put back? Syncing it would undo the changes synced to the "
    "workbook since then, by head office, other laptops and this one. Nothing was written.",
)
REFERS_TO_DELETED = QT_TRANSLATE_NOOP(
    "Sync",
    "it refers to a record that is deleted: restore that record, or choose another one (here or in the "
    "workbook)",
)
KEPT_VERSIONS = 1000  # versions remembered (VERSIONS_KEY): two a sync, months of syncs; ~60 kB
DATABASE_FAILED = QT_TRANSLATE_NOOP(
    "Sync", "This laptop's database {path} could not be read or written ({detail}). Nothing was written."
)
DATABASE_FAILED_AFTER_REPLACE = QT_TRANSLATE_NOOP(
    "Sync",
    "The workbook was synced, but this laptop's database {path} could not record it ({detail}). "
    "Sync again once it can: nothing is lost.",
)
NAME_BESIDE_ID = QT_TRANSLATE_NOOP(
    "Sync",
    "the ID beside this name is “{name}”'s, so the record refers to “{name}”: to refer to the record "
    "named here, clear the ID cell (the name is then looked up); else put the name back",
)
SHOWS_AN_ERROR = QT_TRANSLATE_NOOP(
    "Sync", "the cell shows an error, not a value (a formula gone wrong?): this laptop's value is kept"
)
SHOWS_AN_ERROR_NEW = QT_TRANSLATE_NOOP(
    "Sync",
    "the cell shows an error, not a value (a formula gone wrong?): left empty here until it is put right",
)
VERIFY_FAILED = QT_TRANSLATE_NOOP(
    "Sync", "The written copy did not read back as intended ({detail}). Nothing was changed."
)
SHOWS_AN_ERROR_ROW_WAITS = QT_TRANSLATE_NOOP(
    "Sync",
    "the cell shows an error, not a value (a formula gone wrong?), and the row cannot be taken without "
    "it: it is taken once the cell is put right",
)
INVALID_RECORD = QT_TRANSLATE_NOOP("Sync", "{reason}; the row was not taken over")
SAME_ENTERPRISE = QT_TRANSLATE_NOOP(
    "Sync",
    "Another enterprise (id {other}) has the same name, and one of the two arrived in this sync: if they "
    "are one firm entered twice, move its visits, leads and projects to one of them and mark the other "
    "deleted",
)
TOTAL_ROW_HOLDS = QT_TRANSLATE_NOOP(
    "Sync",
    "the sheet's table ends in a total row, and rows added below it would be outside the table: "
    "{count} new records wait here until the total row is turned off (Table Design ▸ Total Row)",
)
REMOVALS_WAIT = QT_TRANSLATE_NOOP(
    "Sync",
    "{count} records whose rows are missing from the sheet are not taken as removed while some of its "
    "rows have no id of their own (see the sheet's other issues): they may be those rows",
)
TYPED_TOTAL_HOLDS = QT_TRANSLATE_NOOP(
    "Sync",
    "the sheet ends in a total row (“{word}”), and rows added below it would be left out of its sums: "
    "{count} new records wait here until the total row is moved above the header row, or removed",
)
FORMULA_KEPT = QT_TRANSLATE_NOOP(
    "Sync",
    "the cell holds a formula, which sync never overwrites: this laptop's value {value} waits here "
    "until the formula is removed",
)
CANCELLED = QT_TRANSLATE_NOOP("Sync", "Sync cancelled. Nothing was written.")


class Outcome(Enum):
    SYNCED = "synced"  # nothing open
    OPEN = "open"  # synced, but conflicts or issues wait for a person
    NOTHING_WRITTEN = "nothing_written"


class SyncFailed(Exception):
    """The sync stopped; ``message`` (English source, context Sync) says why. Nothing was written
    anywhere, unless ``workbook_written``: the workbook was replaced, and the database here could
    not record it (the next sync completes it)."""

    def __init__(
        self,
        message: str,
        *,
        stale_lock: bool = False,
        older_copy: bool = False,
        workbook_written: bool = False,
        holder: tuple[str, Mapping[str, str]] | None = None,
        **args: Any,
    ) -> None:
        self.message = message
        self.args_ = {k: str(v) for k, v in args.items()}
        # {who}: a lock's holder, a message of its own ("{owner} on {machine}…") and its arguments
        self.who_message: str | None = None
        english = dict(self.args_)
        if holder is not None:
            self.who_message = holder[0]
            self.args_.update(holder[1])
            english = {**self.args_, "who": holder[0].format(**holder[1])}
        self.stale_lock = stale_lock
        self.older_copy = older_copy  # a sync with accept_older_copy goes ahead
        self.workbook_written = workbook_written
        super().__init__(message.format(**english))


class SyncCancelled(SyncFailed):
    def __init__(self) -> None:
        super().__init__(CANCELLED)


@dataclass
class LedgerCounts:
    added_here: int = 0
    updated_here: int = 0
    deleted_here: int = 0
    added_there: int = 0
    updated_there: int = 0
    deleted_there: int = 0
    conflicts: int = 0
    issues: int = 0


@dataclass
class SyncReport:
    outcome: Outcome
    counts: dict[str, LedgerCounts]
    backup: Path | None = None
    seconds: float = 0.0
    attempts: int = 1

    def total(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.counts.values())

    def one_line(self) -> str:
        t = self.total
        here = f"+{t('added_here')} ~{t('updated_here')} -{t('deleted_here')}"
        there = f"+{t('added_there')} ~{t('updated_there')} -{t('deleted_there')}"
        return (
            f"{self.outcome.value}: here {here}, workbook {there}, {t('conflicts')} conflicts, "
            f"{t('issues')} issues ({self.seconds:.1f} s)"
        )


Progress = Callable[[str, int, int], None]  # (stage, steps done, STAGES)
STAGES = 5  # read, merge, write, verify (the written copy read back), save (the local side); then done
Fault = Callable[[str], None]


@dataclass
class _Plan:
    workbook: WorkbookData
    snapshot: LocalSnapshot
    # ledger -> ids of records settled on both sides since the last sync: not read, merged or written
    quiet: dict[str, set[str]]
    merges: dict[str, MergeResult] = field(default_factory=dict)
    issues: list[CellIssue] = field(default_factory=list)
    new_workbook: bool = False
    digests: dict[str, dict[str, int | None]] = field(default_factory=dict)  # see _settle
    appended: dict[str, list[str]] = field(default_factory=dict)  # ledger -> ids of appended rows, in order
    sheets: dict[str, str | None] = field(default_factory=dict)  # see _settle
    held_before: dict[str, set[str]] = field(default_factory=dict)  # fields held on a sheet last time
    parts: dict[str, str] = field(default_factory=dict)  # sheet name -> worksheet part, found by _patches
    versions: list[tuple[str, str]] = field(default_factory=list)  # to remember: sync.local.VERSIONS_KEY
    # ledger -> records whose row is gone though a digest of it is kept: see _settle
    rows_gone: dict[str, set[str]] = field(default_factory=dict)


def synchronise(
    database: Database,
    workbook: Path,
    user: str,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    break_stale_lock: bool = False,
    accept_older_copy: bool = False,
    stale_after: timedelta = timedelta(minutes=30),
    keep_backups: int = 20,
    fault: Fault | None = None,
) -> SyncReport:
    """Sync ``database`` with ``workbook`` as ``user``; :class:`SyncFailed` means nothing was written
    (unless it says ``workbook_written``). A workbook put back to a version older than the last one
    synced with here stops the sync, unless ``accept_older_copy``."""
    started = utcnow()
    clock = time.perf_counter()
    workbook = Path(workbook)
    report_progress = progress or (lambda _stage, _done, _total: None)
    check_cancel = cancelled or (lambda: False)
    inject = fault or (lambda _stage: None)

    try:
        copies = safety.conflicted_copies(workbook) if workbook.parent.exists() else []
    except OSError as error:
        raise SyncFailed(FOLDER_FAILED, folder=workbook.parent, detail=os_reason(error)) from None
    if copies:
        raise SyncFailed(CONFLICTED_COPY, copy=copies[0].name)
    lock = safety.SyncLock(workbook, user, stale_after)
    _acquire(lock, break_stale_lock)
    temp: Path | None = None
    replaced = False
    try:
        with database.begin_writing():
            pass  # a program holding the write lock now would fail the sync after the workbook is written
        for attempt in range(1, MAX_ATTEMPTS + 1):
            report_progress("read", 0, STAGES)
            before = safety.fingerprint(workbook) if workbook.exists() else None
            settled = settled_rows(database, str(workbook.resolve()))
            found = safety.package_signature(workbook) if workbook.exists() else None
            if found is not None and not accept_older_copy:
                _refuse_an_older_copy(workbook, found, settled.versions)
            known_versions = settled.versions
            try:
                data = read_workbook(
                    workbook, check_cancel, settled=settled.digests, unchanged=settled.sheets
                )
            except InterruptedError:
                raise SyncCancelled() from None
            except WorkbookError as error:
                raise SyncFailed(error.message, **error.args_) from None
            if check_cancel():
                raise SyncCancelled()
            report_progress("merge", 1, STAGES)
            try:
                plan = _plan(database, data, settled, check_cancel)
                del settled
                release_freed_memory()  # the read's garbage, before the patch asks for a whole sheet
                patches = _patches(plan, workbook, database, check_cancel)
            except InterruptedError:
                raise SyncCancelled() from None
            backup: Path | None = None
            if patches:
                opened = open_elsewhere(workbook)
                if opened is not None:
                    raise SyncFailed(
                        OPEN_ELSEWHERE if opened.who() else OPEN_ELSEWHERE_UNKNOWN,
                        program=opened.program,
                        who=opened.who(),
                        file=opened.owner_file.name,
                    )
                if is_read_only(workbook):  # a rename over it would ignore the mark on POSIX
                    raise SyncFailed(READ_ONLY_WORKBOOK, path=workbook)
                if check_cancel():
                    raise SyncCancelled()
                report_progress("write", 2, STAGES)
                temp = safety.temp_path_beside(workbook)
                try:
                    patch_report = patch_workbook(
                        workbook,
                        temp,
                        patches,
                        keep_rows=ROWS_CHECKED_AS_XML,
                        read_whole=_parts_read(data),
                        cancelled=check_cancel,
                        stamp=utcnow(),
                    )
                except InterruptedError:
                    raise SyncCancelled() from None
                except NoRoomBelow as full:
                    raise _no_room(plan, full) from None
                except (PatchError, OSError) as error:
                    raise SyncFailed(WRITE_FAILED, detail=error) from None
                _keep_formulas(plan, patch_report)
                if check_cancel():
                    raise SyncCancelled()
                report_progress("verify", 3, STAGES)
                written = _verify(workbook, temp, plan, patch_report, check_cancel)
                _settle(plan, written, sheet_signatures(temp))
                plan.versions = _versions(known_versions, found, safety.package_signature(temp))
                inject("before-replace")
                if check_cancel():
                    raise SyncCancelled()
                if safety.fingerprint(workbook) != before:
                    temp.unlink(missing_ok=True)
                    temp = None
                    continue
                try:
                    backup = safety.replace_with_backup(workbook, temp, keep=keep_backups)
                except OSError as error:
                    raise SyncFailed(REPLACE_FAILED, path=workbook, detail=os_reason(error)) from None
                replaced, temp = True, None
            else:
                _settle(plan, None, {})
                plan.versions = _versions(known_versions, found, None)
            inject("before-commit")
            counts = _counts(plan)
            report_progress("save", 4, STAGES)
            _commit(database, plan, user, started, workbook.resolve(), counts)
            report_progress("done", STAGES, STAGES)
            outcome = (
                Outcome.OPEN if any(c.conflicts or c.issues for c in counts.values()) else Outcome.SYNCED
            )
            return SyncReport(outcome, counts, backup, time.perf_counter() - clock, attempt)
        raise SyncFailed(CHANGED_UNDERNEATH)
    except OSError as error:  # a file of the sync's own, or the workbook's share gone midway
        if replaced:
            raise SyncFailed(
                DATABASE_FAILED_AFTER_REPLACE,
                workbook_written=True,
                path=database.path,
                detail=os_reason(error),
            ) from None
        raise SyncFailed(FILE_FAILED, file=error.filename or workbook, detail=os_reason(error)) from None
    except DBAPIError as error:  # the database locked by another program, its disk full…
        message = DATABASE_FAILED_AFTER_REPLACE if replaced else DATABASE_FAILED
        raise SyncFailed(
            message, workbook_written=replaced, path=database.path, detail=database_reason(error)
        ) from None
    except SyncFailed:
        raise
    except Exception as error:  # a mistake of ours: if the workbook is replaced already, the caller must know
        if not replaced:
            raise
        raise SyncFailed(
            DATABASE_FAILED_AFTER_REPLACE,
            workbook_written=True,
            path=database.path,
            detail=f"{type(error).__name__}: {error}",
        ) from error
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)
        lock.release()


def _no_room(plan: _Plan, full: NoRoomBelow) -> SyncFailed:
    """Why new rows do not fit: something typed at the sheet's end, or a record put there below it."""
    sheet = next((s for s in plan.workbook.sheets.values() if plan.parts.get(s.sheet) == full.part), None)
    if sheet is None:
        return SyncFailed(WRITE_FAILED, detail=full)
    # A row typed without an id is a record when it is a valid one (it keeps the id given it); else
    # it is something typed by mistake, to clear.
    mistakes = sheet.typed_without_id - sheet.ids_to_write.keys()
    record_rows = {row for record_id, row in sheet.rows.items() if record_id not in mistakes}
    if full.last_row in record_rows:
        return SyncFailed(
            NO_ROOM_AFTER_A_RECORD, sheet=sheet.sheet, count=str(full.rows), row=f"{full.last_row:,}"
        )
    return SyncFailed(
        NO_ROOM_BELOW,
        sheet=sheet.sheet,
        count=str(full.rows),
        row=f"{full.last_row:,}",
        cells="、".join(full.cells[:5]),
        record_row=f"{max(record_rows, default=sheet.header_row):,}",
    )


def _refuse_an_older_copy(workbook: Path, found: str, versions: list[tuple[str, str]]) -> None:
    """Stop if the workbook is, byte for byte, a version older than the last one this laptop synced
    with: someone put a backup back. Taken as edits, it would undo everyone's work since, silently."""
    if not versions or versions[-1][0] == found:
        return
    seen = next((at for signature, at in reversed(versions) if signature == found), None)
    if seen is not None:
        raise SyncFailed(
            OLDER_COPY,
            older_copy=True,
            path=workbook,
            seen=_local_time(seen),
            latest=_local_time(versions[-1][1]),
        )


def _local_time(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")


def _versions(known: list[tuple[str, str]], read: str | None, written: str | None) -> list[tuple[str, str]]:
    """The versions to remember after this sync: the one read, then the one written, newest last."""
    now = utcnow().isoformat(timespec="seconds")
    for signature in (read, written):
        if signature is not None:
            known = [*(v for v in known if v[0] != signature), (signature, now)]
    return known[-KEPT_VERSIONS:]


def _acquire(lock: safety.SyncLock, break_stale: bool) -> None:
    try:
        lock.acquire()
    except safety.StaleLock as stale:
        if not break_stale:
            raise SyncFailed(LOCK_STALE, stale_lock=True, holder=stale.info.who()) from None
        lock.break_stale()
        _acquire(lock, False)
    except safety.LockHeld as held:
        raise SyncFailed(LOCK_HELD, holder=held.info.who()) from None
    except OSError as error:  # the folder is gone (a network drive disconnected) or not writable
        raise SyncFailed(FOLDER_FAILED, folder=lock.workbook.parent, detail=os_reason(error)) from None


# --- planning -----------------------------------------------------------------------------------------


def _plan(
    database: Database, data: WorkbookData, settled: SettledRows, cancelled: Callable[[], bool]
) -> _Plan:
    """Read the local side and merge it with the workbook's, ledger by ledger; a cancel is honoured
    between ledgers (and between a ledger's records and its bases) with :class:`InterruptedError`."""
    quiet = {
        ledger: record_ids(database, ledger)  # a sheet not read: every record here is settled
        if sheet.unread
        else {rid for rid in sheet.rows if rid not in sheet.records and rid in settled.digests[ledger]}
        if settled.digests
        else set()
        for ledger, sheet in data.sheets.items()
    }
    unread = {ledger for ledger, sheet in data.sheets.items() if sheet.unread}
    snapshot = read_local(database, skip=quiet, counter=settled.counter, unread=unread, cancelled=cancelled)
    plan = _Plan(data, snapshot, quiet, issues=list(data.issues), held_before=settled.held)
    plan.rows_gone = {
        ledger: {
            rid
            for kept in (settled.digests.get(ledger, ()), settled.changed.get(ledger, ()))
            for rid in kept
            if rid not in sheet.rows
        }
        for ledger, sheet in data.sheets.items()
        if not sheet.unread
    }
    if synced_workbook(database) != str(data.path.resolve()):
        # Bases describe what this laptop agreed with one particular workbook. Against another one
        # (a new master, a moved share) every record is compared two-way: equal values converge,
        # different ones become conflicts, and nothing is taken as "removed there".
        plan.new_workbook = True
        snapshot.base = {ledger: {} for ledger in SYNC_ORDER}
    local_names: dict[str, dict[str, list[str]]] = {}
    workbook_names: dict[str, dict[str, list[str]]] = {}

    def names(ledger: str, name: str) -> list[str]:
        """Only built when some row names a record without its id: most syncs never need it."""
        if ledger not in local_names:
            local_names[ledger] = names_index(database, ledger)
            display = LEDGERS[ledger].display_field
            index: dict[str, list[str]] = {}
            for record_id, record in data.sheets[ledger].records.items():
                if not record.get(DELETED) and record.get(display):
                    index.setdefault(normalise_name(str(record[display])), []).append(record_id)
            workbook_names[ledger] = index
        key = normalise_name(name)
        return sorted(set(local_names[ledger].get(key, [])) | set(workbook_names[ledger].get(key, [])))

    _reattach_cleared_ids(plan)
    resolve_references(data, names)
    _hold_error_cells(plan)
    _take_agreed_dates(plan)
    plan.issues = list(data.issues)
    refills = _refills(plan)
    for ledger in SYNC_ORDER:
        if cancelled():
            raise InterruptedError
        sheet = data.sheets[ledger]
        result = merge(
            snapshot.base.get(ledger, {}),
            snapshot.records[ledger],
            sheet.records,
            merge_fields(ledger),
            sheet.unreadable,
            {f.name: False for f in LEDGERS[ledger].fields if f.kind is Kind.BOOL},
        )
        plan.merges[ledger] = result
    _write_refills(plan, refills)
    _remember_covered(plan)
    _hold_duplicated(plan)
    _hold_removals(plan, _check_local_changes(plan))
    _notice_same_enterprises(plan, database)
    _notice_deleted_references(plan, database)
    _notice_names_beside(plan, database)
    return plan


IDENTIFIED_BY_NAME = ("teams", "enterprises", "leads", "projects")  # names that tell records apart


def _reattach_cleared_ids(plan: _Plan) -> None:
    """A row whose id head office cleared (by accident: a slip of Delete) reads as a new record, and
    its record as removed there. When one such new row and one such record are plainly the same, the
    record unchanged here (but for a deletion), the row gets its id back instead of the record being
    deleted here and made again (which left every visit and lead referring to the deleted one, and
    lost the record's history). Plainly the same: for a ledger whose records have names, the same
    name and at most one field different; for trips and visits, which have none, every field equal
    (rows alike in every field each take one of the ids of records alike so).
    Anything less alike stays a removed row (a conflict if edited here) beside a new record, for a
    person to see."""
    if plan.new_workbook:
        return
    given: dict[str, str] = {}
    for ledger in SYNC_ORDER:
        sheet = plan.workbook.sheets[ledger]
        if sheet.unread or not sheet.ids_to_write:
            continue
        named = ledger in IDENTIFIED_BY_NAME
        fields = [name for name in merge_fields(ledger) if name != DELETED]

        def key(record: Record, ledger: str = ledger, named: bool = named, fields: list[str] = fields) -> Any:
            if named:
                return normalise_name(_display_of(ledger, record))
            return tuple(record.get(name) for name in fields)

        local, base = plan.snapshot.records[ledger], plan.snapshot.base.get(ledger, {})
        gone: dict[Any, list[str]] = {}
        for record_id, agreed in base.items():
            record = local.get(record_id)
            if (
                record_id in sheet.rows
                or agreed is None
                or record is None
                or agreed.get(DELETED)
                or any(record.get(name) != agreed.get(name) for name in fields)
            ):
                continue
            gone.setdefault(key(record), []).append(record_id)
        if not gone:
            continue
        typed: dict[Any, list[str]] = {}
        for record_id in sheet.ids_to_write:
            if record_id in sheet.records:
                typed.setdefault(key(sheet.records[record_id]), []).append(record_id)
        for found, new_ids in typed.items():
            if not found or found not in gone:
                continue
            if named and (len(new_ids) != 1 or len(gone[found]) != 1):
                continue  # two firms of one name: which row is which is for a person to say
            # Trips or visits alike in every field (one visit logged twice) are interchangeable: each
            # row gets one of their ids (which one does not show), rather than all made again.
            for new_id, record_id in zip(new_ids, sorted(gone[found]), strict=False):
                row, agreed = sheet.records[new_id], base[record_id] or {}
                if sum(row.get(name) != agreed.get(name) for name in fields) <= (1 if named else 0):
                    _give_id(sheet, new_id, record_id)
                    given[new_id] = record_id
    if given:
        plan.workbook.issues = [
            replace(issue, record_id=given[issue.record_id]) if issue.record_id in given else issue
            for issue in plan.workbook.issues
        ]
        for sheet in plan.workbook.sheets.values():  # and the names in their rows are theirs
            sheet.names_to_resolve = _refiled(sheet.names_to_resolve, given)
            sheet.names_beside = _refiled(sheet.names_beside, given)


Named = dict[tuple[str, str], tuple[int, str]]  # (record id, field) -> (row, a name typed there)


def _refiled(names: Named, given: dict[str, str]) -> Named:
    """``names`` of rows given their records' ids back, filed under those ids (in one pass: a whole id
    column cleared gives back every id of a sheet)."""
    if not any(record_id in given for record_id, _field in names):
        return names
    return {(given.get(record_id, record_id), name): typed for (record_id, name), typed in names.items()}


def _give_id(sheet: SheetData, new_id: str, record_id: str) -> None:
    """The row read as ``new_id`` is ``record_id``'s: so it is read, and so its id cell is written
    (the names typed in it are refiled by the caller, for all rows at once)."""
    sheet.records[record_id] = sheet.records.pop(new_id)
    sheet.rows[record_id] = sheet.ids_to_write[record_id] = sheet.rows.pop(new_id)
    del sheet.ids_to_write[new_id]
    if new_id in sheet.digests:
        sheet.digests[record_id] = sheet.digests.pop(new_id)
    if new_id in sheet.unreadable:
        sheet.unreadable[record_id] = sheet.unreadable.pop(new_id)


MERGED_HELD = "~merged"  # in a base: the fields held under merged cells at the last sync


Refills = dict[str, dict[str, set[str]]]  # ledger -> record id -> fields


def _marked(agreed: Record) -> set[str]:
    """The fields ``agreed`` remembers as covered by a merge."""
    return set(str(agreed.get(MERGED_HELD) or "").split(",")) - {""}


def _refills(plan: _Plan) -> Refills:
    """Empty cells that are not head office clearing them, and get the values here written back:

    * cells a merge covered (see ``MERGED_CELLS``; remembered in the base as ``MERGED_HELD``), now
      unmerged: Excel leaves them empty. A merge's first cell kept its value: empty, it was cleared.
    * the cells of a column missing or doubled at the last sync, put back empty. For the record
      status column, a record deleted on both sides gets 已删除 back (else deleted records would come
      back to life on every laptop).

    The workbook's side is read as the agreed value for them (so the merge sees no change there),
    and :func:`_write_refills` writes the value here into them after the merge.
    """
    refills: Refills = {}
    for ledger in SYNC_ORDER:
        sheet = plan.workbook.sheets[ledger]
        if sheet.unread:
            continue
        local, base = plan.snapshot.records[ledger], plan.snapshot.base.get(ledger, {})
        back = plan.held_before.get(ledger, set()) - sheet.held_columns
        for record_id, agreed in base.items():
            marked = agreed.get(MERGED_HELD) if agreed else None  # nearly always None: one lookup
            if not (marked or back) or agreed is None:
                continue
            there, here = sheet.records.get(record_id), local.get(record_id)
            if there is None or here is None:
                continue
            candidates = set(back)
            if marked:
                candidates |= _marked(agreed) - sheet.merged_held.get(record_id, set())
            unreadable = sheet.unreadable.get(record_id, set())
            empty = {
                name
                for name in candidates
                if name not in unreadable
                and (name == DELETED or name in sheet.columns)
                and (not there.get(name) if name == DELETED else there.get(name) is None)
                and (agreed.get(name) if name == DELETED else agreed.get(name) is not None)
            }
            if empty:
                refills.setdefault(ledger, {})[record_id] = empty
                there.update({name: agreed.get(name) for name in empty})
    return refills


def _write_refills(plan: _Plan, refills: Refills) -> None:
    for ledger, records in refills.items():
        result, local = plan.merges[ledger], plan.snapshot.records[ledger]
        for record_id, names in records.items():
            changes = result.to_remote.setdefault(record_id, {})
            for name in names:
                changes.setdefault(name, local[record_id].get(name))


def _remember_covered(plan: _Plan) -> None:
    """Fields in cells a merge covers are remembered in the base until each reads again (unmerged,
    its column single, its value readable): then :func:`_refills` knows an empty one is no change."""
    for ledger in SYNC_ORDER:
        sheet, result = plan.workbook.sheets[ledger], plan.merges[ledger]
        base = plan.snapshot.base.get(ledger, {})
        markers = {record_id: set(fields) for record_id, fields in sheet.merged_held.items()}
        for record_id, agreed in base.items():
            if not agreed or not agreed.get(MERGED_HELD):
                continue
            still = {
                name
                for name in _marked(agreed)
                if record_id not in sheet.records
                or name not in sheet.columns
                or name in sheet.unreadable.get(record_id, set())
            }
            markers.setdefault(record_id, set()).update(still)
        for record_id, fields in markers.items():
            now = result.base[record_id] if record_id in result.base else base.get(record_id)
            if now is None:
                continue
            marked_now = {k: v for k, v in now.items() if k != MERGED_HELD}
            if fields:
                marked_now[MERGED_HELD] = ",".join(sorted(fields))
            if marked_now != now or record_id in result.base:
                result.base[record_id] = marked_now


def _notice_same_enterprises(plan: _Plan, database: Database) -> None:
    """One issue for each firm this sync brought together twice: an enterprise new from the workbook
    named as a live one here, or one sent there named as one already there (two teams logging the
    same new firm offline). Nothing is merged: a person decides."""
    result = plan.merges["enterprises"]
    sheet = plan.workbook.sheets["enterprises"]
    arrived = [rid for rid in result.new_local if not result.to_local[rid].get(DELETED)]
    local = plan.snapshot.records["enterprises"]
    sent = [rid for rid in result.to_remote if rid not in sheet.rows and not local.get(rid, {}).get(DELETED)]
    if not arrived and not (sent and sheet.rows):
        return  # nothing new, or only new ones sent into an empty sheet (a first sync)
    names = {rid: str(result.to_local[rid].get("name") or "") for rid in arrived}
    names.update({rid: str(local.get(rid, {}).get("name") or "") for rid in sent})
    arrived_keys = {rid: normalise_name(names[rid]) for rid in arrived}
    sent_keys = {rid: normalise_name(names[rid]) for rid in sent}
    wanted = {*arrived_keys.values(), *sent_keys.values()}
    # The live records here as this sync leaves them: every one there was at the last sync, and the
    # new ones; less those it deletes or renames, plus those it renames to a wanted name or restores.
    here = enterprises_named(database, wanted)
    key_of = {record_id: key for key, ids in here.items() for record_id in ids}
    for record_id, change in result.to_local.items():
        if record_id in arrived_keys or not ("name" in change or DELETED in change):
            continue
        if record_id in key_of:
            here[key_of[record_id]].remove(record_id)
        if not change.get(DELETED, local.get(record_id, {}).get(DELETED)):
            key = normalise_name(str(change.get("name") or local.get(record_id, {}).get("name") or ""))
            if key and key in wanted:
                here.setdefault(key, []).append(record_id)
    pairs = [  # (the one on a row of the workbook, the other, the name they share)
        (there, other, key) for there, key in arrived_keys.items() for other in here.get(key, [])
    ]
    for other, key in sent_keys.items():
        pairs += [(there, other, key) for there in here.get(key, []) if there not in sent_keys]
    for there, other, key in pairs:
        name = names.get(there) or names.get(other) or key
        plan.issues.append(_field_issue(sheet, there, "name", name, SAME_ENTERPRISE, (("other", other),)))


def _notice_deleted_references(plan: _Plan, database: Database) -> None:
    """One issue for each record new in this sync that refers to a record the other side deleted: a
    visit from the workbook to an enterprise someone at this laptop deleted, or a visit sent from here
    to an enterprise this sync deletes as the workbook says (a deletion on another laptop or by head
    office meanwhile). Nothing is changed: a person restores the one or edits the other. A laptop that
    only took a deletion from the workbook is not told (the laptop that made it is); nor is a side that
    both deleted a record and referred to it."""
    refs = {
        ledger: [f for f in LEDGERS[ledger].fields if f.kind is Kind.REF and f.ref] for ledger in SYNC_ORDER
    }
    targets = sorted({str(spec.ref) for specs in refs.values() for spec in specs})
    deleted_there: dict[str, set[str]] = {}
    deleted_here: dict[str, set[str]] = {}
    arriving = {
        str(spec.ref) for ledger, specs in refs.items() if plan.merges[ledger].new_local for spec in specs
    }
    for target in targets:
        changes = plan.merges[target].to_local
        deleted_there[target] = {rid for rid, change in changes.items() if change.get(DELETED)}
        here = deleted_by_this_laptop(database, target) if target in arriving else set()
        deleted_here[target] = {rid for rid in here if changes.get(rid, {}).get(DELETED) is not False}
    for ledger in SYNC_ORDER:
        result, sheet = plan.merges[ledger], plan.workbook.sheets[ledger]
        specs = refs[ledger]
        checks: list[tuple[Iterable[tuple[str, Record]], dict[str, set[str]]]] = []
        if any(deleted_here[str(spec.ref)] for spec in specs):
            arrived = ((rid, result.to_local[rid]) for rid in result.new_local)
            checks.append((arrived, deleted_here))
        if any(deleted_there[str(spec.ref)] for spec in specs):
            local = plan.snapshot.records[ledger]
            sent = ((rid, local[rid]) for rid in result.to_remote if rid not in sheet.rows and rid in local)
            checks.append((sent, deleted_there))
        for records, deleted in checks:
            for record_id, record in records:
                if record.get(DELETED):
                    continue
                for spec in specs:
                    value = str(record.get(spec.name) or "")
                    if not value or value not in deleted[str(spec.ref)]:
                        continue
                    issue = _field_issue(sheet, record_id, spec.name, value, REFERS_TO_DELETED, by_name=True)
                    plan.issues.append(issue)


def _notice_names_beside(plan: _Plan, database: Database) -> None:
    """A row whose id head office left while typing another record's name beside it (企业 changed,
    企业ID not) keeps the id's record, which the sheet no longer shows: a person says which is meant.
    The name may be the record's name here, in the workbook or as last agreed (a rename not written
    into every row yet). A sheet read again whole (a column inserted there) has a name beside each of
    its references: the same few thousand names, each compared once (1.6 s for 450,000 otherwise)."""
    keys: dict[tuple[str, str], str] = {}

    def name_key(target_ledger: str, name: str) -> str:
        key = keys.get((target_ledger, name))
        if key is None:
            key = keys[(target_ledger, name)] = _name_key(target_ledger, name)
        return key

    for ledger in SYNC_ORDER:
        sheet = plan.workbook.sheets[ledger]
        if not sheet.names_beside:
            continue
        refs = {f.name: f.ref for f in LEDGERS[ledger].fields if f.kind is Kind.REF and f.ref}
        wanted: dict[str, set[str]] = {}
        for (record_id, key), _typed in sheet.names_beside.items():
            target = (sheet.records.get(record_id) or {}).get(key)
            if target and key in refs:
                wanted.setdefault(str(refs[key]), set()).add(str(target))
        known: dict[tuple[str, str], set[str]] = {}
        named_here: dict[tuple[str, str], str] = {}
        for target_ledger, ids in wanted.items():
            here = display_names(database, target_ledger, ids)
            named_here.update(((target_ledger, target), name) for target, name in here.items())
            there = plan.workbook.sheets[target_ledger].records
            agreed = plan.snapshot.base.get(target_ledger, {})
            for target in ids:
                names = {here.get(target, "")}
                for source in (there.get(target), agreed.get(target)):
                    if source is not None:
                        names.add(_display_of(target_ledger, source))
                known[(target_ledger, target)] = {name_key(target_ledger, n) for n in names if n}
        for (record_id, key), (_row, typed) in sheet.names_beside.items():
            target = (sheet.records.get(record_id) or {}).get(key)
            accepted = known.get((str(refs.get(key)), str(target)))
            if not accepted or name_key(str(refs.get(key)), typed) in accepted:
                continue  # a record not known anywhere is reported as such by the merge
            name = named_here.get((str(refs[key]), str(target)), str(target))  # as named here
            issue = _field_issue(
                sheet, record_id, key, typed, NAME_BESIDE_ID, (("name", name),), by_name=True
            )
            plan.issues.append(issue)


def _name_key(ledger: str, name: str) -> str:
    """A name as compared: a trip's ("深圳 2024-03-18") with its date in any form head office types."""
    if ledger == "trips":
        place, _space, when = name.strip().rpartition(" ")
        day = parse_date(when)
        if day is not None:
            return f"{normalise_name(place)} {day.isoformat()}"
    return normalise_name(name)


def _field_issue(
    sheet: SheetData,
    record_id: str,
    name: str,
    raw: str,
    message: str,
    args: tuple[tuple[str, str], ...] = (),
    *,
    by_name: bool = False,
) -> CellIssue:
    """An issue about one field of a record's row (row 0: a row not written yet); ``by_name``: a
    reference pointed out in the column of the name head office reads, where there is one."""
    key = f"{name}:name" if by_name and sheet.columns.get(f"{name}:name") else name
    column = sheet.columns.get(key)
    return CellIssue(
        sheet.ledger,
        sheet.sheet,
        sheet.rows.get(record_id, 0),
        column_letter(column) if column else "",
        layout(sheet.ledger).column(key).header("en"),
        raw,
        message,
        record_id,
        args,
    )


def _hold_error_cells(plan: _Plan) -> None:
    """A cell that shows an error (#N/A: a formula gone wrong) reads as an empty one. Where that would
    clear a value this laptop has, or leave a field of a row new here empty, the cell is looked at in
    the sheet's XML, and an error there is an issue, its field unread, so nothing is cleared or taken
    as empty without a word. Only sheets with such an empty value are looked at (0.5 s for a sheet of
    100,000 visits)."""
    data = plan.workbook
    parts: dict[str, str] | None = None
    for ledger in SYNC_ORDER:
        sheet = data.sheets[ledger]
        bases, mine = plan.snapshot.base.get(ledger, {}), plan.snapshot.records[ledger]
        # An empty cell reads as None, or as False (yes/no, and the record status: not deleted).
        columns = {
            name: sheet.columns.get(RECORD_STATUS if name == DELETED else name)
            for name in merge_fields(ledger)
        }
        cleared: list[tuple[str, str, str]] = []  # (record id, field, the issue's wording)
        for record_id, record in sheet.records.items():
            known = bases.get(record_id) or mine.get(record_id) or {}  # {}: a row new here
            message = SHOWS_AN_ERROR if known else SHOWS_AN_ERROR_NEW
            cleared.extend(
                (record_id, name, message)
                for name, value in record.items()
                if (value is None or value is False)
                and (not known or known.get(name) not in (None, False))
                and columns.get(name)
            )
        if not cleared:
            continue
        if parts is None:
            parts = sheet_parts(data.path)
        try:
            errors = error_cells(data.path, parts[sheet.sheet])
        except (PatchError, KeyError, OSError):
            continue  # the sync's own reads and checks say what is wrong with the part
        for record_id, name, message in cleared:
            shown = errors.get((sheet.rows[record_id], columns[name] or 0))
            if shown is not None:
                sheet.unreadable.setdefault(record_id, set()).add(name)
                where = RECORD_STATUS if name == DELETED else name
                data.issues.append(_field_issue(sheet, record_id, where, shown, message))


def _say_the_row_waits_for_its_cell(
    plan: _Plan,
    issue_at: Mapping[tuple[str, str | None, str], int],
    sheet: SheetData,
    record_id: str,
    name: str,
) -> bool:
    """A new row cannot be taken without a field whose cell could not be read (a required one, or a
    name typed for a reference that names nothing): the cell's issue also says that the row waits
    for it, rather than a second issue calling an empty value missing. ``issue_at`` is where each
    issue of the read stands in ``plan.issues``, by (ledger, record id, column). False when the cell
    has no issue."""
    for by_name in (False, True):
        column = _field_issue(sheet, record_id, name, "", "", by_name=by_name).column
        index = issue_at.get((sheet.ledger, record_id, column)) if column else None
        if index is None:
            continue
        issue = plan.issues[index]
        if issue.message == SHOWS_AN_ERROR_NEW:
            plan.issues[index] = replace(issue, message=SHOWS_AN_ERROR_ROW_WAITS)
        elif issue.message not in (INVALID_RECORD, SHOWS_AN_ERROR_ROW_WAITS):
            plan.issues[index] = replace(
                issue, message=INVALID_RECORD, args=(("reason", issue.message), *issue.args)
            )
        return True
    return False


def _take_agreed_dates(plan: _Plan) -> None:
    """A date cell outside 1950-2099 is reported (2024 typed into it reads as 1905-07-16), unless it
    is the date already agreed, or the one here: a record from before the app held entries to those
    years reads back as it was written, and a fix made here goes out."""
    data = plan.workbook
    taken: set[tuple[str, str, str]] = set()
    for ledger in SYNC_ORDER:
        sheet = data.sheets[ledger]
        if not sheet.out_of_range:
            continue
        bases, mine = plan.snapshot.base.get(ledger, {}), plan.snapshot.records[ledger]
        for (record_id, name), meant in sheet.out_of_range.items():
            agreed, here = bases.get(record_id) or {}, mine.get(record_id) or {}
            if meant not in (agreed.get(name), here.get(name)) or record_id not in sheet.records:
                continue
            sheet.records[record_id][name] = meant
            held = sheet.unreadable.get(record_id, set())
            held.discard(name)
            if not held:
                sheet.unreadable.pop(record_id, None)
            taken.add((sheet.sheet, record_id, column_letter(sheet.columns[name])))
    if taken:
        data.issues = [
            issue
            for issue in data.issues
            if issue.message != OUT_OF_RANGE or (issue.sheet, issue.record_id, issue.column) not in taken
        ]


def _hold_duplicated(plan: _Plan) -> None:
    """A record whose id is on two rows (a row copied with its id, an id filled down) is not synced
    either way: which row is the record, and what the other is meant to be, is head office's to say."""
    for ledger in SYNC_ORDER:
        held = plan.workbook.sheets[ledger].duplicated
        if not held:
            continue
        _hold(plan.merges[ledger], held)


def _hold(result: MergeResult, record_ids: Collection[str]) -> None:
    """Nothing moves for these records this sync, either way; their bases stay as they were."""
    for record_id in record_ids:
        result.to_local.pop(record_id, None)
        result.new_local.discard(record_id)
        result.to_remote.pop(record_id, None)
        result.base.pop(record_id, None)
    result.conflicts = [c for c in result.conflicts if c.record_id not in record_ids]


def _hold_removals(plan: _Plan, unplaced: dict[str, list[int]]) -> None:
    """While a sheet has rows whose record cannot be told (an id on two rows, an id a merge emptied,
    a row without an id that is not taken over: a name missing, say), a record missing from it may be
    on one of them: none is taken as removed there (one issue says how many wait)."""
    for ledger in SYNC_ORDER:
        sheet = plan.workbook.sheets[ledger]
        rows = sorted(
            [
                *sheet.lost_ids,
                *unplaced.get(ledger, []),
                *(sheet.rows[r] for r in sheet.duplicated if r in sheet.rows),
            ]
        )
        if not rows:
            continue
        result = plan.merges[ledger]
        missing = {
            record_id
            for record_id, agreed in plan.snapshot.base.get(ledger, {}).items()
            if agreed is not None and record_id not in sheet.rows
        }
        conflicted = {c.record_id for c in result.conflicts}
        removals = [rid for rid in missing if rid in result.to_local or rid in conflicted]
        _hold(result, missing)
        if removals:
            args = (("count", str(len(removals))),)
            plan.issues.append(CellIssue(ledger, sheet.sheet, rows[0], "", "", "", REMOVALS_WAIT, None, args))


def _check_local_changes(plan: _Plan) -> dict[str, list[int]]:
    """Workbook rows that would make an invalid local record are reported, not taken over. Returns
    the rows without an id among them, by ledger."""
    unplaced: dict[str, list[int]] = {}
    known = {
        ledger: set(plan.snapshot.records[ledger]) | plan.quiet[ledger] | plan.merges[ledger].new_local
        for ledger in SYNC_ORDER
    }
    issue_at: dict[tuple[str, str | None, str], int] = {}  # the first issue in each cell
    for index, issue in enumerate(plan.issues):
        if issue.column:
            issue_at.setdefault((issue.ledger, issue.record_id, issue.column), index)
    for ledger in SYNC_ORDER:
        result = plan.merges[ledger]
        sheet = plan.workbook.sheets[ledger]
        fields = {f.name: f for f in LEDGERS[ledger].fields}
        for record_id in list(result.to_local):
            merged = {**plan.snapshot.records[ledger].get(record_id, {}), **result.to_local[record_id]}
            values = {name: to_model(fields[name], merged.get(name)) for name in fields}
            # (field, reason template, its arguments): translated when shown, not here
            problems: list[tuple[str, str, tuple[tuple[str, str], ...]]] = [
                (p.field, p.message, tuple((k, str(v)) for k, v in p.args.items()))
                for p in validate(ledger, values, typed=False)
            ]
            for name, spec in fields.items():
                target = merged.get(name)
                if (
                    spec.kind is Kind.REF
                    and spec.ref
                    and target is not None
                    and target not in known[spec.ref]
                ):
                    problems.append((name, UNKNOWN_REFERENCE, ()))
            if merged.get(DELETED) and record_id not in result.new_local:
                # A deleted record may stay as it is, but the database cannot hold a required value
                # cleared there or a reference to nothing (each sync stopped after the write): here
                # it keeps its own, which the next sync writes back into the deleted row.
                change, here = result.to_local[record_id], plan.snapshot.records[ledger].get(record_id, {})
                for name, reason, _args in problems:
                    if reason in (REQUIRED, UNKNOWN_REFERENCE) and name in change:
                        del change[name]
                        result.to_remote.setdefault(record_id, {})[name] = here.get(name)
                        agreed = result.base.get(record_id)
                        if agreed is not None:
                            agreed[name] = here.get(name)
                if not change:
                    del result.to_local[record_id]
                continue
            if not problems:
                continue
            row = sheet.rows.get(record_id, 0)
            for name, reason, reason_args in problems:
                if _say_the_row_waits_for_its_cell(plan, issue_at, sheet, record_id, name):
                    continue
                raw = str(merged.get(name) or "")
                args = (("reason", reason), *reason_args)
                issue = _field_issue(sheet, record_id, name, raw, INVALID_RECORD, args)
                if issue.column:
                    issue_at.setdefault((issue.ledger, issue.record_id, issue.column), len(plan.issues))
                plan.issues.append(issue)
            del result.to_local[record_id]
            result.new_local.discard(record_id)
            result.base.pop(record_id, None)
            known[ledger].discard(record_id)
            result.to_remote.pop(record_id, None)
            if sheet.ids_to_write.pop(record_id, None) is not None:
                unplaced.setdefault(ledger, []).append(row)
    return unplaced


# --- writing the workbook ---------------------------------------------------------------------------------


def _cell_writer(field: Field, language: str) -> Callable[[Canonical], str | Decimal | date | None]:
    """How a canonical value of ``field`` is written into a cell (None stays an empty cell)."""
    if field.kind is Kind.DATE:
        return Remembered(lambda value: None if value is None else date.fromisoformat(str(value))).__getitem__
    if field.kind is Kind.MONEY:
        return lambda value: None if value is None else Decimal(str(value))
    if field.kind is Kind.BOOL:
        yes, no = ("是", "否") if language == "zh" else ("Yes", "No")
        return Remembered(lambda value: None if value is None else (yes if value else no)).__getitem__
    if field.kind is Kind.CHOICE and field.choices:
        choices = field.choices
        return Remembered(
            lambda value: None if value is None else controlled.label(choices, str(value), language)
        ).__getitem__
    return lambda value: None if value is None else str(value)


def _display_names(plan: _Plan, database: Database) -> dict[str, dict[str, str]]:
    """Names of the records referred to by the rows about to be written, by ledger and id."""
    wanted: dict[str, set[str]] = {ledger: set() for ledger in SYNC_ORDER}
    for ledger in SYNC_ORDER:
        refs = [(f.name, f.ref) for f in LEDGERS[ledger].fields if f.kind is Kind.REF and f.ref]
        sheet = plan.workbook.sheets[ledger]
        for values in (*plan.merges[ledger].to_remote.values(), *sheet.fills.values()):
            for name, target_ledger in refs:
                target = values.get(name)
                if target and target_ledger:
                    wanted[target_ledger].add(str(target))
    names: dict[str, dict[str, str]] = {}
    for ledger, ids in wanted.items():
        index: dict[str, str] = {}
        # The local name wins over the workbook's (settled records read the same on both sides),
        # but not a rename here in conflict with one there: the workbook keeps its name, and another
        # laptop would find beside the id a name that no side has.
        here, there = plan.snapshot.records[ledger], plan.workbook.sheets[ledger].records
        for record_id in ids & here.keys():
            index[record_id] = _display_of(ledger, here[record_id])
        for record_id in ids & _renamed_in_conflict(plan, ledger) & there.keys():
            if all(there[record_id].get(name) not in (None, "") for name in _display_fields(ledger)):
                index[record_id] = _display_of(ledger, there[record_id])
        unnamed = ids - index.keys()
        if unnamed:
            index.update(display_names(database, ledger, unnamed))
        names[ledger] = index
    return names


RowWriter = Callable[[Record], dict[int, Any]]


def _ref_name(names: dict[str, str], target: Canonical) -> str | None:
    return names.get(str(target), "") if target else None


def _status(label: str, deleted: Canonical) -> str | None:
    return label if deleted else None


def _row_writer(
    ledger: str, language: str, names: dict[str, dict[str, str]], columns: dict[str, int]
) -> RowWriter:
    """Sheet column -> cell value for the canonical field values given (a first sync writes a bureau's
    rows: the layout is looked at once here, not for every cell)."""
    steps: list[tuple[int, str, Callable[[Any], Any]]] = []
    for column in layout(ledger).columns:
        at = columns.get(column.key)
        if at is None:
            continue
        if column.role is Role.FIELD:
            assert column.field is not None
            steps.append((at, column.key, _cell_writer(column.field, language)))
        elif column.role is Role.REF_NAME and column.field is not None:
            assert column.field.ref is not None
            index = names[column.field.ref]
            steps.append((at, column.field.name, Remembered(partial(_ref_name, index)).__getitem__))
        elif column.role is Role.STATUS:
            steps.append((at, DELETED, Remembered(partial(_status, deleted_label(language))).__getitem__))

    def write(values: Record) -> dict[int, Any]:
        return {at: convert(values[source]) for at, source, convert in steps if source in values}

    return write


def _patches(
    plan: _Plan, workbook: Path, database: Database, cancelled: Callable[[], bool]
) -> list[SheetPatch]:
    """The cells to write, sheet by sheet; a cancel is honoured between sheets (InterruptedError)."""
    language = plan.workbook.language
    names = _display_names(plan, database)
    renamed = _renamed(plan)
    for ledger, new_names in renamed.items():
        names[ledger].update(new_names)
    parts = plan.parts = sheet_parts(workbook)
    patches = []
    for ledger in SYNC_ORDER:
        if cancelled():
            raise InterruptedError
        updates: dict[tuple[int, int], Any] = _names_after_renames(plan, workbook, database, ledger, renamed)
        sheet = plan.workbook.sheets[ledger]  # read now if a rename needs an unread sheet's rows
        result = plan.merges[ledger]

        row_cells = _row_writer(ledger, language, names, sheet.columns)
        # an unread sheet (stored as the last sync left it) has no columns, and nothing to write
        ids = {"id": sheet.columns["id"]} if "id" in sheet.columns else {}

        def put(row: int, cells: dict[int, Any], updates: dict[tuple[int, int], Any] = updates) -> None:
            for column, value in cells.items():
                updates[(row, column)] = value

        for record_id, row in sheet.ids_to_write.items():
            put(row, {column: record_id for column in ids.values()})
        for record_id, fills in sheet.fills.items():
            put(sheet.rows[record_id], row_cells(fills))
        for record_id, changes in result.to_remote.items():
            if record_id not in result.new_remote:
                put(sheet.rows[record_id], row_cells(changes))
        plan.appended[ledger] = sorted(
            result.new_remote, key=lambda rid: (_sort_key(ledger, result.to_remote[rid]), rid)
        )
        if plan.appended[ledger] and _ends_in_a_total_row(sheet):
            _hold_back_new_rows(plan, ledger)
        missing = [f for f in merge_fields(ledger) if f != DELETED and f not in sheet.columns]
        for record_id in plan.appended[ledger] if missing and sheet.columns else ():
            new_base = result.base.get(record_id)
            if new_base is not None:  # not written for want of a column: not agreed, goes out once it is back
                new_base.update(dict.fromkeys(missing))
        appends = [
            {**{column: record_id for column in ids.values()}, **row_cells(result.to_remote[record_id])}
            for record_id in plan.appended[ledger]
        ]
        if updates or appends:
            patches.append(
                SheetPatch(
                    parts[sheet.sheet],
                    updates,
                    appends,
                    style_row=sheet.last_row if sheet.last_row > sheet.header_row else None,
                    header_row=sheet.header_row,
                )
            )
    return patches


def _display_of(ledger: str, record: Record) -> str:
    """How a record is named beside a reference to it (as ``display_names`` names it here)."""
    if ledger == "trips":
        return f"{record.get('destination_city') or ''} {record.get('start_date') or ''}"
    return str(record.get(LEDGERS[ledger].display_field) or "")


def _renamed_in_conflict(plan: _Plan, ledger: str) -> set[str]:
    """The ledger's records whose name (a display field) is in conflict this sync."""
    shown = _display_fields(ledger)
    return {
        conflict.record_id
        for conflict in plan.merges[ledger].conflicts
        if any(field.field in shown for field in conflict.fields)
    }


def _display_fields(ledger: str) -> set[str]:
    return {"destination_city", "start_date"} if ledger == "trips" else {LEDGERS[ledger].display_field}


def _renamed(plan: _Plan) -> dict[str, dict[str, str]]:
    """Ledger -> id -> new name, for records renamed on either side since the last sync."""
    renamed: dict[str, dict[str, str]] = {}
    for ledger in SYNC_ORDER:
        result = plan.merges[ledger]
        shown = _display_fields(ledger)
        for changes, new in ((result.to_remote, result.new_remote), (result.to_local, result.new_local)):
            for record_id, fields in changes.items():
                if record_id in new or not shown & fields.keys():
                    continue
                merged = {
                    **plan.snapshot.records[ledger].get(record_id, {}),
                    **result.to_local.get(record_id, {}),
                }
                renamed.setdefault(ledger, {})[record_id] = _display_of(ledger, merged)
    return renamed


def _names_after_renames(
    plan: _Plan, workbook: Path, database: Database, ledger: str, renamed: dict[str, dict[str, str]]
) -> dict[tuple[int, int], Any]:
    """The name cells of ``ledger``'s rows that refer to a renamed record, with the new name. A sheet
    not read this sync (unchanged since the last) is read now for where those rows are, and stands
    in the plan from then on."""
    refs = [(f.name, f.ref) for f in LEDGERS[ledger].fields if f.kind is Kind.REF and f.ref in renamed]
    referring = {
        name: referring_records(database, ledger, name, renamed[target].keys())
        for name, target in refs
        if target
    }
    wanted = {record_id for found in referring.values() for record_id in found}
    if not wanted:
        return {}
    sheet = plan.workbook.sheets[ledger]
    if sheet.unread:
        sheet = plan.workbook.sheets[ledger] = read_workbook(workbook, only={ledger: wanted}).sheets[ledger]
    result = plan.merges[ledger]
    cells: dict[tuple[int, int], Any] = {}
    for (name, target_ledger), found in zip(refs, referring.values(), strict=True):
        column = sheet.columns.get(f"{name}:name")
        if column is None or target_ledger is None:
            continue
        conflicted = {c.record_id for c in result.conflicts if any(f.field == name for f in c.fields)}
        for record_id, target in found.items():
            row = sheet.rows.get(record_id)
            there = sheet.records.get(record_id)
            if (
                row is None
                or name in result.to_remote.get(record_id, {})  # written with its name anyway
                or name in result.to_local.get(record_id, {})  # the row refers to another record now
                or record_id in conflicted
                or (there is not None and there.get(name) != target)
                or (row, column) in sheet.merged_cells  # a covered cell: a name written there is not seen
            ):
                continue
            cells[(row, column)] = renamed[target_ledger][target]
    return cells


def _ends_in_a_total_row(sheet: SheetData) -> bool:
    """Rows appended to the sheet would go below a total row: an Excel table's, or 合计 typed below the
    records (whose sums would then leave them out)."""
    last_record = max(sheet.rows.values(), default=sheet.header_row)
    return bool(sheet.total_rows) or any(row > last_record for row in sheet.typed_totals)


def _hold_back_new_rows(plan: _Plan, ledger: str) -> None:
    """The sheet ends in a total row, and a row appended below it would be outside the table or the
    sums: the new records wait here (not written, no base), listed as one issue."""
    sheet = plan.workbook.sheets[ledger]
    result = plan.merges[ledger]
    held = plan.appended[ledger]
    for record_id in held:
        result.to_remote.pop(record_id, None)
        result.new_remote.discard(record_id)
        result.base.pop(record_id, None)
    plan.appended[ledger] = []
    args: tuple[tuple[str, str], ...] = (("count", str(len(held))),)
    if sheet.total_rows:
        row, message = min(sheet.total_rows), TOTAL_ROW_HOLDS
    else:
        row, message = max(sheet.typed_totals), TYPED_TOTAL_HOLDS
        args += (("word", sheet.typed_totals[row]),)
    plan.issues.append(CellIssue(ledger, sheet.sheet, row, "", "", "", message, None, args))


def _sort_key(ledger: str, record: Record) -> str:
    """Where a new record goes among those appended (by its ledger's order; ties by id, so the same
    records are always appended in the same order)."""
    return str(record.get(LEDGERS[ledger].default_sort) or "")


def _keep_formulas(plan: _Plan, report: PatchReport) -> None:
    """Values the patch did not write because their cell holds head office's formula: they are not
    expected back, not taken as agreed (the base keeps what the workbook holds), and each is an issue
    naming the cell, so the change waits here instead of stopping the sync."""
    ledger_of = {plan.parts.get(sheet.sheet): ledger for ledger, sheet in plan.workbook.sheets.items()}
    records_by_row: dict[str, dict[int, str]] = {}  # ledger -> row -> record id, made when needed
    for part, row, column in report.skipped_formula_cells:
        ledger = ledger_of.get(part)
        if ledger is None:
            continue
        sheet = plan.workbook.sheets[ledger]
        result = plan.merges[ledger]
        key = next((k for k, c in sheet.columns.items() if c == column), None)
        if ledger not in records_by_row:
            by_row = {r: rid for rid, r in sheet.rows.items()}
            by_row.update(
                zip(report.appended_rows.get(part, []), plan.appended.get(ledger, []), strict=False)
            )
            records_by_row[ledger] = by_row
        record_id = records_by_row[ledger].get(row)
        changes = result.to_remote.get(record_id) if record_id is not None else None
        field_name = DELETED if key == RECORD_STATUS else key
        if key is None or record_id is None or changes is None or field_name not in changes:
            continue  # a name shown beside a reference, or an id: nothing of the record's is lost
        value = changes.pop(field_name)
        if not changes:
            del result.to_remote[record_id]
        there = sheet.records.get(record_id, {}).get(field_name)
        new_base = result.base.get(record_id)
        if new_base is not None:
            new_base[field_name] = there
        column_spec = layout(ledger).column(key)
        plan.issues.append(
            CellIssue(
                ledger,
                sheet.sheet,
                row,
                column_letter(column),
                column_spec.header("en"),
                "" if there is None else str(there),
                FORMULA_KEPT,
                record_id,
                (("value", "" if value is None else str(value)),),
            )
        )


def _parts_read(data: WorkbookData) -> frozenset[str]:
    """The worksheet parts this sync read completely (calamine inflated and parsed all of them)."""
    return frozenset(
        data.signatures[ledger].part
        for ledger, sheet in data.sheets.items()
        if not sheet.unread and ledger in data.signatures
    )


def _touched(plan: _Plan, ledger: str) -> set[str]:
    """The records whose rows the patch wrote to (changed, filled in or appended)."""
    sheet = plan.workbook.sheets[ledger]
    return set(plan.merges[ledger].to_remote) | sheet.fills.keys() | sheet.ids_to_write.keys()


def _settle(plan: _Plan, written: WorkbookData | None, written_sheets: dict[str, SheetSignature]) -> None:
    """The row digest to keep with each record read in full, or None where the two sides still differ;
    and each sheet's signature as it will be stored, if every row of it is settled.

    Rows the patch wrote are taken as the verification read them back from the written copy.
    """
    open_ids = {(issue.ledger, issue.record_id) for issue in plan.issues}
    ledgers_with_issues = {issue.ledger for issue in plan.issues}
    for ledger in SYNC_ORDER:
        sheet = plan.workbook.sheets[ledger]
        result = plan.merges[ledger]
        signature = written_sheets.get(sheet.sheet) or plan.workbook.signatures.get(ledger)
        unsettled = {c.record_id for c in result.conflicts} | sheet.unreadable.keys()
        digests: dict[str, int | None] = dict(sheet.digests)
        after = written.sheets[ledger].digests if written is not None and ledger in written.sheets else {}
        # A row the patch wrote reads differently now: its digest is the re-read one, or none at all
        # (then the next sync reads it in full), never the one read before the patch.
        digests.update({rid: after.get(rid) for rid in _touched(plan, ledger)})
        for record_id in digests:
            if record_id in unsettled or (ledger, record_id) in open_ids:
                digests[record_id] = None
        settled = not (None in digests.values() or result.conflicts or ledger in ledgers_with_issues)
        plan.sheets[ledger] = signature.text() if signature is not None and settled else None
        # A row removed keeps no digest: put back as it was (head office's undo, another laptop
        # keeping the record), it is read in full, or it would be taken as settled and a change here
        # to that record, or the conflict it is in, never seen again. (A row gone for good does not
        # keep its sheet from counting as settled.)
        digests.update((rid, None) for rid in plan.rows_gone.get(ledger, ()) if rid not in sheet.rows)
        plan.digests[ledger] = digests


def _verify(
    original: Path, written: Path, plan: _Plan, report: PatchReport, cancelled: Callable[[], bool]
) -> WorkbookData | None:
    """The copy reads back with every intended value, and every part not patched is byte-identical.

    Returns the written sheets as read again when they were (a large patch), else None. A cancel is
    honoured between the sheets read again.
    """
    patched = report.changed_parts
    try:
        with zipfile.ZipFile(original) as before, zipfile.ZipFile(written) as after:
            if before.namelist() != after.namelist():
                raise SyncFailed(VERIFY_FAILED, detail="the list of parts differs")
            for name in before.namelist():
                if name == report.stamped_part:  # only its modified time may differ
                    if without_modified_time(before.read(name)) != without_modified_time(after.read(name)):
                        raise SyncFailed(VERIFY_FAILED, detail=f"{name} changed beyond its modified time")
                    continue
                if name in patched:
                    continue
                old, new = before.getinfo(name), after.getinfo(name)
                if (old.CRC, old.file_size, old.compress_type) == (
                    new.CRC,
                    new.file_size,
                    new.compress_type,
                ) and raw_member(before, old) == raw_member(after, new):
                    continue  # copied as stored: the same bytes inflate to the same content
                if before.read(name) != after.read(name):
                    raise SyncFailed(VERIFY_FAILED, detail=f"{name} changed")
        written_records = {ledger: _touched(plan, ledger) for ledger in SYNC_ORDER}
        parts = plan.parts  # of the original: the patch kept every part's name
        reread: WorkbookData | None = None
        if all(
            parts[plan.workbook.sheets[ledger].sheet] in report.rows
            for ledger, ids in written_records.items()
            if ids
        ):
            read_back = _rows_as_written(plan, report, parts)
        else:
            reread = read_workbook(
                written, cancelled, only={ledger: ids for ledger, ids in written_records.items() if ids}
            )
            read_back = {ledger: (sheet.records, sheet.unreadable) for ledger, sheet in reread.sheets.items()}
    except InterruptedError:  # cancelled while the copy was read again
        raise SyncCancelled() from None
    except (zipfile.BadZipFile, WorkbookError, OSError, RowXmlError) as error:
        raise SyncFailed(VERIFY_FAILED, detail=error) from None
    for ledger in written_records:
        result = plan.merges[ledger]
        if not result.to_remote:
            continue
        columns = plan.workbook.sheets[ledger].columns
        records, unreadable = read_back[ledger]
        for record_id, changes in result.to_remote.items():
            record = records.get(record_id)
            if record is None:
                raise SyncFailed(VERIFY_FAILED, detail=f"{ledger} record {record_id} is missing")
            for name, value in changes.items():
                has_column = name in columns or name == DELETED
                if has_column and record.get(name) != value and name not in unreadable.get(record_id, set()):
                    raise SyncFailed(
                        VERIFY_FAILED,
                        detail=f"{ledger} {record_id} {name}: {record.get(name)!r} != {value!r}",
                    )
    return reread


ReadBack = tuple[dict[str, Record], dict[str, set[str]]]  # records by id, unreadable fields by id


def _rows_as_written(plan: _Plan, report: PatchReport, parts: dict[str, str]) -> dict[str, ReadBack]:
    """The written records, read from the XML of just the rows the patch wrote (see sync.row_xml).

    Each row must be where the plan put it and carry its record's id.
    """
    read_back: dict[str, ReadBack] = {}
    for ledger in SYNC_ORDER:
        sheet = plan.workbook.sheets[ledger]
        part = parts[sheet.sheet]
        rows = report.rows.get(part, {})
        appended = dict(zip(plan.appended.get(ledger, []), report.appended_rows.get(part, []), strict=False))
        records: dict[str, Record] = {}
        unreadable: dict[str, set[str]] = {}
        date_columns = [
            sheet.columns[c.key]
            for c in layout(ledger).columns
            if c.field is not None and c.field.kind is Kind.DATE and c.key in sheet.columns
        ]
        for record_id in plan.merges[ledger].to_remote:
            row_number = appended.get(record_id) or sheet.rows.get(record_id)
            xml = rows.get(row_number) if row_number is not None else None
            if xml is None:
                continue  # reported as missing by the caller
            number, cells = read_row(xml)
            if report.date1904:  # the row's date serials count from 1904; record_from_cells from 1900
                for column in date_columns:
                    value = cells.get(column)
                    if isinstance(value, int | float) and not isinstance(value, bool):
                        cells[column] = value + DAYS_1900_TO_1904
            id_cell = cells.get(sheet.columns["id"], "")
            # An id head office's program stored as a shared string was not written by the patch: the
            # row is the one the first read found it on, which the row number confirms.
            written_id = record_id if isinstance(id_cell, SharedString) else str(id_cell).strip()
            if number != row_number or written_id != record_id:
                raise SyncFailed(
                    VERIFY_FAILED, detail=f"row {row_number} of {sheet.sheet} holds {written_id!r}"
                )
            records[record_id], unreadable[record_id] = record_from_cells(ledger, sheet.columns, cells)
        read_back[ledger] = (records, unreadable)
    return read_back


# --- the local side ----------------------------------------------------------------------------------------


def _counts(plan: _Plan) -> dict[str, LedgerCounts]:
    counts = {}
    issues_by_ledger: dict[str, int] = {}
    for issue in plan.issues:
        issues_by_ledger[issue.ledger] = issues_by_ledger.get(issue.ledger, 0) + 1
    for ledger in SYNC_ORDER:
        result = plan.merges[ledger]
        counts[ledger] = LedgerCounts(
            added_here=len(result.new_local),
            updated_here=sum(
                1 for rid, c in result.to_local.items() if rid not in result.new_local and not c.get(DELETED)
            ),
            deleted_here=sum(
                1 for rid, c in result.to_local.items() if rid not in result.new_local and c.get(DELETED)
            ),
            added_there=len(result.new_remote),
            updated_there=sum(
                1
                for rid, c in result.to_remote.items()
                if rid not in result.new_remote and not c.get(DELETED)
            ),
            deleted_there=sum(
                1 for rid, c in result.to_remote.items() if rid not in result.new_remote and c.get(DELETED)
            ),
            conflicts=len(result.conflicts),
            issues=issues_by_ledger.get(ledger, 0),
        )
    return counts


def _commit(
    database: Database, plan: _Plan, user: str, started: Any, workbook: Path, counts: dict[str, LedgerCounts]
) -> None:
    ledgers = {
        ledger: LedgerPlan(
            result.to_local, result.new_local, result.base, result.conflicts, plan.digests.get(ledger, {})
        )
        for ledger, result in plan.merges.items()
    }
    open_items = any(c.conflicts or c.issues for c in counts.values())
    local_plan = LocalPlan(
        author=user + AUTHOR_SUFFIX,
        ledgers=ledgers,
        issues=plan.issues,
        started_at=started,
        workbook=str(workbook),
        outcome=(Outcome.OPEN if open_items else Outcome.SYNCED).value,
        summary={ledger: vars(c) for ledger, c in counts.items()},
        new_workbook=plan.new_workbook,
        sheets=plan.sheets,
        held_columns={
            ledger: ",".join(sorted(sheet.held_columns))
            for ledger, sheet in plan.workbook.sheets.items()
            if not sheet.unread
        },
        versions=plan.versions,
    )
    apply_local(database, plan.snapshot, local_plan)


__all__ = ["Outcome", "SyncCancelled", "SyncFailed", "SyncReport", "canonical", "synchronise"]
