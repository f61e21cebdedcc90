"""Logging a visit quickly, keyboard only: today's date, the last kind/team/staff, type-ahead enterprise.

A name that matches no enterprise creates one when the visit is saved (after a duplicate check). While
an enterprise is picked, the dialog says who last visited it, so two teams do not call on the same
company unknowingly.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QLabel

from models.store import LedgerStore
from models.validation import Problem, validate
from ui.record_dialog import RecordDialog, without_repeats
from ui.services import Choice
from ui.settings import Settings
from ui.text import tr

HINT_STYLE = "color: #555;"


class VisitDialog(RecordDialog):
    def __init__(self, store: LedgerStore, settings: Settings, record_id: str | None = None, **options: Any):
        self.settings = settings
        defaults = None
        if record_id is None:
            defaults = {
                "visit_date": date.today(),
                "kind": settings.last_visit_kind,
                "team_id": settings.last_team_id or settings.team_id or None,
                "staff": settings.last_staff or settings.user_name,
            }
            defaults = {k: v for k, v in defaults.items() if v}
        self.new_enterprise_name: str | None = None
        self.enterprise_note = QLabel()
        self.enterprise_note.setObjectName("enterprise_note")
        self.enterprise_note.setWordWrap(True)
        super().__init__(store, "visits", record_id, defaults=defaults, **options)
        enterprise = self.editors["enterprise_id"]
        self.holders["enterprise_id"].addWidget(self.enterprise_note)
        enterprise.record_changed.connect(self._enterprise_changed)
        enterprise.textEdited.connect(lambda _text: self._enterprise_changed(enterprise.value()))
        self._enterprise_changed(enterprise.value())
        self.editors["visit_date"].setFocus()

    def _enterprise_changed(self, enterprise_id: str | None) -> None:
        text = self.editors["enterprise_id"].text().strip()
        if enterprise_id:
            last = self.store.last_visit(enterprise_id)
            if last is None:
                note = tr("Visit", "No visit logged for this enterprise yet.")
            else:
                note = tr("Visit", "Last visited on {date} by {team}{staff}.").format(
                    date=last.visit_date.isoformat(),
                    team=last.team,
                    staff=f" ({last.staff})" if last.staff else "",
                )
            self.enterprise_note.setStyleSheet(HINT_STYLE)
        elif text:
            note = tr("Visit", "New enterprise: “{name}” will be added when you save.").format(name=text)
            self.enterprise_note.setStyleSheet(HINT_STYLE)
        else:
            note = ""
        self.enterprise_note.setText(note)
        self.enterprise_note.setVisible(bool(note))

    def check(self, values: dict[str, Any]) -> list[Problem]:
        typed = self.editors["enterprise_id"].text().strip()
        self.new_enterprise_name = typed if typed and values.get("enterprise_id") is None else None
        unresolved = [p for p in self.unresolved_references(values) if p.field != "enterprise_id"]
        return without_repeats(unresolved, validate("visits", values))

    def confirm(self, values: dict[str, Any]) -> bool:
        if not self.new_enterprise_name:
            return True
        duplicates = self.store.find_duplicate_enterprises(self.new_enterprise_name)
        if not duplicates:
            return self._confirm_not_a_part(values, self.new_enterprise_name)
        existing = duplicates[0]
        answer = self.services.choose(
            self,
            tr("Dialog", "Possible duplicate"),
            tr("Dialog", "“{name}” looks like an enterprise that already exists: “{existing}”.").format(
                name=self.new_enterprise_name, existing=existing["name"]
            ),
            tr("Visit", "Use the existing enterprise"),
            tr("Visit", "Add a new enterprise"),
        )
        if answer is Choice.PRIMARY:
            self.editors["enterprise_id"].set_value(existing["id"], existing["name"])
            values["enterprise_id"] = existing["id"]
            self.new_enterprise_name = None
            return True
        return answer is Choice.SECONDARY

    def _confirm_not_a_part(self, values: dict[str, Any], name: str) -> bool:
        """A name typed is part of existing enterprises' names ("Brightway" of six Brightway …
        companies): ask whether one of them was meant before a new enterprise is added."""
        count, named = self.store.enterprises_named_with(name)
        if not named:
            return True
        listed = "\n".join(f"• {enterprise['name']}" for enterprise in named)
        if count > len(named):
            listed += "\n" + tr("Visit", "… and {count} more").format(count=count - len(named))
        one = count == 1
        text = (
            tr("Visit", "No enterprise is named exactly “{name}”, but this one has it in its name:")
            if one
            else tr("Visit", "No enterprise is named exactly “{name}”, but {count} have it in their names:")
        ).format(name=name, count=count)
        question = (
            tr("Visit", "Did you mean it, or is “{name}” a new enterprise?")
            if one
            else tr("Visit", "Did you mean one of them, or is “{name}” a new enterprise?")
        ).format(name=name)
        answer = self.services.choose(
            self,
            tr("Visit", "Did you mean an existing enterprise?"),
            f"{text}\n{listed}\n\n{question}",
            tr("Visit", "Use the existing enterprise") if one else tr("Visit", "Pick one of them"),
            tr("Visit", "Add a new enterprise"),
        )
        if answer is Choice.SECONDARY:
            return True
        editor = self.editors["enterprise_id"]
        if answer is Choice.PRIMARY and one:
            editor.set_value(named[0]["id"], named[0]["name"])
            values["enterprise_id"] = named[0]["id"]
            self.new_enterprise_name = None
            return True
        if answer is Choice.PRIMARY:
            editor.show_matches()  # the dialog stays open with the list of them under the name
        return False

    def write(self, values: dict[str, Any]) -> str:
        if self.record_id:
            return super().write(values)
        visit_id, _ = self.store.log_visit(values, self.new_enterprise_name)
        return visit_id

    def after_save(self, values: dict[str, Any]) -> None:
        self.settings.last_visit_kind = values.get("kind") or ""
        self.settings.last_team_id = values.get("team_id") or ""
        self.settings.last_staff = values.get("staff") or ""
