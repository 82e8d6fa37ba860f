"""``python -m qms.words`` writes qms/static/words.js, the pages' copy of the words, so a
page renders a refusal from its code exactly as the server does. The file is committed;
tests/test_words_js.py fails when it differs from what this writes."""

from __future__ import annotations

import json
from pathlib import Path

from qms.words.errors import ERRORS
from qms.words.fields import FIELDS
from qms.words.statuses import STATUSES

TARGET = Path(__file__).resolve().parents[1] / "static" / "words.js"
COMMAND = "python -m qms.words"


def _pairs(table: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    return {key: {"vi": vi, "en": en} for key, (vi, en) in table.items()}


def script() -> str:
    """The module's text: three tables of {vi, en}, templates in qms/words/format.py's syntax."""
    tables = {
        "ERRORS": _pairs(ERRORS),
        "STATUSES": {group: _pairs(values) for group, values in STATUSES.items()},
        "FIELDS": _pairs(FIELDS),
    }
    out = [
        f"// Generated from qms/words by `{COMMAND}`: do not edit by hand.",
        "// Templates: {name} or {name:kind}, kinds as in qms/words/format.py; rendered by",
        "// qms/static/i18n.js.",
    ]
    for name, table in tables.items():
        out.append(f"export const {name} = {json.dumps(table, ensure_ascii=False, indent=2)};")
    return "\n".join(out) + "\n"


def main() -> None:
    TARGET.write_text(script(), encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
