"""Qt translations shipped with the app.

* ``outreach_zh_CN.ts`` — the app's messages with their Simplified Chinese translations (edit this,
  e.g. in ``pyside6-linguist``); ``outreach_zh_CN.qm`` is compiled from it.
* ``qtbase_zh_CN.qm`` — Qt's own translation of its standard dialogs and buttons, copied unchanged from
  the PySide6 wheel (``PySide6/Qt/translations``; Qt data under LGPL-3.0 / GPL-2.0 / GPL-3.0 like
  PySide6 itself). Copy it again when PySide6 is upgraded.

Regenerate the ``.ts`` from the code and compile the ``.qm`` (from the repository root)::

    .venv/bin/python -m resources.translations.extract

See ``extract.py`` for why this is not ``pyside6-lupdate``.
"""
