"""Starting the GUI: application object, database, first-run dialog, main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication, QDialog

from models.database import Database, DatabaseOpenError
from ui.language import install_language
from ui.paths import default_database
from ui.services import DialogService
from ui.settings import Settings
from ui.text import reason_text, tr


def open_database(path: Path, services: DialogService) -> Database | None:
    try:
        return Database.open(path, verify=False)  # verified in the background once the window is up
    except DatabaseOpenError as error:
        services.error(
            None,
            tr("Database", "Cannot open the database"),
            tr("Database", error.message).format(path=error.path, detail=reason_text(error.detail)),
        )
        return None


def run(db_path: Path | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Outreach Ledger")
    app.setOrganizationName("OutreachLedger")
    settings = Settings()
    install_language(app, settings)
    services = DialogService()
    database = open_database(db_path or default_database(), services)
    if database is None:
        return 1
    try:
        if not settings.user_name:
            from ui.first_run import FirstRunDialog

            if FirstRunDialog(database, settings).exec() != QDialog.DialogCode.Accepted:
                return 0
        from ui.main_window import MainWindow

        window = MainWindow(database, settings, services)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        window.check_integrity()
        code = app.exec()
        QThreadPool.globalInstance().waitForDone()
        return code
    finally:
        database.close()
