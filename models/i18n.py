"""Marking of user-visible strings that live outside ui/.

models/ may not import Qt, yet its labels and messages must reach Qt's translation tools. The names
below are the ones ``pyside6-lupdate`` recognises, so the strings are extracted into the ``.ts`` files;
ui/ translates them at display time with ``QCoreApplication.translate(context, text)``.
"""


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    del context
    return text
