"""Partial dates: a year, a month or a day, or a range of them, with hedges.

Articles give dates at every precision ("1979-88", "since 2003", "early
November", "November 19-20").  Seeds write them in the Library of Congress's
Extended Date/Time Format (EDTF, ISO 8601-2), parsed by the `edtf` package:
partial dates ("2010", "2010-11", "2010-11-19"), intervals
("2010-11-19/2010-11-20"), open-ended ones ("2014/.." since 2014,
"../2018-02-08" by 8 February 2018), approximate ("2010-11~", about November
2010) and uncertain ones ("2012?", perhaps 2012); optionally with a
qualifier and a note saying how the date was inferred.  An open end or a
"~"/"?" becomes the date's hedge, read as the qualifier of the same meaning.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass

import edtf

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
    def order_key(self) -> tuple[int, int, int, int, int]:
        """Timeline order: by the earliest year the date can fall in, then how far it runs, then month and day.

        So "2001" comes before "after 2001" (which can only be 2002 or later), a
        date inside 2008 ("August 2008") before one running on past it
        ("2008–2009", "since 2008"), and "early 2008" before "late 2008".
        """
        first = self.start.year + (1 if self.qualifier == "after" and self.end is None and not self.start.month else 0)
        last = 9999 if self.qualifier in ("since", "after") and self.end is None else (self.end or self.start).year
        month = self.start.month or _SEASON_MONTH.get(self.qualifier, 0)
        return (first, last, month, self.start.day, _HEDGE_RANK.get(self.qualifier, 1))

    @property
    def year(self) -> int:
        """The year the date starts in."""
        return self.start.year

    def iso(self) -> str:
        """The date as written in seeds, without hedges."""
        if self.end is None:
            return self.start.iso()
        return f"{self.start.iso()}/{self.end.iso()}"

    def edtf(self) -> str:
        """The date in EDTF, with the hedges EDTF can say ("2014/..", "2010-11~")."""
        return _EDTF_FORM.get(self.qualifier, "{}").format(self.iso()) if self.end is None else self.iso()

    def text(self) -> str:
        """The date in words, hedges included, without the note."""
        words = _range_text(self.start, self.end)
        if self.qualifier:
            words = f"{self.qualifier} {words}"
        return words

    def label(self) -> str:
        """The date in words, marked when it is inferred rather than printed."""
        return f"{self.text()} (inferred)" if self.inferred else self.text()


# Within a year, a hedge's month for ordering ("early 2008" before "late 2008"), and
# which hedges read before a plain date of the same day ("by 2008" ends no later than it).
_SEASON_MONTH = {"early": 1, "mid": 6, "late": 10}
_HEDGE_RANK = {"before": 0, "by": 0}
# The EDTF spelling of a point with the hedge EDTF has a sign for.
_EDTF_FORM = {"since": "{}/..", "by": "../{}", "about": "{}~", "perhaps": "{}?", "perhaps about": "{}%"}
# What an EDTF sign says, as the qualifier that reads the same.
_EDTF_HEDGE = {"~": "about", "?": "perhaps", "%": "perhaps about"}
EDTF_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD, a range A/B, an open range A/.. or ../B, or a date ending in ~ (about) or ? (perhaps)"


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
def parse_date(text: str) -> tuple[Point, Point | None, str]:
    """Parse an EDTF date: (start, end, hedge); raise ValueError saying what is wrong.

    An open end gives the hedge "since" (A/..) or "by" (../B); "~", "?" and "%"
    give "about", "perhaps" and "perhaps about".  The edtf package reads the
    notation; the points are checked here as well, for messages that say
    which part is wrong ("month 13 does not exist").
    """
    if text.count("/") > 1:
        raise ValueError(f"'{text}' is not a date: a range has one '/'")
    first, slash, second = text.partition("/")
    if slash and not (first and second):
        raise ValueError(f"'{text}' is not a date range: write start/end, e.g. 2010-11-19/2010-11-20, or 2014/.. for an open end")
    for part in (first, second):
        if part and part != "..":
            parse_point(part.rstrip("~?%"))  # the precise message for a malformed or unreal point
    if _PART_RE.fullmatch(first) and (not slash or _PART_RE.fullmatch(second)):
        # A plain date or closed range, the form nearly every date takes, is read here: the edtf
        # package's grammar costs 10 ms a date (15 of 27 s of generating 300 articles).
        return _plain_dates(text, parse_point(first), parse_point(second) if slash else None)
    try:
        parsed = edtf.parse_edtf(text)
    except edtf.EDTFParseException:
        raise ValueError(f"'{text}' is not a date: use {EDTF_FORMS}") from None
    return _from_edtf(text, parsed)


def _from_edtf(text: str, parsed: object) -> tuple[Point, Point | None, str]:
    """The edtf package's object as (start, end, hedge), for the forms seeds use."""
    if isinstance(parsed, edtf.Date):
        return _point(parsed), None, ""
    if isinstance(parsed, edtf.UncertainOrApproximate):
        return _point(parsed.date), None, _EDTF_HEDGE[str(parsed.ua)]
    if isinstance(parsed, (edtf.Interval, edtf.Level1Interval)):
        lower, upper = parsed.lower, parsed.upper
        if isinstance(upper, edtf.UnspecifiedIntervalSection) and _plain(lower):
            return _point(lower), None, "since"
        if isinstance(lower, edtf.UnspecifiedIntervalSection) and _plain(upper):
            return _point(upper), None, "by"
        if _plain(lower) and _plain(upper):
            return _plain_dates(text, _point(lower), _point(upper))
    raise ValueError(f"'{text}' is not a date the briefing can show: use {EDTF_FORMS}")


def _plain_dates(text: str, start: Point, end: Point | None) -> tuple[Point, Point | None, str]:
    """A plain date or closed range as (start, end, no hedge); a range must not end before it starts."""
    if end is not None and end < start:
        raise ValueError(f"'{text}' is not a date range: it ends before it starts")
    return start, end, ""


def _plain(part: object) -> bool:
    """An interval's end that is a plain date (the edtf package wraps open-range ends without a sign)."""
    if isinstance(part, edtf.UncertainOrApproximate):
        return not str(part.ua or "")
    return isinstance(part, edtf.Date)


def _point(date: object) -> Point:
    """An edtf Date (or a sign-less wrapper of one) as a Point."""
    date = getattr(date, "date", date)
    return parse_point(str(date))
