"""The question exchange format in three encodings: JSON, CSV and YAML.

`dumps` writes a canonical text for a list of items (export); `loads` reads one back
(import), refusing oversize, undecodable, truncated or malformed files with errors that
name the row (CSV) or index (JSON, YAML). Field rules are checked by services.validate_items.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import yaml

from .services import LIST_FIELDS, QUESTION_FIELDS, RELATION_FIELDS, BankError

FORMATS = ("json", "csv", "yaml")
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ITEMS = 5000
CSV_LIST_FIELDS = LIST_FIELDS + RELATION_FIELDS  # one item per line inside the cell

# Spreadsheet formula injection ("CSV injection"): a cell starting with one of these is run as
# a formula by Excel, LibreOffice or Sheets, so a suggested question's prompt could run one
# on a curator's machine. Such cells are written with a leading apostrophe, which spreadsheets
# show as text and never run. A cell already starting with an apostrophe gets one too, so
# reading drops exactly one and a round trip gives back the same text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell no spreadsheet runs as a formula (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_unescape(cell: str) -> str:
    """The text `spreadsheet_safe` wrote: drops the apostrophe it added, and only that one."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def format_for(filename: str) -> str | None:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return {"json": "json", "csv": "csv", "yaml": "yaml", "yml": "yaml"}.get(suffix)


def where_label(fmt: str) -> Callable[[int], str]:
    """How errors name an item: CSV by row number (the header is row 1), others by index."""
    if fmt == "csv":
        return lambda index: f"row {index + 2}"
    return lambda index: f"item {index}"


def dumps(items: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump(
            items, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(QUESTION_FIELDS)
        for item in items:
            writer.writerow(
                [
                    spreadsheet_safe("\n".join(item[f]) if f in CSV_LIST_FIELDS else item[f])
                    for f in QUESTION_FIELDS
                ]
            )
        return out.getvalue()
    raise ValueError(f"unknown format {fmt!r}")


def loads(data: bytes, fmt: str) -> list[Any]:
    """Decode and parse an upload; raises BankError naming what is wrong and where."""
    if fmt not in FORMATS:
        raise BankError([f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}"])
    if len(data) > MAX_IMPORT_BYTES:
        raise BankError(
            [
                f"the file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_IMPORT_BYTES // 1024 // 1024} MB"
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BankError(
            [
                f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at position "
                f"{exc.start}); save it as UTF-8 and try again"
            ]
        ) from exc
    if not text.strip():
        raise BankError(["the file is empty"])
    items = {"json": _load_json, "yaml": _load_yaml, "csv": _load_csv}[fmt](text)
    if len(items) > MAX_IMPORT_ITEMS:
        raise BankError(
            [f"the file has {len(items):,} questions; the limit is {MAX_IMPORT_ITEMS:,} per import"]
        )
    return items


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors' aliases (`*name`): a 400 KB file of aliases expanded to ~60 MB in
    memory (a "billion laughs", found in review), and exports never write them."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed; write each value out", mark
            )
        return super().compose_node(parent, index)


def _load_json(text: str) -> list[Any]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BankError(
            [
                f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
                " (is the file complete?)"
            ]
        ) from exc
    except RecursionError as exc:
        raise BankError(["the file nests lists or objects too deeply"]) from exc
    if not isinstance(items, list):
        raise BankError(["the file must hold a list of questions"])
    return items


def _load_yaml(text: str) -> list[Any]:
    try:
        items = yaml.load(text, Loader=_NoAliasLoader)  # a SafeLoader, without aliases
    except RecursionError as exc:
        raise BankError(["the file nests lists or objects too deeply"]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise BankError([f"not valid YAML{where}: {problem} (is the file complete?)"]) from exc
    if not isinstance(items, list):
        raise BankError(["the file must hold a list of questions"])
    return items


def _load_csv(text: str) -> list[dict[str, Any]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise BankError(
            [f"row {reader.line_num}: {exc} (a quoted cell never closes: is the file complete?)"]
        ) from exc
    header, body = rows[0], rows[1:]
    missing = [f for f in QUESTION_FIELDS if f not in header]
    unknown = [f for f in header if f not in QUESTION_FIELDS]
    errors = []
    if missing:
        errors.append(f"row 1: missing column(s) {', '.join(missing)}")
    if unknown:
        errors.append(f"row 1: unknown column(s) {', '.join(unknown)}")
    if len(set(header)) != len(header):
        errors.append("row 1: a column name repeats")
    if errors:
        raise BankError(errors)
    items = []
    for number, row in enumerate(body, start=2):
        if not any(cell.strip() for cell in row):
            errors.append(f"row {number}: the row is empty")
            continue
        if len(row) != len(header):
            errors.append(f"row {number}: has {len(row)} cells, the header has {len(header)}")
            continue
        item = dict(zip(header, map(spreadsheet_unescape, row), strict=True))
        for name in CSV_LIST_FIELDS:
            item[name] = [line for line in item[name].split("\n") if line.strip()]
        items.append({name: item[name] for name in QUESTION_FIELDS})
    if errors:
        raise BankError(errors)
    return items
