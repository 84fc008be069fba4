"""CIViC monthly release TSVs -> ``rules/civic/*.yaml`` (read, convert, write atomically)."""

from __future__ import annotations

import csv
import logging
import os
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ... import drugs
from ..._files import atomic_write
from ..._resources import knowledgebase_dir, rules_dir
from ...errors import RuleFileError, SourceError
from ...rules import RuleSpec, load_rule_file
from .diseases import DiseaseMapper
from .items import OUT_OF_SCOPE_REASONS, POLICY_REASONS, REASONS, CivicItem, Skip, Skipped
from .mapping import DrugNamer, convert_item, split_therapies

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- release TSVs
def _read_tsv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    except OSError as error:
        raise SourceError(f"cannot read CIViC release file {path}: {error.strerror}") from None


def _release_file(directory: Path, suffix: str) -> Path:
    found = sorted(directory.glob(f"*{suffix}"))
    if not found:
        raise SourceError(
            f"no *{suffix} in {directory}: give the directory of a CIViC "
            "monthly release (civicdb.org/releases)"
        )
    return found[-1]


def _int(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


def read_release(directory: str | Path) -> tuple[str, list[CivicItem], list[CivicItem]]:
    """Read a CIViC monthly release: ``(version, predictive evidence, predictive assertions)``.

    >>> version, evidence, assertions = read_release("../shared/data/civic")  # doctest: +SKIP
    >>> version, len(evidence), len(assertions)  # doctest: +SKIP
    ('01-Aug-2024', 2634, 20)
    """
    root = Path(directory)
    ev_path = _release_file(root, "ClinicalEvidenceSummaries.tsv")
    version = ev_path.name.removesuffix("-ClinicalEvidenceSummaries.tsv")
    evidence: list[CivicItem] = []
    for row in _read_tsv(ev_path):
        if row.get("evidence_type") != "Predictive":
            continue
        if row.get("evidence_status", "accepted") != "accepted":
            continue
        source = row.get("source_type", "")
        pmid = _int(row.get("citation_id", "")) if source == "PubMed" else None
        abstract = None
        if source != "PubMed":
            abstract = f"{source} abstract {row.get('asco_abstract_id') or row.get('citation_id')}"
            abstract += f" ({row['citation']})" if row.get("citation") else ""
        evidence.append(
            CivicItem(
                kind="EID",
                number=int(row["evidence_id"]),
                profile=row["molecular_profile"],
                disease=row["disease"],
                doid=row["doid"],
                therapies=tuple(split_therapies(row["therapies"])),
                interaction=row["therapy_interaction_type"],
                direction=row["evidence_direction"],
                significance=row["significance"],
                evidence_level=row["evidence_level"],
                variant_origin=row["variant_origin"],
                pmid=pmid,
                abstract=abstract,
                nct_ids=tuple(n.strip() for n in row["nct_ids"].split(",") if n.strip()),
                url=row["evidence_civic_url"] or None,
            )
        )
    assertions: list[CivicItem] = []
    as_path = _release_file(root, "AssertionSummaries.tsv")
    for row in _read_tsv(as_path):
        if row.get("assertion_type") != "Predictive":
            continue
        assertions.append(
            CivicItem(
                kind="AID",
                number=int(row["assertion_id"]),
                profile=row["molecular_profile"],
                disease=row["disease"],
                doid=row["doid"],
                therapies=tuple(split_therapies(row["therapies"])),
                interaction=row.get("therapy_interaction_type", "")
                or ("Combination" if "," in row["therapies"] else ""),
                direction=row["assertion_direction"],
                significance=row["significance"],
                amp_category=row["amp_category"] or None,
                nccn_guideline=row["nccn_guideline"] or None,
                nccn_version=row["nccn_guideline_version"] or None,
                regulatory_approval=row["regulatory_approval"] == "true",
                fda_companion_test=row["fda_companion_test"] == "true",
                variant_origin=row.get("variant_origin", ""),
                url=row["assertion_civic_url"] or None,
                evidence_ids=tuple(int(e) for e in re.findall(r"\d+", row["evidence_item_ids"])),
            )
        )
    return version, evidence, assertions


# --------------------------------------------------------------------------- writing
def rule_file_yaml(
    gene: str, rules: Sequence[RuleSpec], version: str | None, source: str = "civic"
) -> tuple[str, list[int]]:
    """YAML text of one compact rule file, and the first line of each rule.

    >>> spec = RuleSpec(id="civic-eid1", alteration="V600E", therapy=["vemurafenib"],
    ...                 effect="sensitivity", level="3A", summary="a generated summary",
    ...                 evidence=[{"civic": "EID1"}])
    >>> print(rule_file_yaml("BRAF", [spec], "01-Aug-2024")[0])  # doctest: +NORMALIZE_WHITESPACE
    gene: BRAF
    source: civic
    version: 01-Aug-2024
    rules:
    - id: civic-eid1
      alteration: V600E
      therapy: [vemurafenib]
      effect: sensitivity
      level: 3A
      summary: a generated summary
      evidence:
      - {civic: EID1}
    """
    header: dict[str, Any] = {"gene": gene, "source": source}
    if version:
        header["version"] = version
    text = yaml.safe_dump(header, sort_keys=False, allow_unicode=True) + "rules:\n"
    starts: list[int] = []
    for spec in rules:
        starts.append(text.count("\n") + 1)
        data = spec.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
        data["level"] = spec.level
        data["evidence"] = [c.model_dump(mode="json", exclude_none=True) for c in spec.evidence]
        text += yaml.dump(
            [data],
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            width=100,
            default_flow_style=None,
        )
    return text, starts


_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def write_rule_files(
    by_gene: Mapping[str, Sequence[RuleSpec]],
    out_dir: str | Path,
    version: str | None,
    *,
    source: str = "civic",
    extra: Mapping[str, str] | None = None,
    validate: bool = True,
) -> tuple[dict[str, list[RuleSpec]], list[Skipped]]:
    """Write one file per gene into ``out_dir`` atomically; returns what was kept.

    Files are written to a temporary sibling directory, each is loaded with
    :func:`actionable.rules.load_rule_file` (a rule the loader rejects is dropped and
    reported as ``loader_rejected``), then the directory replaces ``out_dir`` in one
    rename, so a failure leaves the previous rule set untouched. ``extra`` adds files
    (name -> text), such as the import report.

    >>> write_rule_files({}, "/tmp/empty-civic", None)  # doctest: +SKIP
    ({}, [])
    """
    target = Path(out_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    kept: dict[str, list[RuleSpec]] = {}
    dropped: list[Skipped] = []
    try:
        for gene in sorted(by_gene):
            rules = list(by_gene[gene])
            while rules:
                text, starts = rule_file_yaml(gene, rules, version, source)
                path = staging / f"{gene}.yaml"
                path.write_text(text, encoding="utf-8")
                if not validate:
                    break
                try:
                    load_rule_file(path)
                    break
                except RuleFileError as error:
                    index = _rule_at(starts, error.line)
                    if index is None:
                        raise
                    bad = rules.pop(index)
                    dropped.append(Skipped(bad.id, "loader_rejected", error.problem))
                    log.info("dropped %s: %s", bad.id, error.problem)
            if rules:
                kept[gene] = rules
            else:
                (staging / f"{gene}.yaml").unlink(missing_ok=True)
        for name, text in (extra or {}).items():
            (staging / name).write_text(text, encoding="utf-8")
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return kept, dropped


def _rule_at(starts: Sequence[int], line: int | None) -> int | None:
    if line is None or not starts or line < starts[0]:
        return None
    index = 0
    for i, start in enumerate(starts):
        if start <= line:
            index = i
    return index


def _swap(staging: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    try:
        os.replace(staging, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------- import
@dataclass
class ImportResult:
    """What :func:`import_release` read, converted, skipped and wrote.

    >>> r = ImportResult(version="01-Aug-2024", out_dir=Path("rules/civic"),
    ...                  evidence_read=10, evidence_converted=8,
    ...                  skipped=[Skipped("EID1", "does_not_support"),
    ...                           Skipped("EID2", "no_therapy")])
    >>> r.percent_converted, r.evidence_claims, round(r.percent_claims, 1)
    (80.0, 9, 88.9)
    """

    version: str
    out_dir: Path
    evidence_read: int = 0
    assertions_read: int = 0
    evidence_converted: int = 0
    assertions_converted: int = 0
    rules_written: int = 0
    files_written: int = 0
    drugs_added: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    diseases: dict[tuple[str, str], tuple[tuple[str, ...], str]] = field(default_factory=dict)

    @property
    def percent_converted(self) -> float:
        """Converted predictive evidence items, in % of all accepted predictive items."""
        return 100.0 * self.evidence_converted / self.evidence_read if self.evidence_read else 0.0

    def _minus(self, reasons: frozenset[str]) -> int:
        return self.evidence_read - sum(
            1 for s in self.skipped if s.item.startswith("EID") and s.reason in reasons
        )

    @property
    def evidence_claims(self) -> int:
        """Predictive items stating a response or resistance claim: all but those skipped
        by policy ('Does Not Support', adverse response, sequential therapies)."""
        return self._minus(POLICY_REASONS)

    @property
    def evidence_in_scope(self) -> int:
        """Claims about an alteration a sequencing report can carry: :attr:`evidence_claims`
        minus expression, methylation and polymorphism markers."""
        return self._minus(OUT_OF_SCOPE_REASONS)

    @property
    def percent_claims(self) -> float:
        """Converted predictive items, in % of :attr:`evidence_claims`."""
        return 100.0 * self.evidence_converted / max(self.evidence_claims, 1)

    @property
    def percent_in_scope(self) -> float:
        """Converted predictive items, in % of :attr:`evidence_in_scope`."""
        return 100.0 * self.evidence_converted / max(self.evidence_in_scope, 1)

    def __str__(self) -> str:
        return (
            f"CIViC {self.version}: {self.evidence_converted} of {self.evidence_read} "
            f"predictive evidence items converted ({self.percent_converted:.1f} %; "
            f"{self.percent_claims:.1f} % of {self.evidence_claims} response/resistance "
            f"claims; {self.percent_in_scope:.1f} % of {self.evidence_in_scope} in scope), "
            f"{self.assertions_converted} of {self.assertions_read} assertions; "
            f"{self.rules_written} rules in {self.files_written} files under {self.out_dir}"
        )

    def skip_counts(self, kind: str = "EID") -> dict[str, int]:
        """Skipped items by reason (evidence items by default, ``AID`` for assertions)."""
        counts = Counter(s.reason for s in self.skipped if s.item.startswith(kind))
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def report_markdown(self) -> str:
        """The import report (``rules/civic/IMPORT_REPORT.md``)."""
        lines = [
            f"# CIViC import report ({self.version})",
            "",
            "Generated by `scripts/import_civic.py`; do not edit. Mapping rules: "
            "`docs/readme/sources.md`. Skipped items: `IMPORT_REPORT.tsv`.",
            "",
            "| | evidence items | assertions |",
            "|---|---:|---:|",
            f"| predictive, accepted, read | {self.evidence_read} | {self.assertions_read} |",
            f"| converted | {self.evidence_converted} | {self.assertions_converted} |",
            f"| response/resistance claims (no policy skip) | {self.evidence_claims} | |",
            f"| ... about alterations a report carries (in scope) | {self.evidence_in_scope} | |",
            "",
            f"Converted: {self.percent_converted:.1f} % of all predictive evidence items, "
            f"{self.percent_claims:.1f} % of the claims, {self.percent_in_scope:.1f} % of "
            "those in scope. Rules written: "
            f"{self.rules_written} in {self.files_written} files; drugs added to "
            f"knowledgebase/drugs_civic.yaml: {self.drugs_added}.",
            "",
            "## Skipped evidence items by reason",
            "",
            "| reason | items | meaning |",
            "|---|---:|---|",
        ]
        lines += [f"| {r} | {n} | {REASONS.get(r, '')} |" for r, n in self.skip_counts().items()]
        aids = self.skip_counts("AID")
        if aids:
            lines += ["", "## Skipped assertions", "", "| reason | assertions |", "|---|---:|"]
            lines += [f"| {r} | {n} |" for r, n in aids.items()]
        lines += [
            "",
            "## Disease mapping used",
            "",
            "| DOID | CIViC disease | OncoTree | via |",
            "|---|---|---|---|",
        ]
        for (doid, name), (codes, how) in sorted(self.diseases.items(), key=lambda kv: kv[0][1]):
            lines.append(f"| {doid or '-'} | {name} | {', '.join(codes) or '-'} | {how} |")
        return "\n".join(lines) + "\n"

    def report_tsv(self) -> str:
        """One line per skipped item: item, reason, detail."""
        rows = ["item\treason\tdetail"]
        rows += [
            f"{s.item}\t{s.reason}\t{' '.join(s.detail.split())}"
            for s in sorted(self.skipped, key=lambda s: (s.item[:3], int(s.item[3:])))
        ]
        return "\n".join(rows) + "\n"


def _default_bridge(directory: Path) -> Path | None:
    candidate = directory.parent / "tumor_types" / "pcgr_oncotree_phenotypes.tsv.gz"
    return candidate if candidate.is_file() else None


def import_release(
    directory: str | Path,
    out_dir: str | Path | None = None,
    *,
    drugs_file: str | Path | None = None,
    bridge: str | Path | None = None,
) -> ImportResult:
    """Import a CIViC monthly release into ``rules/civic/`` (one file per gene).

    ``directory`` holds the release TSVs (``01-Aug-2024-ClinicalEvidenceSummaries.tsv``...).
    ``out_dir`` defaults to the bundled ``rules/civic``; ``drugs_file`` to
    ``knowledgebase/drugs_civic.yaml``; ``bridge`` to
    ``<directory>/../tumor_types/pcgr_oncotree_phenotypes.tsv.gz`` when present. The
    output directory is replaced atomically and holds ``IMPORT_REPORT.md`` and
    ``IMPORT_REPORT.tsv``.

    >>> from actionable.sources.civic import import_release
    >>> result = import_release("../shared/data/civic", "/tmp/civic-rules")  # doctest: +SKIP
    >>> round(result.percent_in_scope)  # doctest: +SKIP
    94
    """
    root = Path(directory)
    target = Path(out_dir) if out_dir is not None else rules_dir() / "civic"
    drug_path = (
        Path(drugs_file) if drugs_file is not None else (knowledgebase_dir() / "drugs_civic.yaml")
    )
    version, evidence, assertions = read_release(root)
    diseases = DiseaseMapper(bridge=Path(bridge) if bridge else _default_bridge(root))
    namer = DrugNamer()
    result = ImportResult(
        version=version,
        out_dir=target,
        evidence_read=len(evidence),
        assertions_read=len(assertions),
    )
    by_gene: dict[str, list[RuleSpec]] = defaultdict(list)
    owner: dict[str, str] = {}
    for item in (*evidence, *assertions):
        try:
            converted = convert_item(item, diseases, namer)
        except Skip as skip:
            result.skipped.append(Skipped(item.civic_id, skip.reason, skip.detail))
            continue
        for gene, spec in converted:
            by_gene[gene].append(spec)
            owner[spec.id] = item.civic_id
    # The vocabulary must be in place before the loader validates the rules.
    atomic_write(drug_path, namer.vocabulary_yaml(version))
    drugs.reload()
    result.drugs_added = len(namer.added)
    result.diseases = dict(diseases.used)
    kept, rejected = write_rule_files(by_gene, target, version, extra={})
    bad_items = {owner[s.item] for s in rejected}
    good_items = {owner[r.id] for rules in kept.values() for r in rules}
    # An item is converted when at least one of its rules survived the loader.
    for item_id in sorted(bad_items - good_items):
        detail = "; ".join(s.detail for s in rejected if owner[s.item] == item_id)
        result.skipped.append(Skipped(item_id, "loader_rejected", detail))
    result.evidence_converted = sum(1 for i in good_items if i.startswith("EID"))
    result.assertions_converted = sum(1 for i in good_items if i.startswith("AID"))
    result.rules_written = sum(len(r) for r in kept.values())
    result.files_written = len(kept)
    (target / "IMPORT_REPORT.md").write_text(result.report_markdown(), encoding="utf-8")
    (target / "IMPORT_REPORT.tsv").write_text(result.report_tsv(), encoding="utf-8")
    return result
