"""The detail pane beside a ledger: the record's fields, the records that refer to it, its history."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QWidget

from models import controlled
from models.fields import LEDGERS, Field, Kind
from models.parsing import parse_amount, parse_date
from models.store import LedgerStore
from models.tracking import CREATED
from ui.text import author_text, field_label, format_value, space_before, tr


def _history_value(field: Field | None, text: str | None) -> str:
    if text is None or text == "":
        return "—"
    if field is None:
        return text
    if field.kind is Kind.BOOL:
        return format_value(field, text == "1")
    if field.kind is Kind.DATE:
        return format_value(field, parse_date(text)) or text
    if field.kind is Kind.MONEY:
        amount = parse_amount(text)
        return format_value(field, amount) if amount is not None else text
    if field.kind is Kind.CHOICE:
        return format_value(field, text)
    return text


class DetailPane(QTextBrowser):
    """Shows one record; links to related records emit ``open_record(ledger, id)``."""

    open_record = Signal(str, str)

    def __init__(self, store: LedgerStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._link)
        self.setMinimumWidth(280)

    def _link(self, url: QUrl) -> None:
        ledger, _, record_id = url.path().partition("/")
        if url.scheme() == "record" and ledger in LEDGERS:
            self.open_record.emit(ledger, record_id)

    def show_record(self, ledger_name: str, record_id: str | None) -> None:
        if record_id is None:
            self.setHtml(
                f"<p style='color:#777'>{escape(tr('Detail', 'Select a record to see its details.'))}</p>"
            )
            return
        try:
            record = self.store.get(ledger_name, record_id)
        except KeyError:
            self.clear()
            return
        self.setHtml(self._html(ledger_name, record))

    def _heading(self, ledger_name: str, record: dict[str, Any]) -> str:
        """The record's name; one without (a visit with no summary) is headed by its first date and
        the first record it refers to, e.g. "2024-03-19 · 深圳氢蓝时代动力科技有限公司"."""
        ledger = LEDGERS[ledger_name]
        name = str(record.get(ledger.display_field) or "").strip()
        if name:
            return name
        first_date = next((f for f in ledger.fields if f.kind is Kind.DATE and record.get(f.name)), None)
        first_ref = next(
            (f for f in ledger.fields if f.kind is Kind.REF and f.ref and record.get(f.name)), None
        )
        pieces = [format_value(first_date, record[first_date.name])] if first_date else []
        if first_ref is not None and first_ref.ref is not None:
            pieces.append(self.store.display_name(first_ref.ref, record[first_ref.name]))
        return " · ".join(piece for piece in pieces if piece)

    def _html(self, ledger_name: str, record: dict[str, Any]) -> str:
        ledger = LEDGERS[ledger_name]
        parts = [f"<h3>{escape(self._heading(ledger_name, record))}</h3>"]
        if record.get("deleted"):
            parts.append(f"<p style='color:#b00020'><b>{escape(tr('Detail', 'Deleted'))}</b></p>")
        rows = []
        for field in ledger.fields:
            value = record.get(field.name)
            if field.kind is Kind.REF and field.ref:
                reference = self.store.reference(field.ref, value)
                shown = escape(reference.name)
                if value:
                    shown = f"<a href='record:{field.ref}/{value}'>{shown}</a>"
                if reference.deleted:
                    mark = tr("Detail", "(deleted)")
                    shown += f"{space_before(mark)}<span style='color:#b00020'>{escape(mark)}</span>"
            else:
                shown = escape(format_value(field, value)).replace("\n", "<br>")
            rows.append(
                f"<tr><td style='color:#555;padding-right:8px'>{escape(field_label(field))}</td>"
                f"<td>{shown}</td></tr>"
            )
        parts.append("<table>" + "".join(rows) + "</table>")
        for group in self.store.related(ledger_name, record["id"]):
            count = (
                str(group.total)
                if group.total == len(group.rows)
                else tr("Related", "the newest {shown} of {total}").format(
                    shown=len(group.rows), total=group.total
                )
            )
            parts.append(f"<h4>{escape(tr('Related', group.title))} ({escape(count)})</h4>")
            if group.rows:
                items = "".join(
                    f"<li><a href='record:{group.ledger}/{rid}'>{escape(self._describe(text))}</a></li>"
                    for rid, text in group.rows
                )
                parts.append(f"<ul>{items}</ul>")
        parts.append(f"<h4>{escape(tr('Detail', 'History'))}</h4>")
        parts.append(self._history_html(ledger_name, record["id"]))
        return "".join(parts)

    @staticmethod
    def _describe(text: str) -> str:
        """Related-record lines carry codes for kinds and stages; show their labels."""
        words = []
        for piece in text.split("  ·  "):
            for list_name in ("visit_kind", "lead_status", "project_stage"):
                if piece in controlled.codes(list_name):
                    piece = format_value(Field("x", "", Kind.CHOICE, choices=list_name), piece)
                    break
            words.append(piece)
        return "  ·  ".join(words)

    def _history_html(self, ledger_name: str, record_id: str) -> str:
        ledger = LEDGERS[ledger_name]
        names = {f.name: f for f in ledger.fields}
        lines = []
        for entry in self.store.history(ledger_name, record_id):
            when = entry.changed_at.astimezone().strftime("%Y-%m-%d %H:%M")
            who = escape(author_text(entry.changed_by) if entry.changed_by else tr("Detail", "unknown"))
            if entry.field == CREATED:
                what = escape(tr("Detail", "created the record"))
            elif entry.field == "deleted":
                what = escape(
                    tr("Detail", "deleted the record")
                    if entry.new_value == "1"
                    else tr("Detail", "restored the record")
                )
            else:
                field = names.get(entry.field)
                label = field_label(field) if field else entry.field
                what = escape(
                    tr("Detail", "changed {field}: {old} → {new}").format(
                        field=label,
                        old=_history_value(field, entry.old_value),
                        new=_history_value(field, entry.new_value),
                    )
                )
            lines.append(f"<li><span style='color:#555'>{when}</span> <b>{who}</b> {what}</li>")
        if not lines:
            return f"<p style='color:#777'>{escape(tr('Detail', 'No recorded changes.'))}</p>"
        return "<ul>" + "".join(lines) + "</ul>"
