"""Compile and check the translation catalogs without GNU gettext (pure Python, polib).

python scripts/i18n.py compile   # .po -> .mo, for `make run` and `make test`
python scripts/i18n.py check     # fail when an entry is untranslated or fuzzy
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "src" / "cercle" / "locale"


def catalogs() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))


def compile_all() -> int:
    for po_path in catalogs():
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
    return 0


def check_all() -> int:
    problems = 0
    for po_path in catalogs():
        po = polib.pofile(str(po_path))
        for entry in po:
            if entry.obsolete:
                continue
            missing = (
                not all(entry.msgstr_plural.values()) if entry.msgid_plural else not entry.msgstr
            )
            if missing or "fuzzy" in entry.flags:
                problems += 1
                where = entry.occurrences[0] if entry.occurrences else ("?", "")
                state = "fuzzy" if "fuzzy" in entry.flags else "untranslated"
                print(
                    f"{po_path.relative_to(LOCALE)}: {state}: {entry.msgid!r} ({where[0]}:{where[1]})"
                )
    if problems:
        print(f"{problems} translation(s) missing.")
        return 1
    print("All translations complete.")
    return 0


def fill_english() -> int:
    """Message ids are written in English, so the English catalog repeats them.

    Empty entries are filled, and so are fuzzy ones: makemessages guesses a fuzzy
    translation from a *similar* old message ("Commons" → "Commune"), which is never
    right here; a deliberate English rewording (a non-fuzzy entry) is kept.
    """
    for po_path in sorted(LOCALE.glob("en/LC_MESSAGES/*.po")):
        # gettext's own width, so that makemessages and this script agree on line breaks.
        po = polib.pofile(str(po_path), wrapwidth=79)
        for entry in po:
            fuzzy = "fuzzy" in entry.flags
            if entry.msgid_plural:
                if fuzzy or not all(entry.msgstr_plural.values()):
                    entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            elif fuzzy or not entry.msgstr:
                entry.msgstr = entry.msgid
            if fuzzy:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = entry.previous_msgid_plural = None
                entry.previous_msgctxt = None
        po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
        po.save()
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    sys.exit({"compile": compile_all, "check": check_all, "fill-en": fill_english}[command]())
