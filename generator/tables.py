"""The briefing's tables as CSV: docs/data/actors.csv, quotes.csv, stances.csv, events.csv.

Each table is a list of columns read from the export's records (export.py),
so the CSV says exactly what briefing.json says.  Files are UTF-8 with a
byte-order mark (without it Excel reads UTF-8 as the local code page), a
header row, and RFC 4180 quoting and line ends, written by the csv module.

A cell a spreadsheet would take for a formula (starting with = + - @, a tab
or a carriage return) is written with a single quote in front: seed text
must not run as a formula on an analyst's machine (CSV injection).  cell()
is the one place that happens.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Callable

# What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Lists (aliases, ids) in one cell; ids never contain it.
LIST_SEPARATOR = "; "

Column = tuple[str, Callable[[dict[str, Any]], Any]]


def cell(value: Any) -> str:
    """One value as a CSV cell: text, with a leading quote if a spreadsheet would run it as a formula."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = LIST_SEPARATOR.join(str(v) for v in value)
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _date(key: str, part: str = "iso") -> Callable[[dict[str, Any]], Any]:
    return lambda row: (row[key] or {}).get(part)


def tables(data: dict[str, Any]) -> dict[str, tuple[list[Column], list[dict[str, Any]]]]:
    """Each table's file name, columns and rows, from the export's records."""
    names = {actor["id"]: actor["name"] for actor in data["actors"]}
    return {
        "actors.csv": ([
            ("id", lambda r: r["id"]), ("name", lambda r: r["name"]), ("type", lambda r: r["type"]),
            ("aliases", lambda r: r["aliases"]), ("description", lambda r: r["description"]),
            ("url", lambda r: r["url"]),
        ], data["actors"]),
        "quotes.csv": ([
            ("id", lambda r: r["id"]), ("article", lambda r: r["article"]), ("speaker", lambda r: r["speaker"]),
            ("speaker_name", lambda r: names[r["speaker"]]), ("date", _date("when")),
            ("date_text", _date("when", "text")), ("text", lambda r: r["text"]), ("context", lambda r: r["context"]),
            ("url", lambda r: r["url"]),
        ], data["quotes"]),
        "stances.csv": ([
            ("id", lambda r: r["id"]), ("article", lambda r: r["article"]), ("actor", lambda r: r["actor"]),
            ("actor_name", lambda r: names[r["actor"]]), ("issue", lambda r: r["issue"]),
            ("leaning", lambda r: r["leaning"]), ("position", lambda r: r["position"]),
            ("evidence", lambda r: r["evidence"]), ("url", lambda r: r["url"]),
        ], data["stances"]),
        "events.csv": ([
            ("id", lambda r: r["id"]), ("article", lambda r: r["article"]), ("date", _date("date")),
            ("date_text", _date("date", "text")), ("inferred", _date("date", "inferred")),
            ("what", lambda r: r["what"]), ("actors", lambda r: r["actors"]), ("where", lambda r: r["where"]),
            ("url", lambda r: r["url"]),
        ], data["events"]),
    }


def to_csv(columns: list[Column], rows: list[dict[str, Any]]) -> str:
    """A table as CSV text, byte-order mark and header first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _ in columns])
    for row in rows:
        writer.writerow([cell(get(row)) for _, get in columns])
    return "\ufeff" + out.getvalue()


def csv_files(data: dict[str, Any]) -> dict[str, str]:
    """File name -> CSV text of every table."""
    return {name: to_csv(columns, rows) for name, (columns, rows) in tables(data).items()}
