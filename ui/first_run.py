"""First start: who is using this laptop, and for which team. Kept in settings."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from models.database import Database
from models.queries import lookup
from ui.editors import RefEditor
from ui.settings import Settings
from ui.text import tr


class FirstRunDialog(QDialog):
    def __init__(self, database: Database, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(tr("FirstRun", "Welcome to Outreach Ledger"))
        intro = QLabel(
            tr(
                "FirstRun",
                "Your name is recorded with every change you make, so that head office "
                "and sync can show who changed what. Your team is the default for "
                "new visits.",
            )
        )
        intro.setWordWrap(True)
        self.name = QLineEdit(settings.user_name)
        self.name.setObjectName("user_name")
        self.team = RefEditor(lambda text: lookup(database, "teams", text))
        self.team.setObjectName("team")
        self.team.setPlaceholderText(tr("FirstRun", "Type to choose a team (optional)"))
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        form = QFormLayout()
        form.addRow(tr("FirstRun", "Your name *"), self.name)
        form.addRow(tr("FirstRun", "Your team"), self.team)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

    def accept(self) -> None:
        name = self.name.text().strip()
        if not name:
            self.error.setText(tr("Validation", "This field is required."))
            self.error.show()
            self.name.setFocus()
            return
        if self.team.text().strip() and self.team.value() is None:
            self.error.setText(
                tr("FirstRun", "No team is named “{name}”.").format(name=self.team.text().strip())
            )
            self.error.show()
            self.team.setFocus()
            return
        self.settings.user_name = name
        self.settings.team_id = self.team.value() or ""
        super().accept()
