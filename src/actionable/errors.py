"""Typed errors. Every error names the input that caused it and suggests a fix.

All errors derive from :class:`ActionableError`; the input-validation errors are
also :class:`ValueError`, so ``except ValueError`` keeps working for callers that
do not know this library.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = [
    "ActionableError",
    "ArgumentError",
    "ArgumentTypeError",
    "EngineLimitError",
    "FactError",
    "InputFileError",
    "MissingExtraError",
    "ResidueConflictError",
    "RuleFileError",
    "SourceError",
    "UnknownTumorError",
    "VariantParseError",
]


class ActionableError(Exception):
    """Base class of every error raised by ``actionable``."""


class VariantParseError(ActionableError, ValueError):
    """A variant text could not be understood.

    >>> import actionable
    >>> try:
    ...     actionable.parse_variant("BRAF V600EE")
    ... except actionable.VariantParseError as e:
    ...     e.text
    'BRAF V600EE'
    """

    def __init__(
        self, text: str, problem: str, suggestion: str | Callable[[], str] | None = None
    ) -> None:
        self.text = text
        self.problem = problem
        # A callable suggestion (the closest gene symbols) is computed only when the
        # message is shown: a cohort that skips unknown genes never pays for it.
        self._suggestion = suggestion
        super().__init__(text, problem)

    @property
    def suggestion(self) -> str | None:
        """How to fix the input, one sentence."""
        if callable(self._suggestion):
            self._suggestion = self._suggestion()
        return self._suggestion

    def __str__(self) -> str:
        message = f"cannot parse variant {self.text!r}: {self.problem}"
        suggestion = self.suggestion
        if suggestion:
            message += f". {suggestion[:1].upper()}{suggestion[1:]}"
        return message

    def __reduce__(self) -> tuple[type[VariantParseError], tuple[str, str, str | None]]:
        return type(self), (self.text, self.problem, self.suggestion)


class ResidueConflictError(VariantParseError):
    """A protein change that contradicts what the library knows about the position: the
    reference residue (``KRAS V12C``), the protein length (``KRAS V600E``), or another
    gene's signature hotspot at a residue not known for this gene (``BRAF G12C``).

    ``known`` is the residue the library knows at ``position`` (``None`` when it knows
    none); ``hotspot_genes`` the oncogenes whose signature hotspot the change names.

    >>> import actionable
    >>> try:
    ...     actionable.parse_variant("KRAS V12C")
    ... except actionable.errors.ResidueConflictError as e:
    ...     e.gene, e.position, e.known
    ('KRAS', 12, 'G')
    """

    def __init__(
        self,
        text: str,
        problem: str,
        suggestion: str | Callable[[], str] | None = None,
        *,
        gene: str | None = None,
        position: int | None = None,
        known: str | None = None,
        hotspot_genes: tuple[str, ...] = (),
    ) -> None:
        super().__init__(text, problem, suggestion)
        self.gene = gene
        self.position = position
        self.known = known
        self.hotspot_genes = hotspot_genes


class FactError(ActionableError, ValueError):
    """A patient fact could not be read, or two places state it differently.

    >>> import actionable
    >>> try:
    ...     actionable.evaluate(["PIK3CA H1047R"], tumor="BRCA", facts={"ER": "+", "HR": "-"})
    ... except actionable.FactError as e:
    ...     e.problem
    'hormone receptors are called negative while ER or PR is positive'
    """

    def __init__(self, text: str, problem: str, suggestion: str | None = None) -> None:
        self.text = text
        self.problem = problem
        self.suggestion = suggestion
        message = f"patient fact {text!r}: {problem}"
        if suggestion:
            message += f". {suggestion[:1].upper()}{suggestion[1:]}"
        super().__init__(message)


class UnknownTumorError(ActionableError, ValueError):
    """A tumor text matched no OncoTree code, name or synonym.

    ``suggestions`` holds the closest known terms, best first.

    >>> str(UnknownTumorError("coln NEC", lambda: ("colon NEC",)))
    "unknown tumor type 'coln NEC'; did you mean 'colon NEC'? Use an OncoTree code ..."
    """

    def __init__(
        self,
        text: str,
        suggestions: Sequence[str] | Callable[[], Sequence[str]] = (),
        names_no_tumor: bool = False,
    ) -> None:
        self.text = text
        self.names_no_tumor = names_no_tumor
        """The text names no tumor at all ('awaiting histology'), as opposed to one
        the library does not know: the suggestions then say what to write meanwhile."""
        # A callable (the closest known terms) is computed only when the suggestions or
        # the message are asked for: a cohort that skips unknown tumors never pays for it.
        self._suggestions = suggestions if callable(suggestions) else tuple(suggestions)
        super().__init__(text)

    @property
    def suggestions(self) -> tuple[str, ...]:
        """The closest known terms, best first."""
        if callable(self._suggestions):
            self._suggestions = tuple(self._suggestions())
        return self._suggestions

    def __str__(self) -> str:
        if self.names_no_tumor:
            message = f"{self.text!r} names no tumor type"
            if self.suggestions:
                message += (
                    "; while the type is not known, write "
                    + " or ".join(repr(s) for s in self.suggestions)
                    + " (tumor-agnostic rules only), or leave the tumor out"
                )
            return message + ". Once the histology is known, give it or its OncoTree code."
        message = f"unknown tumor type {self.text!r}"
        if self.suggestions:
            message += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        return message + (
            " Use an OncoTree code (e.g. 'COAD'), an OncoTree name, or add a synonym to "
            "knowledgebase/tumor_synonyms.yaml."
        )

    def __reduce__(self) -> tuple[type[UnknownTumorError], tuple[str, tuple[str, ...], bool]]:
        return type(self), (self.text, self.suggestions, self.names_no_tumor)


class RuleFileError(ActionableError, ValueError):
    """A rule or knowledge-base file is invalid.

    ``path``, ``line`` (1-based, when known) and ``field`` locate the problem;
    ``valid`` lists accepted values where the set is small enough to show.
    """

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        line: int | None = None,
        field: str | None = None,
        valid: Sequence[str] = (),
    ) -> None:
        self.path = str(path)
        self.line = line
        self.field = field
        self.problem = problem
        self.valid = tuple(valid)
        where = self.path + (f":{line}" if line is not None else "")
        message = f"{where}: " + (f"field {field!r}: " if field else "") + problem
        if self.valid:
            shown = ", ".join(self.valid[:20]) + (", ..." if len(self.valid) > 20 else "")
            message += f" (valid values: {shown})"
        super().__init__(message)


class EngineLimitError(ActionableError):
    """A rule set would exceed a limit of the rule engine.

    Raised when rules are compiled, never during evaluation, and names the rules
    involved so the rule set can be split or the rules merged.
    """

    def __init__(self, problem: str, rule_ids: Sequence[str] = ()) -> None:
        self.problem = problem
        self.rule_ids = tuple(rule_ids)
        message = problem
        if self.rule_ids:
            shown = ", ".join(self.rule_ids[:10]) + (" ..." if len(self.rule_ids) > 10 else "")
            message += f" (rules: {shown})"
        super().__init__(message)


class InputFileError(ActionableError, ValueError):
    """An input file cannot be read whole (damaged compressed data, wrong format)."""


class ArgumentError(ActionableError, ValueError):
    """A public function got an argument value it cannot use; the message names the
    argument and the fix."""


class ArgumentTypeError(ActionableError, TypeError):
    """A public function got an argument of the wrong type; the message names the
    argument and what to pass instead."""


class SourceError(ActionableError):
    """A remote knowledge source failed (network, authentication, malformed answer)."""


class MissingExtraError(ActionableError, ImportError):
    """A feature needs a package from an optional extra that is not installed.

    ``feature`` is what was asked for, ``package`` the missing import and ``extra`` the
    ``actionable[...]`` extra that provides it.

    >>> error = MissingExtraError("reading VCF files", "pysam", "vcf")
    >>> print(str(error).replace(". ", ".\\n"))
    reading VCF files needs pysam, which is not installed.
    Install it with: pip install 'actionable[vcf]' (or 'actionable[all]')
    """

    def __init__(self, feature: str, package: str, extra: str) -> None:
        self.feature = feature
        self.package = package
        self.extra = extra
        super().__init__(
            f"{feature} needs {package}, which is not installed. Install it with: "
            f"pip install 'actionable[{extra}]' (or 'actionable[all]')",
            name=package,
        )
