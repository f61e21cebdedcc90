"""Extract the app's user-visible strings into ``outreach_zh_CN.ts`` and compile it to ``.qm``.

Regenerate both files (from the repository root) with::

    .venv/bin/python -m resources.translations.extract

``pyside6-lupdate`` is not used: it reads our helper call ``tr("Context", "text")`` as
``self.tr(source, disambiguation)`` and files the context name as the message. This script walks the
Python AST of main.py, ui/, models/ and sync/ for calls with literal string arguments:

* ``tr("Context", "text"[, "disambiguation"])`` (``ui.text.tr``),
* ``QT_TRANSLATE_NOOP("Context", "text")`` (``models.i18n``),
* ``QCoreApplication.translate("Context", "text"[, "disambiguation"])``.

Existing translations in the ``.ts`` are kept; new messages are added as ``type="unfinished"``;
messages no longer in the code are dropped. The ``.qm`` is then compiled with ``pyside6-lrelease``
(found next to the running Python). ``--no-qm`` only updates the ``.ts``; ``--check`` changes nothing
and exits with 1 when the ``.ts`` is out of date or has unfinished messages.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SOURCES = ("main.py", "ui", "models", "sync")
TS_FILE = HERE / "outreach_zh_CN.ts"
QM_FILE = HERE / "outreach_zh_CN.qm"
LANGUAGE = "zh_CN"

Key = tuple[str, str, str]  # context, source, disambiguation ("" when none)


@dataclass
class Message:
    context: str
    source: str
    comment: str
    locations: list[tuple[str, int]]


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        if isinstance(func.value, ast.Name) and func.value.id == "QCoreApplication":
            return f"QCoreApplication.{func.attr}"
        return ""
    return ""


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def python_files(root: Path = ROOT) -> Iterator[Path]:
    for name in SOURCES:
        path = root / name
        if path.is_file():
            yield path
        else:
            yield from sorted(p for p in path.rglob("*.py") if "migrations" not in p.parts)


def messages_in(path: Path, root: Path = ROOT) -> Iterator[tuple[Key, tuple[str, int]]]:
    """(context, source, disambiguation) of every translatable literal in one file, with its location."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    relative = path.relative_to(root).as_posix()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if name not in {"tr", "QT_TRANSLATE_NOOP", "QCoreApplication.translate"}:
            continue
        if len(node.args) < 2:
            continue
        context, source = _literal(node.args[0]), _literal(node.args[1])
        if context is None or source is None:
            continue  # a runtime value: its literal is marked where it is defined
        comment = ""
        if name != "QT_TRANSLATE_NOOP" and len(node.args) >= 3:
            comment = _literal(node.args[2]) or ""
        yield (context, source, comment), (relative, node.lineno)


def extract(root: Path = ROOT) -> dict[Key, Message]:
    found: dict[Key, Message] = {}
    for path in python_files(root):
        for key, location in messages_in(path, root):
            message = found.setdefault(key, Message(key[0], key[1], key[2], []))
            message.locations.append(location)
    return found


def read_ts(path: Path = TS_FILE) -> dict[Key, str | None]:
    """Translations in a .ts file; None for an unfinished or empty one."""
    if not path.exists():
        return {}
    result: dict[Key, str | None] = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            key = (name, message.findtext("source") or "", message.findtext("comment") or "")
            translation = message.find("translation")
            text = translation.text if translation is not None else None
            kind = translation.get("type") if translation is not None else "unfinished"
            unfinished = kind in {"unfinished", "obsolete", "vanished"}
            result[key] = None if unfinished or not text else text
    return result


def render_ts(messages: dict[Key, Message], translations: dict[Key, str | None]) -> str:
    root = ET.Element("TS", version="2.1", language=LANGUAGE, sourcelanguage="en")
    by_context: dict[str, list[Message]] = {}
    for message in messages.values():
        by_context.setdefault(message.context, []).append(message)
    for context_name in sorted(by_context):
        context = ET.SubElement(root, "context")
        ET.SubElement(context, "name").text = context_name
        ordered = sorted(by_context[context_name], key=lambda m: (m.locations[0], m.source, m.comment))
        for message in ordered:
            element = ET.SubElement(context, "message")
            for filename, line in message.locations:
                ET.SubElement(element, "location", filename=f"../../{filename}", line=str(line))
            ET.SubElement(element, "source").text = message.source
            if message.comment:
                ET.SubElement(element, "comment").text = message.comment
            text = translations.get((message.context, message.source, message.comment))
            translation = ET.SubElement(element, "translation")
            if text:
                translation.text = text
            else:
                translation.set("type", "unfinished")
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n"


def lrelease() -> str:
    candidate = Path(sys.executable).with_name("pyside6-lrelease")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    if found is None:
        raise SystemExit("pyside6-lrelease not found: install PySide6 in this environment")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-qm", action="store_true", help="update the .ts only")
    parser.add_argument("--check", action="store_true", help="report, change nothing")
    args = parser.parse_args(argv)
    messages = extract()
    translations = read_ts()
    text = render_ts(messages, translations)
    unfinished = [m for k, m in messages.items() if not translations.get(k)]
    contexts = {m.context for m in messages.values()}
    print(f"{len(messages)} messages in {len(contexts)} contexts, {len(unfinished)} unfinished")
    if args.check:
        current = TS_FILE.read_text(encoding="utf-8") if TS_FILE.exists() else ""
        return 0 if current == text and not unfinished else 1
    TS_FILE.write_text(text, encoding="utf-8")
    if not args.no_qm:
        subprocess.run([lrelease(), "-silent", str(TS_FILE), "-qm", str(QM_FILE)], check=True)
        print(f"wrote {QM_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
