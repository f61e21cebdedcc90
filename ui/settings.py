"""The user's settings, declared once with type and default, stored in an INI file in the config folder."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

from ui.paths import config_dir


class Settings:
    def __init__(self) -> None:
        path = config_dir()
        path.mkdir(parents=True, exist_ok=True)
        self._store = QSettings(str(path / "settings.ini"), QSettings.Format.IniFormat)

    def _text(self, key: str) -> str:
        value = self._store.value(key, "")
        return str(value) if value is not None else ""

    def _set(self, key: str, value: object) -> None:
        self._store.setValue(key, value)
        self._store.sync()

    @property
    def user_name(self) -> str:
        return self._text("user/name")

    @user_name.setter
    def user_name(self, value: str) -> None:
        self._set("user/name", value)

    @property
    def team_id(self) -> str:
        return self._text("user/team_id")

    @team_id.setter
    def team_id(self, value: str) -> None:
        self._set("user/team_id", value)

    @property
    def last_visit_kind(self) -> str:
        return self._text("visit/last_kind") or "enterprise_visit"

    @last_visit_kind.setter
    def last_visit_kind(self, value: str) -> None:
        self._set("visit/last_kind", value)

    @property
    def last_staff(self) -> str:
        return self._text("visit/last_staff")

    @last_staff.setter
    def last_staff(self, value: str) -> None:
        self._set("visit/last_staff", value)

    @property
    def last_team_id(self) -> str:
        return self._text("visit/last_team_id")

    @last_team_id.setter
    def last_team_id(self, value: str) -> None:
        self._set("visit/last_team_id", value)

    @property
    def workbook_path(self) -> str:
        return self._text("sync/workbook")

    @workbook_path.setter
    def workbook_path(self, value: str) -> None:
        self._set("sync/workbook", value)

    @property
    def language(self) -> str:
        """ "zh", "en", or "" to follow the system locale; takes effect at the next start."""
        value = self._text("ui/language")
        return value if value in {"zh", "en"} else ""

    @language.setter
    def language(self, value: str) -> None:
        self._set("ui/language", value if value in {"zh", "en"} else "")

    @property
    def current_ledger(self) -> str:
        """The ledger tab shown when the window was last closed."""
        return self._text("window/current_ledger")

    @current_ledger.setter
    def current_ledger(self, value: str) -> None:
        self._set("window/current_ledger", value)

    def window_state(self, name: str) -> QByteArray | None:
        value = self._store.value(f"window/{name}")
        return value if isinstance(value, QByteArray) else None

    def set_window_state(self, name: str, value: QByteArray) -> None:
        self._set(f"window/{name}", value)
