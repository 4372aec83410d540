"""Which parts of the model each page read, so that an edit renders again only the pages it can change.

`briefing serve` keeps, from one generation to the next (pipeline.Memory),
what every page read while it was rendered: each read is an object of the
model, named by a key that stays the same from one load of the seeds to the
next, and one of its fields.  After an edit the new model is compared with
the last, field by field; a page none of whose reads changed would come out
byte for byte as it did, so it is not rendered again.

How the reads are found, soundly:

- While recording, every model class gets a `__getattribute__` that notes
  (object, name) of each attribute read: templates, filters, properties and
  the Python code they call all go through it.  It is taken off again after,
  so `briefing build` and the rest of the generator run at full speed.
- A field's value is summarised with the objects it refers to replaced by
  their keys (`summaries`), so a page depends on a referenced object only
  through the reads it makes of it.  A read of `__dict__` (vars(), a copy)
  counts as a read of every field.
- What is computed once and used by many pages (the renderer's setup: the
  name matcher, the page list; the analysis views' network) is a memo: the
  reads made while computing it are kept once, under its name, and a page
  that uses it depends on them (`memo`).
- Anything this cannot compare makes every page render: a first generation,
  another page list, changed templates.
"""

from __future__ import annotations

import dataclasses
from array import array
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from . import model

# Every class of the model: its objects are keyed, summarised and watched while recording.
MODEL_CLASSES = tuple(
    cls for cls in vars(model).values()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == model.__name__
)
# The objects with an id of their own: keyed by it, wherever they are met.  The others are keyed
# by where they are first met (their owner's key, field and position).
_BY_ID = {model.Article: "article", model.Actor: "actor", model.Term: "term", model.Issue: "issue"}
# A read of the whole object (vars(), copy): it depends on every field.
WHOLE = "__dict__"
# Marks a reference in a summary: no value of the model can be equal to it.
_REF = object()

Read = tuple[tuple, str]  # (object's key, field name)
# A read as one number, key number * len(FIELD_NUMBERS) + field number: ten thousand pages read
# millions of fields, and numbers in arrays take a tenth of the memory of tuples in sets.
FIELD_NUMBERS = {name: number for number, name in enumerate(
    [WHOLE, *sorted({f.name for cls in MODEL_CLASSES for f in dataclasses.fields(cls)})])}
# Names of the classes' own (properties, methods): what they return is read from fields, and
# those reads are recorded.  Any other name not a field is held in the object: read as all of it.
_CLASS_NAMES = frozenset(name for cls in MODEL_CLASSES for name in dir(cls)) - FIELD_NUMBERS.keys()


@dataclass
class Frame:
    """The reads of one page (or one memo) while it is computed, and the memos it used."""

    reads: set[tuple[int, str]] = field(default_factory=set)  # (id(object), attribute name)
    memos: set[str] = field(default_factory=set)


@dataclass
class Recorded:
    """What one page read, numbered (Dependencies.number): its own reads and the memos it used;
    and the memos it computed."""

    reads: array  # of read numbers ('q'), each once
    memos: frozenset[str]
    computed: dict[str, "Recorded"] = field(default_factory=dict)


_frames: list[Frame] = []
_numbers: dict[int, int] = {}  # id(object) -> its key's number, for the model being rendered
_memo_deps: dict[str, Recorded] = {}  # memos computed in this process while recording, to send back
_carried: dict[str, Any] = {}  # memo values still valid from the last generation (carry_over)
_values: dict[str, Any] = {}  # carryable memo values computed in this process (computed_values)


# --------------------------------------------------------------------------- keys and summaries

_MODEL_TYPES = frozenset(MODEL_CLASSES)
_PLAIN = frozenset({str, int, float, bool, type(None)})


def index(briefing: model.Briefing) -> tuple[dict[int, tuple], dict[tuple, dict[str, Any]]]:
    """Every model object reachable from `briefing`: id(object) -> key, and key -> summary.

    Objects are met in a fixed order (breadth first, fields in their
    order), so the same seeds give the same keys.  A summary is
    {field: value}, with each model object in the value replaced by
    (_REF, its key): a reference, which no value of the model equals.
    Values of other types are compared with ==: the dates are frozen
    dataclasses, equal when their fields are; anything that compares by
    identity differs from the last model's, and its readers render again.
    """
    keys: dict[int, tuple] = {id(briefing): ("briefing",)}
    refs: dict[int, tuple] = {}  # id(object) -> (_REF, key): one per object, however often referred to
    queue: list[Any] = [briefing]

    def summary(value: Any, owner: tuple, name: str, position: tuple) -> Any:
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind in _MODEL_TYPES:
            ref = refs.get(id(value))
            if ref is None:
                key = keys.get(id(value))
                if key is None:
                    by_id = _BY_ID.get(kind)
                    key = keys[id(value)] = (by_id, value.id) if by_id else (*owner, name, *position)
                    queue.append(value)
                ref = refs[id(value)] = (_REF, key)
            return ref
        if kind is list or kind is tuple:
            if all(type(item) in _PLAIN for item in value):
                return list(value) if kind is list else value
            items = [summary(item, owner, name, (*position, i)) for i, item in enumerate(value)]
            return items if kind is list else tuple(items)
        if kind is dict:
            return {k: summary(item, owner, name, (*position, k)) for k, item in value.items()}
        return value

    summaries: dict[tuple, dict[str, Any]] = {}
    for obj in queue:  # grows as new objects are met
        key = keys[id(obj)]
        summaries[key] = {name: summary(value, key, name, ()) for name, value in vars(obj).items()}
    return keys, summaries


def changed_reads(before: dict[tuple, dict[str, Any]], after: dict[tuple, dict[str, Any]]) -> set[Read]:
    """The (key, field) pairs whose values differ, every field of an object gone or added among them.

    An object added is reached only through a field that now refers to it
    (changed too), so its own fields need no more care than a removed one's.
    """
    changed: set[Read] = set()
    for key in before.keys() ^ after.keys():
        fields = before.get(key) or after[key]
        changed.add((key, WHOLE))
        changed.update((key, name) for name in fields)
    for key, fields in after.items():
        old = before.get(key)
        if old is not None and old != fields:
            changed.add((key, WHOLE))
            changed.update((key, name) for name in fields.keys() | old.keys() if old.get(name, _REF) != fields.get(name, _REF))
    return changed


# --------------------------------------------------------------------------- recording

def _recording_getattribute(self: Any, name: str, _get: Callable = object.__getattribute__) -> Any:
    if _frames:
        _frames[-1].reads.add((id(self), name))
    return _get(self, name)


class recording:
    """While inside: every model class notes the reads of its objects (`numbers`: Dependencies.number)."""

    def __init__(self, numbers: dict[int, int]):
        self.numbers = numbers

    def __enter__(self) -> "recording":
        global _numbers
        _numbers = self.numbers
        for cls in MODEL_CLASSES:
            cls.__getattribute__ = _recording_getattribute  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: Any) -> None:
        global _numbers
        for cls in MODEL_CLASSES:
            del cls.__getattribute__
        _numbers = {}
        _frames.clear()
        _memo_deps.clear()
        _carried.clear()


def is_recording() -> bool:
    return model.Briefing.__dict__.get("__getattribute__") is _recording_getattribute


def record(compute: Callable[[], Any]) -> tuple[Any, Recorded]:
    """compute() and what it read, when recording (else an empty Recorded)."""
    if not is_recording():
        return compute(), Recorded(array("q"), frozenset())
    _frames.append(Frame())
    try:
        value = compute()
    finally:
        frame = _frames.pop()
    computed = dict(_memo_deps)
    _memo_deps.clear()
    return value, Recorded(_numbered(frame.reads), frozenset(frame.memos), computed)


def memo(store: dict[str, Any], name: str, compute: Callable[[], Any], carry: bool = False) -> Any:
    """store[name], computed once; while recording, its reads are kept under `name`, and the
    page (or memo) being computed is noted as using it.

    `carry`: the value holds no model object (plain data only), so the next
    generation may use it again when none of its reads changed (Dependencies.carried).
    """
    if name not in store:
        if name in _carried:
            store[name] = _carried[name]
        elif is_recording():
            store[name], deps = record(compute)
            _memo_deps.update(deps.computed)
            _memo_deps[name] = Recorded(deps.reads, deps.memos)
            if carry:
                _values[name] = store[name]
        else:
            store[name] = compute()
    if _frames:
        _frames[-1].memos.add(name)
    return store[name]


def carry_over(values: dict[str, Any]) -> None:
    """The memo values memo() may use as they are in this generation (its reads are unchanged)."""
    _carried.clear()
    _carried.update(values)


def computed_values() -> dict[str, Any]:
    """The carryable memo values computed in this process while recording, taken (the store is emptied)."""
    values = dict(_values)
    _values.clear()
    return values


def _numbered(reads: set[tuple[int, str]]) -> array:
    """The reads of fields, numbered.  Other names (properties, methods) read fields to answer,
    and those reads are here.  An object made while rendering has no number: what it holds was
    read from the model to make it."""
    width, fields = len(FIELD_NUMBERS), FIELD_NUMBERS
    return array("q", sorted({_numbers[ident] * width + fields.get(name, 0)
                              for ident, name in reads if ident in _numbers and name not in _CLASS_NAMES}))


# --------------------------------------------------------------------------- what to render again

@dataclass
class Dependencies:
    """What the last generation's pages read, and the model they read it from."""

    pages: dict[str, Recorded] = field(default_factory=dict)
    memos: dict[str, Recorded] = field(default_factory=dict)
    summaries: dict[tuple, dict[str, Any]] = field(default_factory=dict)
    fixed: Any = None  # what must be equal for any of this to hold (templates, page list)
    values: dict[str, Any] = field(default_factory=dict)  # carryable memos' values (memo(carry=True))
    numbers: dict[tuple, int] = field(default_factory=dict, repr=False)  # key -> number, kept across edits

    def number(self, keys: dict[int, tuple]) -> dict[int, int]:
        """id(object) -> its key's number (a new key gets the next one), for recording()."""
        numbers = self.numbers
        return {ident: numbers.setdefault(key, len(numbers)) for ident, key in keys.items()}

    def read_number(self, key: tuple, name: str) -> int | None:
        """The number of a read of `name` on the object with `key` (None: never numbered)."""
        number = self.numbers.get(key)
        return None if number is None else number * len(FIELD_NUMBERS) + FIELD_NUMBERS.get(name, 0)

    def keep(self, page: str, recorded: Recorded) -> None:
        """Note what `page` read, and the memos computed while rendering it."""
        self.memos.update(recorded.computed)
        self.pages[page] = Recorded(recorded.reads, recorded.memos)

    def stale(self, pages: list[str], summaries: dict[tuple, dict[str, Any]], fixed: Any) -> tuple[set[str], dict[str, Any]]:
        """Of `pages`, those that may come out differently from the new model (all of them when
        unsure); and the memo values that still hold for it."""
        if fixed != self.fixed or any(page not in self.pages for page in pages):
            return set(pages), {}
        changed = {self.read_number(key, name) for key, name in changed_reads(self.summaries, summaries)
                   if key in self.numbers}
        changed_memos = self._changed_memos(changed)
        carried = {name: value for name, value in self.values.items() if name in self.memos and name not in changed_memos}
        return {page for page in pages
                if not changed.isdisjoint(self.pages[page].reads) or not self.pages[page].memos.isdisjoint(changed_memos)
                or not self.pages[page].memos <= self.memos.keys()}, carried

    def _changed_memos(self, changed: set[int]) -> set[str]:
        """The memos whose reads changed, or which used such a memo (to a fixed point)."""
        out = {name for name, deps in self.memos.items()
               if not changed.isdisjoint(deps.reads) or not deps.memos <= self.memos.keys()}
        grew = True
        while grew:
            more = {name for name, deps in self.memos.items() if name not in out and not deps.memos.isdisjoint(out)}
            out |= more
            grew = bool(more)
        return out
