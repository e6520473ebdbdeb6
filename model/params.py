"""The parameter register: every lever and assumption of the model, defined once.

Each `Param` carries its type, unit, allowed range, default and source. The scenario loader,
the command line, the batch runner and the UI all read this one table, so a parameter is never
described twice. `make_params()` validates a dict of overrides against it and returns an
immutable `Params` object whose attributes the model's phases read.

The entries themselves live in `model/register.py`, grouped by the phase that reads them.
"""

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

Value = bool | int | float | str | tuple


class ParameterError(ValueError):
    """A parameter name or value that the register does not allow."""


ALLOWED_WORDS = {  # Param.allowed() in the two languages of the app
    "en": {"one_of": "one of", "list": "a list of {n} numbers",
           "each": ", each from {lo:g} to {hi:g}", "sum": ", summing to {s:g}",
           "bool": "true or false", "int": "a whole number", "number": "a number",
           "range": " from {lo:g} to {hi:g}", "text": "text"},
    "nl": {"one_of": "een van", "list": "een lijst van {n} getallen",
           "each": ", elk van {lo:g} tot {hi:g}", "sum": ", samen {s:g}",
           "bool": "waar of onwaar", "int": "een geheel getal", "number": "een getal",
           "range": " van {lo:g} tot {hi:g}", "text": "tekst"},
}


@dataclass(frozen=True)
class Param:
    """One entry of the register.

    `kind` is bool, int, float, str or "vector" (a tuple of floats of length `length`).
    `low`/`high` bound numbers and every element of a vector (inclusive); `choices` lists the
    allowed strings. `vector_sum`, if set, is the sum a vector must have (within 1e-6).
    """

    name: str
    default: Value
    kind: Any
    unit: str
    group: str
    source: str
    doc: str
    label_nl: str = ""
    label_en: str = ""
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    length: int | None = None
    vector_sum: float | None = None
    lever: bool = False

    def label(self, language: str = "en") -> str:
        """A short label for sliders and tables, in English ('en') or Dutch ('nl'); the
        parameter's name, made readable, where none is given."""
        text = self.label_nl if language == "nl" else self.label_en
        return text or self.label_en or self.name.replace("_", " ").capitalize()

    def allowed(self, language: str = "en") -> str:
        """Human-readable description of the allowed values, for error messages and docs
        (English), and for the app's Dutch form ('nl')."""
        w = ALLOWED_WORDS["nl" if language == "nl" else "en"]
        if self.choices:
            return w["one_of"] + " " + ", ".join(repr(c) for c in self.choices)
        if self.kind == "vector":
            text = w["list"].format(n=self.length)
            if self.low is not None:
                text += w["each"].format(lo=self.low, hi=self.high)
            if self.vector_sum is not None:
                text += w["sum"].format(s=self.vector_sum)
            return text
        if self.kind is bool:
            return w["bool"]
        if self.kind is str:
            return w["text"]
        name = w["int"] if self.kind is int else w["number"]
        if self.low is not None and self.high is not None:
            return name + w["range"].format(lo=self.low, hi=self.high)
        return name

    def validate(self, value: Any, where: str = "") -> Value:
        """Return `value` converted to this parameter's type, or raise ParameterError."""
        prefix = f"{where}: " if where else ""
        bad = ParameterError(
            f"{prefix}parameter '{self.name}' = {value!r} is not allowed; expected "
            f"{self.allowed()} ({self.unit})."
        )
        if self.kind is bool:
            if not isinstance(value, bool):
                raise bad
            return value
        if self.kind is str:
            if not isinstance(value, str) or (self.choices and value not in self.choices):
                raise bad
            return value
        if self.kind == "vector":
            if not isinstance(value, list | tuple) or len(value) != self.length:
                raise bad
            items = tuple(self._number(v, float, bad) for v in value)
            if self.vector_sum is not None and abs(sum(items) - self.vector_sum) > 1e-6:
                raise bad
            return items
        return self._number(value, self.kind, bad)

    def _number(self, value: Any, kind: type, bad: ParameterError) -> int | float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad
        if not math.isfinite(value) and kind is int:
            raise bad
        if kind is int and not float(value).is_integer():
            raise bad
        value = kind(value)
        if value != value:  # NaN
            raise bad
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            raise bad
        return value


class Params(Mapping):
    """An immutable, validated set of parameter values with attribute access (`p.seed_share`)."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Value]):
        object.__setattr__(self, "_values", MappingProxyType(dict(values)))

    def __getattr__(self, name: str) -> Value:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"no parameter named '{name}'") from None

    def __setattr__(self, name, value):
        raise AttributeError("Params are immutable; use make_params() or .replace()")

    def __getitem__(self, name: str) -> Value:
        return self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Params({len(self)} values)"

    def __reduce__(self):
        return (Params, (dict(self._values),))

    def replace(self, **overrides: Any) -> "Params":
        """A copy with some values changed, validated like any other override."""
        return make_params({**self._values, **overrides})

    def changed(self) -> dict[str, Value]:
        """The values that differ from the register's defaults (what a scenario file holds)."""
        from model.register import REGISTER

        return {k: v for k, v in self._values.items() if REGISTER[k].default != v}


def make_params(overrides: Mapping[str, Any] | None = None, where: str = "") -> Params:
    """Defaults from the register, updated with validated `overrides`.

    `where` names the source of the overrides (a scenario file, the command line) so that an
    error message can say where the bad value came from.
    """
    from model.register import REGISTER

    values = {name: p.default for name, p in REGISTER.items()}
    for name, value in (overrides or {}).items():
        if name not in REGISTER:
            prefix = f"{where}: " if where else ""
            close = difflib.get_close_matches(name, REGISTER, n=3, cutoff=0.5)
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise ParameterError(
                f"{prefix}unknown parameter '{name}'.{hint} 'sorteermachine params' lists "
                "all parameters with their units and ranges."
            )
        values[name] = REGISTER[name].validate(value, where)
    from model.register import unread_values

    problem = unread_values(values)
    if problem:
        raise ParameterError(f"{where}: {problem}" if where else problem)
    return Params(values)
