"""One loaded seed file: its kind, id, data, and where each value was written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .diagnostics import Diagnostic
from .schema import FieldPath, field_path


@dataclass
class SeedFile:
    """One seed file: its kind, id, display path, data, and where each value is."""

    kind: str
    id: str
    path: str
    data: dict[str, Any]
    marks: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: FieldPath) -> tuple[int, int]:
        """Line and column of the value at `path`, or of its nearest parent."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))

    def error(self, path: FieldPath, message: str, at_key: bool = False) -> Diagnostic:
        """A diagnostic for the value (or the key) at `path`."""
        line, col = self.key_marks[path] if at_key and path in self.key_marks else self.where(path)
        return Diagnostic(self.path, line, col, field_path(path), message)
