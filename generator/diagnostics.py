"""What the user is told: one Diagnostic type, one exception, one way to print them.

Every message `briefing` shows about the seeds, the templates, the writes and
the built site is a Diagnostic, formatted here and nowhere else, in the form
compilers use (`file:line:col: error: field: message`; line, column and field
when known).  A refused run raises BuildError, which carries every diagnostic
from loading to the link check; the command prints them and then one count
("2 errors; nothing was changed.").
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path


def printable(text: str) -> str:
    """`text` on one line, control and format characters shown as escapes (\\n, \\x1b …).

    Diagnostics quote the user's values: a newline would split one diagnostic
    in two, and an escape sequence would drive the terminal.
    """
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem: the file (relative to the project), where in it if known, and what.

    `line` and `col` are 1-based; 0 means unknown (a message about a whole
    file or folder).  `field` is the field path (quotes[2].speaker) or "".
    """

    file: str
    line: int = 0
    col: int = 0
    field: str = ""
    message: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        place = self.file + "".join(f":{n}" for n in (self.line, self.col) if n)
        text = f"{self.field}: {self.message}" if self.field else self.message
        return printable(f"{place}: {self.severity}: {text}")


def warning(file: str, message: str) -> Diagnostic:
    """A problem that is reported but does not stop the build."""
    return Diagnostic(file, message=message, severity="warning")


class BuildError(Exception):
    """A refused run: every diagnostic, from loading the seeds to checking the built site.

    `warnings` are shown before the errors and not counted with them.
    """

    def __init__(self, diagnostics: list[Diagnostic], warnings: list[Diagnostic] | None = None, *, sort: bool = False):
        self.diagnostics = sorted(diagnostics) if sort else list(diagnostics)
        self.warnings = list(warnings or [])
        super().__init__(f"{count(len(self.diagnostics))}")

    @property
    def messages(self) -> list[str]:
        """Each error as the user sees it."""
        return [str(d) for d in self.diagnostics]

    def lines(self) -> list[str]:
        """Everything to print, warnings first."""
        return [str(w) for w in self.warnings] + self.messages


def count(errors: int, what: str = "error") -> str:
    """'1 error', '3 errors'."""
    return f"{errors} {what}{'s' if errors != 1 else ''}"


def nothing_changed(errors: int) -> str:
    """The last line of a refused run."""
    return f"{count(errors)}; nothing was changed."


def closest(word: str, choices: list[str]) -> str | None:
    """The choice most like `word`, if any is close enough."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: list[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or ''."""
    guess = closest(word, choices)
    return f" (did you mean '{guess}'?)" if guess else ""


def hint(guess: str | None) -> str:
    """' (did you mean 'x'?)' for a guess already made, or ''."""
    return f" (did you mean '{guess}'?)" if guess else ""


def shown(path: Path, root: Path) -> str:
    """`path` as messages show it: relative to the project when it is inside it.

    Compared as written first: through a folder that is a link (seeds/,
    site/), the resolved path is elsewhere on the machine, and that must not
    reach a message or a page.
    """
    for candidate, base in ((path, root), (path.resolve(), root.resolve())):
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def print_refusal(error: BuildError, stream) -> None:
    """Warnings, then every error, then the count, as `briefing` shows a refused run."""
    for line in error.lines():
        print(line, file=stream, flush=True)
    print(nothing_changed(len(error.diagnostics)), file=stream, flush=True)
