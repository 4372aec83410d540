"""One loaded seed file: its kind, id, data, and where each value was written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .diagnostics import Diagnostic
from .schema import SEED_SHAPES, FieldPath, Form, Kind, field_path, walk
from .yamlcompose import read_yaml


@dataclass
class SeedFile:
    """One seed file: its kind, id, display path, data, and where each value is.

    Where each value stands (line and column of every value and key) is read
    again from the file's bytes the first time a message needs it, not kept
    from the first parse: those positions took more memory than the data
    itself (about 31 MB against 22 MB per thousand articles), and a good
    briefing never asks for them.
    """

    kind: str
    id: str
    path: str
    data: dict[str, Any]
    raw: bytes = b""  # the file's bytes, as parsed
    _marks: tuple[dict, dict] | None = field(default=None, repr=False, compare=False)
    _values: dict[Form, list] = field(default_factory=dict, repr=False, compare=False)

    def values(self, form: Form) -> list[tuple[Kind, Any, FieldPath]]:
        """(kind, value, path) of every value of `form` in the data (schema.walk).

        Walked once per file: a warm process (briefing serve) keeps the
        SeedFiles of the files an edit did not change, and every load checks
        the references and the prose of all of them (a third of a warm load).
        The data is never changed after loading, so what was found stays true.
        """
        found = self._values.get(form)
        if found is None:
            found = self._values[form] = list(walk(SEED_SHAPES[self.kind], self.data, form))
        return found

    @property
    def marks(self) -> dict[FieldPath, tuple[int, int]]:
        """Line and column of every value, by field path."""
        return self._positions()[0]

    @property
    def key_marks(self) -> dict[FieldPath, tuple[int, int]]:
        """Line and column of every mapping key, by field path."""
        return self._positions()[1]

    def _positions(self) -> tuple[dict, dict]:
        if self._marks is None:
            _, marks, key_marks, _ = read_yaml(self.raw, self.path)
            self._marks = (marks, key_marks)
        return self._marks

    def where(self, path: FieldPath) -> tuple[int, int]:
        """Line and column of the value at `path`, or of its nearest parent."""
        marks = self.marks
        while path not in marks and path:
            path = path[:-1]
        return marks.get(path, (1, 1))

    def error(self, path: FieldPath, message: str, at_key: bool = False) -> Diagnostic:
        """A diagnostic for the value (or the key) at `path`."""
        key_marks = self.key_marks
        line, col = key_marks[path] if at_key and path in key_marks else self.where(path)
        return Diagnostic(self.path, line, col, field_path(path), message)
