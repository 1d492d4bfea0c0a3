"""Exception hierarchy for geokursk.

Every error raised on bad user input derives from :class:`GeokurskError` and
from the builtin exception it most resembles, so callers may catch either.
Messages say what is wrong, where (file and line when there is one) and how
to fix it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ArgumentTypeError",
    "ArticleError",
    "ClaimsValidationError",
    "ExportError",
    "GazetteerError",
    "GazetteerFormatError",
    "GazetteerNotFoundError",
    "GeokurskError",
    "InvalidQueryError",
    "LayerError",
    "UsageError",
]


class GeokurskError(Exception):
    """Base class of every error geokursk raises on purpose."""


class InvalidQueryError(GeokurskError, ValueError):
    """A query cannot be used: an empty place name, a bad context, a point off the globe."""


class GazetteerError(GeokurskError):
    """Base class for problems with a gazetteer file."""


class GazetteerNotFoundError(GazetteerError, FileNotFoundError):
    """A gazetteer path does not exist or cannot be read."""

    def __init__(self, path: str | Path, hint: str = "") -> None:
        self.path = Path(path)
        msg = f"gazetteer file not found or unreadable: {str(path)!r}"
        if hint:
            msg += f"; {hint}"
        super().__init__(msg)

    def __str__(self) -> str:
        return str(self.args[0])


class GazetteerFormatError(GazetteerError, ValueError):
    """A gazetteer or GeoNames dump is malformed; names the file and line."""

    def __init__(self, path: str | Path, line: int | None, problem: str) -> None:
        self.path = Path(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}" + (f", line {line}" if line is not None else "")
        super().__init__(f"{where}: {problem}")


class LayerError(GazetteerError, ValueError):
    """A gazetteer layer cannot be added, found or removed (bad name, duplicate, unknown)."""


class ClaimsValidationError(GeokurskError, ValueError):
    """A claims file does not match the claims schema; names file, claim id and field."""

    def __init__(
        self,
        path: str | Path | None,
        claim_id: str | None,
        field: str | None,
        problem: str,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.claim_id = claim_id
        self.field = field
        self.problem = problem
        parts = [str(self.path) if self.path is not None else "<claims>"]
        if claim_id is not None:
            parts.append(f"claim {claim_id!r}")
        if field is not None:
            parts.append(f"field {field!r}")
        super().__init__(", ".join(parts) + f": {problem}")


class ArticleError(GeokurskError, ValueError):
    """An article cannot be read or holds no text (empty, binary, not UTF-8)."""


class ExportError(GeokurskError, OSError):
    """Writing an output file failed; nothing partial was left behind."""


class UsageError(GeokurskError, ValueError):
    """Options that do not go together, or an input the command needs and did not get."""


class ArgumentTypeError(GeokurskError, TypeError):
    """A function was given an argument of the wrong type; names the argument."""

    def __init__(self, function: str, argument: str, expected: str, got: object) -> None:
        self.function = function
        self.argument = argument
        super().__init__(
            f"{function}(): {argument} must be {expected}, not {type(got).__name__}"
            + (f" ({got!r})" if isinstance(got, int | float) else "")
        )
