"""Choosing the UI language at start-up and installing the matching Qt translators."""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from ui.settings import Settings

# The values of Settings.language: "" follows the system locale.
LANGUAGES = ("zh", "en", "")
APP_CATALOG = "outreach_zh_CN.qm"
QT_CATALOG = "qtbase_zh_CN.qm"

_installed: list[QTranslator] = []


def wanted_language(setting: str, system: QLocale | None = None) -> str:
    """ "zh" or "en": the setting, or the system locale when the setting is empty or unknown."""
    if setting in {"zh", "en"}:
        return setting
    locale = system if system is not None else QLocale.system()
    return "zh" if locale.language() == QLocale.Language.Chinese else "en"


def remove_translators(app: QCoreApplication) -> None:
    while _installed:
        translator = _installed.pop()
        app.removeTranslator(translator)
        translator.deleteLater()


def _load(app: QCoreApplication, path: str) -> bool:
    translator = QTranslator(app)
    if not translator.load(path):
        translator.deleteLater()
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True


def install_language(app: QCoreApplication, settings: Settings) -> str:
    """Install the translators for the chosen language and make it the default locale; returns "zh" or "en".

    Call before any window is created. Calling again replaces what an earlier call installed.
    """
    remove_translators(app)
    language = wanted_language(settings.language)
    if language == "zh":
        folder = resources.files("resources.translations")
        with resources.as_file(folder / APP_CATALOG) as app_catalog:
            _load(app, str(app_catalog))
        with resources.as_file(folder / QT_CATALOG) as qt_catalog:
            if not (qt_catalog.exists() and _load(app, str(qt_catalog))):
                qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
                _load(app, f"{qt_folder}/{QT_CATALOG}")
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    return language
