"""Partial dates: a year, a month or a day, or a range of them, with hedges.

Articles give dates at every precision ("1979-88", "since 2003", "early
November", "November 19-20").  Seeds write them as ISO 8601 partial dates
("2010", "2010-11", "2010-11-19") or intervals ("2010-11-19/2010-11-20"),
optionally with a qualifier and a note saying how the date was inferred.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass

_PART_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")

MONTHS = (
    "", "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)


@dataclass(frozen=True, order=True)
class Point:
    """A date known to a year, a month or a day (missing parts are 0)."""

    year: int
    month: int = 0
    day: int = 0

    @property
    def precision(self) -> str:
        """'year', 'month' or 'day'."""
        if self.day:
            return "day"
        return "month" if self.month else "year"

    def iso(self) -> str:
        """The point as written in seeds: 2010, 2010-11 or 2010-11-19."""
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def text(self) -> str:
        """The point in words: 2010, November 2010, 19 November 2010."""
        if self.day:
            return f"{self.day} {MONTHS[self.month]} {self.year}"
        if self.month:
            return f"{MONTHS[self.month]} {self.year}"
        return str(self.year)


@dataclass(frozen=True)
class PartialDate:
    """A point or a range, with an optional hedge and inference note."""

    start: Point
    end: Point | None = None
    qualifier: str = ""
    inferred: bool = False
    note: str = ""

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Chronological order; a bare year sorts before its months."""
        return (self.start.year, self.start.month, self.start.day)

    @property
    def year(self) -> int:
        """The year the date starts in."""
        return self.start.year

    def iso(self) -> str:
        """The date as written in seeds, without hedges."""
        if self.end is None:
            return self.start.iso()
        return f"{self.start.iso()}/{self.end.iso()}"

    def text(self) -> str:
        """The date in words, hedges included, without the note."""
        words = _range_text(self.start, self.end)
        if self.qualifier:
            words = f"{self.qualifier} {words}"
        return words

    def label(self) -> str:
        """The date in words, marked when it is inferred rather than printed."""
        return f"{self.text()} (inferred)" if self.inferred else self.text()


def _range_text(start: Point, end: Point | None) -> str:
    """19–20 November 2010, November 2010 – March 2011, 1979–1989."""
    if end is None:
        return start.text()
    same_month = (start.year, start.month) == (end.year, end.month)
    if start.precision == end.precision == "day" and same_month:
        return f"{start.day}–{end.day} {MONTHS[start.month]} {start.year}"
    if start.precision == end.precision == "year":
        return f"{start.year}–{end.year}"
    return f"{start.text()} – {end.text()}"


def parse_point(text: str) -> Point:
    """Parse YYYY, YYYY-MM or YYYY-MM-DD; raise ValueError saying what is wrong."""
    match = _PART_RE.fullmatch(text)  # not match(): "$" would let a trailing newline in
    if not match:
        raise ValueError(f"'{text}' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else 0 for g in match.groups())
    if year == 0:
        raise ValueError(f"'{text}' is not a real date: there is no year 0")
    if match.group(2) and not 1 <= month <= 12:
        raise ValueError(f"'{text}' is not a real date: month {month} does not exist")
    if match.group(3):
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise ValueError(
                f"'{text}' is not a real date: {MONTHS[month]} {year} has {last} days"
            )
    return Point(year, month, day)


@functools.lru_cache(maxsize=1 << 16)  # the same few thousand dates recur across a briefing
def parse_date(text: str) -> tuple[Point, Point | None]:
    """Parse a point or an interval A/B; raise ValueError saying what is wrong."""
    if text.count("/") > 1:
        raise ValueError(f"'{text}' is not a date: a range has one '/'")
    first, slash, second = text.partition("/")
    if slash and not (first and second):
        raise ValueError(f"'{text}' is not a date range: write start/end, e.g. 2010-11-19/2010-11-20")
    start = parse_point(first)
    if not slash:
        return start, None
    end = parse_point(second)
    if end < start:
        raise ValueError(f"'{text}' is not a date range: it ends before it starts")
    return start, end
