"""The stance views: the grid of actors by issues, and who moved, when and on what evidence.

A mixin of analysis.Analysis (templates reach it as `views`): the grid keeps
each actor's latest stance per issue, linked to its evidence (the actor's
quote in the article, else the article); the change picture draws a row per
actor with a lettered mark per dated stance.  Colour is a second channel
only: each mark carries its leaning as a letter and in its <title>.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import svg
from .model import Actor, Issue, Stance

# The stance grid lists at most this many actors (most stances first) once stances are split.
GRID_ROWS = 60
# A stance-change picture draws at most this many actors (those who moved first).
CHANGE_ROWS = 30
LEANING_LETTER = {"supports": "S", "opposes": "O", "mixed": "M", "neutral": "N"}


@dataclass
class Cell:
    """One actor's latest stance on one issue, with where its evidence is."""

    stance: Stance
    target: str  # docs/ page (with anchor) of the evidence
    count: int  # stances the actor has on the issue
    moved: bool  # the leaning changed at least once


@dataclass
class Move:
    """An actor's leaning changing between two dated stances on an issue."""

    before: Stance
    after: Stance


class StanceViews:
    """The stance grid and the stance changes of one briefing."""

    change_rows = CHANGE_ROWS

    def grid(self, issues: list[Issue], limited: bool) -> tuple[list[tuple[Actor, list[Cell | None]]], int]:
        """Rows of the stance grid (actor, cell per issue), and how many actors are left out."""
        cells: dict[Actor, dict[str, Cell]] = {}
        for issue in issues:
            by_actor: dict[Actor, list[Stance]] = {}
            for stance in _dated(issue.stances):
                by_actor.setdefault(stance.actor, []).append(stance)
            for actor, stances in by_actor.items():
                latest = stances[-1]
                moved = len({s.leaning for s in stances}) > 1
                cells.setdefault(actor, {})[issue.id] = Cell(latest, self.evidence_target(latest), len(stances), moved)
        actors = sorted(cells, key=by_name)
        left_out = 0
        if limited and len(actors) > GRID_ROWS:
            busiest = sorted(actors, key=lambda a: (-sum(c.count for c in cells[a].values()), by_name(a)))
            keep = set(busiest[:GRID_ROWS])
            left_out = len(actors) - GRID_ROWS
            actors = [a for a in actors if a in keep]
        return [(a, [cells[a].get(i.id) for i in issues]) for a in actors], left_out

    @staticmethod
    def evidence_target(stance: Stance) -> str:
        """Where a stance's evidence is: the actor's quote in the article if there is one, else the article."""
        for quote in stance.article.quotes:
            if quote.speaker is stance.actor:
                return f"{stance.article.page}#{quote.anchor}"
        return stance.article.page

    @staticmethod
    def moves(issue: Issue) -> list[Move]:
        """Every change of leaning on an issue, oldest first."""
        by_actor: dict[Actor, list[Stance]] = {}
        for stance in _dated(issue.stances):
            by_actor.setdefault(stance.actor, []).append(stance)
        found = []
        for stances in by_actor.values():
            found += [Move(a, b) for a, b in zip(stances, stances[1:]) if a.leaning != b.leaning]
        return sorted(found, key=lambda m: (m.after.article.date.sort_key, by_name(m.after.actor)))

    def changes_svg(self, page: str, issue: Issue) -> tuple[str, int]:
        """A row per actor with a lettered mark per dated stance on `issue`; and the actors left out."""
        by_actor: dict[Actor, list[Stance]] = {}
        for stance in _dated(issue.stances):
            by_actor.setdefault(stance.actor, []).append(stance)
        if not by_actor:
            return "", 0
        moved = {m.after.actor for m in self.moves(issue)}
        ranked = sorted(by_actor, key=lambda a: (a not in moved, -len(by_actor[a]), by_name(a)))
        shown = sorted(ranked[:CHANGE_ROWS], key=lambda a: (a not in moved, by_name(a)))
        years = [s.article.date.sort_key[0] for a in shown for s in by_actor[a]]
        first, last = min(years), max(years) + 1
        width, left, right, row = 720, 190, 20, 26
        height = 34 + row * len(shown)
        span = width - left - right

        def x_of(stance: Stance) -> float:
            year, month, day = stance.article.date.sort_key
            fraction = ((month or 6) - 1) / 12 + ((day or 15) - 1) / 365
            return left + span * (year + fraction - first) / (last - first)

        parts = [f'<line class="axis" x1="{left}" y1="{height - 22}" x2="{width - right}" y2="{height - 22}"/>']
        step = max(1, math.ceil((last - first) / 8))
        for year in range(first, last + 1, step):
            x = left + span * (year - first) / (last - first)
            parts.append(f'<text class="tick" x="{svg.num(x)}" y="{height - 6}">{year}</text>')
        for index, actor in enumerate(shown):
            y = 16 + row * index
            name = f'<text class="rowlabel" x="{left - 10}" y="{y + 4}">{svg.esc(svg.short(actor.name, 24))}</text>'
            parts.append(name if actor.page == page else svg.link(page, actor.page, name, actor.name))
            parts.append(f'<line class="row" x1="{left}" y1="{y}" x2="{width - right}" y2="{y}"/>')
            for stance in by_actor[actor]:
                x = x_of(stance)
                label = f"{actor.name}: {stance.leaning}, {stance.article.date.label()}, {stance.article.headline}"
                mark = (f'<circle class="mark lean-{svg.esc(stance.leaning)}" cx="{svg.num(x)}" cy="{y}" r="8"/>'
                        f'<text class="markletter" x="{svg.num(x)}" y="{y + 4}">{LEANING_LETTER.get(stance.leaning, "?")}</text>'
                        f"<title>{svg.esc(label)}</title>")
                parts.append(svg.link(page, self.evidence_target(stance), mark, label))
        title = f"Stances on {issue.title} over time"
        desc = ("One row per actor, one lettered mark per stance at the date of its article: S supports, "
                "O opposes, M mixed, N neutral. The list above says who moved, when and on what evidence.")
        return svg.picture("changes", width, height, title, desc, parts, issue.id), max(0, len(ranked) - CHANGE_ROWS)


def by_name(actor: Actor) -> tuple[str, str]:
    """The order actors are listed in: by name, then id."""
    return actor.name.casefold(), actor.id


def _dated(stances: list[Stance]) -> list[Stance]:
    """Stances oldest first (by their article's date, then its id)."""
    return sorted(stances, key=lambda s: (s.article.date.sort_key, s.article.id))
