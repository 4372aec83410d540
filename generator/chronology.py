"""The timeline picture: events by year, and who held which post when, as a static SVG.

One picture on the timeline page (generator/analysis.py's `Analysis.timeline_svg`),
on a shared time axis:

- Events: a dot per event, stacked in its year's column, while no year has more
  than EVENT_MARKS events and a year's column is wide enough; otherwise a bar per
  year whose height is its count (so a 1,000-event corpus draws one bar a year).
  A dot links to its article; a bar links to the year's page when the timeline
  is split into years.
- Roles: a row per role (at most ROLE_ROWS, dated ones first), a bar from start
  to end.  What the seeds do not state is drawn faded and dashed: a start or end
  that is inferred or hedged ("by", "about"), a start not given (the bar begins
  at the article showing the actor in post), an end not given (the bar runs open
  to the right edge).  A role with no dates is a dot at the article's date.

The text equivalent is the timeline table (events) and the roles table
(`role_rows`); every seed value reaches the SVG through svg.esc.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import svg
from .dates import PartialDate, Point
from .markup import plain_mentions
from .model import Actor, Briefing, Event, Role

# A dot per event while no year has more than this many (else a bar per year).
EVENT_MARKS = 12
# At most this many roles are drawn (and listed in the roles table).
ROLE_ROWS = 30
WIDTH, LEFT, RIGHT = 680, 190, 24  # the content column of a desktop is about 690px
ROW = 36
FADE = 22  # length of the faded piece for an unknown or uncertain end


@dataclass
class RoleRow:
    """One role drawn: its actor and its dates as the picture reads them."""

    actor: Actor
    role: Role

    @property
    def seen(self) -> PartialDate | None:
        """The date of the article that shows the actor in the post."""
        return self.role.as_of.date if self.role.as_of is not None else None

    @property
    def dated(self) -> bool:
        return self.role.start is not None or self.role.end is not None

    @property
    def sort_key(self) -> tuple:
        first = self.role.start or self.seen or self.role.end
        return (not self.dated, first.sort_key if first else (9999, 0, 0), self.actor.name.casefold(), self.role.title)


def role_rows(briefing: Briefing) -> tuple[list[RoleRow], int]:
    """The roles drawn (dated ones first, then by start) and how many are left out."""
    rows = [RoleRow(actor, role) for actor in briefing.actors for role in actor.roles
            if role.start or role.end or role.as_of]
    rows.sort(key=lambda r: r.sort_key)
    return rows[:ROLE_ROWS], max(0, len(rows) - ROLE_ROWS)


def uncertain(date: PartialDate | None) -> bool:
    """A date the seeds infer or hedge ("by 2012", "about 2012")."""
    return date is not None and (date.inferred or bool(date.qualifier))


def _when(point: Point) -> float:
    """A point as a fractional year: its middle when only the year or month is known."""
    if not point.month:
        return point.year + 0.5
    day = (point.day - 0.5) / 31 if point.day else 0.5
    return point.year + (point.month - 1 + day) / 12


def _end_point(date: PartialDate) -> Point:
    return date.end or date.start


def _axis(years: list[int], y: float) -> tuple[list[str], object]:
    """A time axis at height `y` over `years` (ticks below it), and the function placing a fractional year."""
    first, last = min(years), max(years) + 1
    span = WIDTH - LEFT - RIGHT

    def x_at(value: float) -> float:
        return LEFT + span * (value - first) / (last - first)

    parts = [f'<line class="axis" x1="{LEFT}" y1="{svg.num(y)}" x2="{WIDTH - RIGHT}" y2="{svg.num(y)}"/>']
    step = max(1, math.ceil((last - first) / 10))
    for year in range(first, last + 1, step):
        x = x_at(year)
        parts.append(f'<line class="axis" x1="{svg.num(x)}" y1="{svg.num(y)}" x2="{svg.num(x)}" y2="{svg.num(y + 5)}"/>')
        parts.append(f'<text class="tick" x="{svg.num(x)}" y="{svg.num(y + 19)}">{year}</text>')
    return parts, x_at


def timeline_svg(briefing: Briefing, page: str, split: bool) -> str:
    """The timeline picture of `briefing` for docs/ page `page`; year bars link to year pages if `split`.

    Events and roles have an axis each: events reach back decades, posts mostly do not."""
    events = briefing.events()
    rows, roles_left_out = role_rows(briefing)
    if not events and not rows:
        return ""
    parts: list[str] = []
    top = 12
    dots = True
    if events:
        years = [e.date.year for e in events]
        first, last = min(years), max(years) + 1
        per_year = (WIDTH - LEFT - RIGHT) / (last - first)
        by_year: dict[int, list[Event]] = {}
        for event in events:
            by_year.setdefault(event.date.year, []).append(event)
        busiest = max(len(v) for v in by_year.values())
        dots = busiest <= EVENT_MARKS and per_year >= 9
        strip = max(40, busiest * 9 + 6) if dots else 90
        base = top + strip
        axis, x_at = _axis(years, base + 4)
        parts.append(f'<text class="section" x="{LEFT - 10}" y="{top + 13}">Events</text>')
        parts.append(f'<text class="note" x="{LEFT - 10}" y="{top + 29}">{"one dot each" if dots else "per year"}</text>')
        for year, those in sorted(by_year.items()):
            cx = x_at(year + 0.5)
            if dots:
                for index, event in enumerate(those):
                    faded = " faded" if uncertain(event.date) else ""
                    label = f"{event.date.label()}: {svg.short(plain_mentions(event.what), 160)}"
                    mark = (f'<circle class="event{faded}" cx="{svg.num(cx)}" cy="{svg.num(base - 5 - 9 * index)}" r="4">'
                            f"<title>{svg.esc(label)}</title></circle>")
                    parts.append(svg.link(page, event.article.page, mark, label))
            else:
                height = (strip - 4) * len(those) / busiest
                bar_width = max(1.0, per_year - 2)
                label = f"{year}: {len(those):,} event{'s' if len(those) != 1 else ''}"
                bar = (f'<rect class="event" x="{svg.num(cx - bar_width / 2)}" y="{svg.num(base - height)}" '
                       f'width="{svg.num(bar_width)}" height="{svg.num(height)}"><title>{svg.esc(label)}</title></rect>')
                parts.append(svg.link(page, f"timeline/{year}.md", bar, label) if split else f"<g>{bar}</g>")
        parts += axis
        top = base + 40
    if rows:
        years = []
        for row in rows:
            for date in (row.role.start, row.role.end, row.seen):
                if date is not None:
                    years += [date.start.year, _end_point(date).year]
        parts.append(f'<text class="section" x="{LEFT - 10}" y="{top + 13}">Roles</text>')
        axis, x_at = _axis(years, top + 6)
        parts += axis
        top += 34
        for index, row in enumerate(rows):
            parts += _role(page, row, top + ROW * index, x_at)
        top += ROW * len(rows) + 8
        parts.append(f'<rect class="role" x="{LEFT}" y="{top}" width="24" height="10"/>'
                     f'<text class="note note-start" x="{LEFT + 30}" y="{top + 10}">dates given</text>'
                     f'<rect class="role faded" x="{LEFT + 130}" y="{top}" width="24" height="10"/>'
                     f'<text class="note note-start" x="{LEFT + 160}" y="{top + 10}">inferred, hedged or not given</text>')
        top += 22
    title = "Timeline: events by year, and who held which post when"
    desc = (f"{len(events):,} events, {'one dot each' if dots else 'counted per year as bars'}; "
            f"{len(rows)} roles as bars from start to end, faded where a date is inferred, hedged or not given"
            + (f" ({roles_left_out:,} more roles are left out)" if roles_left_out else "")
            + ". The table of events and the table of roles below say the same in words.")
    return svg.picture("timeline", WIDTH, int(top), title, desc, parts)


def _role(page: str, row: RoleRow, y: float, x_at) -> list[str]:
    """A role's row: the actor (linked) and the post on the left, its bar on the axis."""
    role, actor = row.role, row.actor
    name = f'<text class="rowlabel" x="{LEFT - 10}" y="{svg.num(y + 13)}">{svg.esc(svg.short(actor.name, 24))}</text>'
    out = [name if actor.page == page else svg.link(page, actor.page, name, actor.name)]
    out.append(f'<text class="note" x="{LEFT - 10}" y="{svg.num(y + 28)}">{svg.esc(svg.short(role.title, 28))}</text>')
    bar_y, bar_h = y + 10, 12
    pieces: list[tuple[float, float, bool]] = []  # (x0, x1, faded)
    start = x_at(_when(role.start.start)) if role.start else None
    end = x_at(_when(_end_point(role.end))) if role.end else None
    seen = x_at(_when(row.seen.start)) if row.seen else None
    right_edge = WIDTH - RIGHT
    if start is None and end is None:  # only seen in post: a dot with faded air around it
        pieces.append((seen - FADE, seen + FADE, True))
    else:
        solid_from = start if start is not None else min(x for x in (seen, end) if x is not None)
        solid_to = end if end is not None else max(x for x in (seen, start) if x is not None)
        if start is None:
            pieces.append((solid_from - FADE, solid_from, True))
        elif uncertain(role.start):
            pieces.append((solid_from - FADE / 2, solid_from + FADE / 2, True))
            solid_from += FADE / 2
        if end is None:
            pieces.append((solid_to, right_edge, True))
        elif uncertain(role.end):
            pieces.append((solid_to - FADE / 2, solid_to + FADE / 2, True))
            solid_to -= FADE / 2
        if solid_to > solid_from:
            pieces.append((solid_from, solid_to, False))
    text = role.title + (f" of {role.of.name}" if role.of is not None and role.of is not actor else "")
    words = [f"{actor.name}: {text}",
             _bound("from", role.start) if role.start else "start not given",
             _bound("to", role.end) if role.end else "no end given"]
    if row.seen:
        words.append(f"in post as of {row.seen.label()}")
    shapes = []
    for x0, x1, faded in sorted(pieces, key=lambda p: (p[2] is False, p[0])):
        x0, x1 = max(LEFT, x0), min(right_edge, x1)
        if x1 - x0 < 2:
            x1 = x0 + 2
        shapes.append(f'<rect class="role{" faded" if faded else ""}" x="{svg.num(x0)}" y="{svg.num(bar_y)}" '
                      f'width="{svg.num(x1 - x0)}" height="{bar_h}"/>')
    if start is None and end is None and seen is not None:
        shapes.append(f'<circle class="role" cx="{svg.num(seen)}" cy="{svg.num(bar_y + bar_h / 2)}" r="5"/>')
    out.append(f'<g>{"".join(shapes)}<title>{svg.esc(", ".join(words))}</title></g>')
    return out


def _bound(word: str, date: PartialDate) -> str:
    """'from 2008', or the date's own hedge: 'since 2014', 'by October 2009'."""
    return date.label() if date.qualifier else f"{word} {date.label()}"
