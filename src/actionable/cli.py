"""The ``actionable`` command line (also ``python -m actionable``).

Examples::

    actionable evaluate "BRAF V600E" "TP53 R213*" --tumor "colon NEC"
    actionable evaluate "EGFR L858R" --tumor LUAD --json
    actionable rules validate rules/
    actionable rules stats --json
    actionable schema > rule.schema.json
    actionable schema --report > report.schema.json
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from . import __version__
from .errors import ActionableError

__all__ = ["main"]

EXAMPLES = """\
examples:
  actionable evaluate "BRAF V600E" "TP53 R213*" --tumor "colon NEC"
  actionable evaluate "EGFR L858R" "EGFR T790M" --tumor LUAD --json
  actionable rules validate rules/
  actionable rules stats --json
  actionable schema > rule.schema.json
  actionable schema --report > report.schema.json
  actionable annotate cohort.maf --clinical clinical.tsv -o annotated.tsv --jobs 4
  actionable screen --clinical clinical.tsv --maf cohort.maf --threshold 2 --plot funnel.png
  actionable report --clinical clinical.tsv --maf cohort.maf --html reports/
  actionable serve --port 8080
  actionable annotate-clinical -i clinical.tsv -a annotated.tsv -o clinical.annotated.tsv
"""


def _evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate

    thresholds = {}
    for item in args.threshold or ():
        name, _, value = item.partition("=")
        try:
            thresholds[name.strip()] = float(value)
        except ValueError:
            raise ValueError(f"--threshold {item!r}: write NAME=NUMBER, e.g. TMB=16") from None
    facts: dict[str, str] = {}
    for item in args.fact or ():
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ValueError(f"--fact {item!r}: write NAME=VALUE, e.g. HER2=negative")
        facts[name.strip()] = value.strip()
    report = evaluate(
        args.variants,
        tumor=args.tumor,
        rules=args.rules,
        sources=args.sources.split(",") if args.sources else None,
        thresholds=thresholds,
        max_level=args.max_level,
        prior_therapies=args.prior or (),
        facts=facts or None,
        errors=args.errors,
    )
    if args.json:
        # One patient's JSON names each recommendation's alterations by their position
        # in "variants" rather than repeating them (docs/report.schema.json).
        json.dump(report.to_dict(variant_refs=True), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(report)
    return 0


def _validate(args: argparse.Namespace) -> int:
    from .engine import Engine
    from .rules import broad_context_warnings, load_rules

    rules = load_rules(args.directory)
    engine = Engine(rules, name=str(args.directory))  # also checks the engine's limits
    stats = engine.compiled.stats
    print(
        f"{args.directory}: {len(rules)} rules valid; {stats['engine_rules']} engine rules in "
        f"{stats['rulesets']} rulesets over {stats['partitions']} partitions"
    )
    # Warnings, not errors: a broad context may be right, and the rule says so in tumor.broad.
    warnings = broad_context_warnings(rules)
    for warning in warnings:
        print(f"warning: {warning}")
    if warnings:
        print(f"{len(warnings)} warnings: tumor contexts broader than their labels")
    return 0


def _stats(args: argparse.Namespace) -> int:
    from .rules import load_rules, summarize

    rules = load_rules(args.directory, args.sources.split(",") if args.sources else None)
    summary = summarize(rules)
    if args.json:
        json.dump(summary, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print(f"total rules: {summary['total']}")
    for title in ("by_source", "by_level", "by_gene", "by_tumor", "oncogenicity_sources"):
        print(f"\n{title.replace('_', ' ')}:")
        for key, count in summary[title].items():
            print(f"  {key:<30} {count:>6}")
    print(f"\nrules matching 'oncogenic mutations': {summary['oncogenic_mutations_rules']}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from .report import report_schema
    from .rules import rule_schema

    json.dump(report_schema() if args.report else rule_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def _import_civic(args: argparse.Namespace) -> int:
    from .sources.civic import import_release

    result = import_release(args.directory, out_dir=args.out)
    print(result)
    return 0


# --------------------------------------------------------------------------- cohorts
_TABLE_INPUTS = ("clinical", "maf", "vcf", "cna", "fusions")


@contextlib.contextmanager
def _stdin_tables(args: argparse.Namespace, streamed: str = "") -> Iterator[None]:
    """Let ``-`` name standard input for any one table input. Readers that look at a
    file twice (headers, seeks) get standard input spooled to a temporary file named
    ``stdin``; ``streamed`` names the one input that reads the pipe itself."""
    found = [
        (name, index)
        for name in _TABLE_INPUTS
        for index, value in enumerate(_as_list(getattr(args, name, None)))
        if str(value) == "-"
    ]
    if len(found) > 1:
        names = ", ".join(f"--{name}" for name, _ in found)
        raise ValueError(
            f"standard input (-) is given for {names}: it can feed one input only. Write "
            "the others to files."
        )
    if not found or found[0][0] == streamed:
        yield
        return
    name, index = found[0]
    with tempfile.TemporaryDirectory(prefix="actionable-stdin-") as folder:
        spooled = Path(folder) / "stdin"
        with open(spooled, "wb") as sink:
            shutil.copyfileobj(sys.stdin.buffer, sink, 1 << 20)
        value = getattr(args, name)
        if isinstance(value, list):
            value[index] = spooled
        else:
            setattr(args, name, spooled)
        yield


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _annotate(args: argparse.Namespace) -> int:
    with _stdin_tables(args, streamed="maf"):
        return _run_annotate(args)


def _run_annotate(args: argparse.Namespace) -> int:
    from .cohort import AnnotateSummary, annotate
    from .cohort.writer import TUMOR_PRECEDENCE

    print(f"actionable: {TUMOR_PRECEDENCE}", file=sys.stderr)
    summary: AnnotateSummary
    if args.scheduler or args.parquet:
        from .dask import annotate_command

        if not args.scheduler:
            raise ValueError("--parquet needs --scheduler; e.g. add --scheduler local:2")
        summary = annotate_command(
            args.maf,
            args.output,
            scheduler=args.scheduler,
            parquet=args.parquet,
            clinical=args.clinical,
            cna=args.cna or (),
            fusions=args.fusions or (),
            rules=args.rules,
            sources=args.sources.split(",") if args.sources else None,
            tumor=args.tumor,
            min_fusion_reads=args.min_fusion_reads,
            extra_columns=args.extra_columns,
        )
    else:
        summary = annotate(
            args.maf,
            args.output,
            clinical=args.clinical,
            cna=args.cna or (),
            fusions=args.fusions or (),
            rules=args.rules,
            sources=args.sources.split(",") if args.sources else None,
            jobs=args.jobs,
            extra_columns=args.extra_columns,
            tumor=args.tumor,
            min_fusion_reads=args.min_fusion_reads,
        )
    for warning in summary.warnings:
        print(f"actionable: warning: {warning}", file=sys.stderr)
    print(f"actionable: {_sources_line(summary.tumor_sources)}", file=sys.stderr)
    print(
        f"{summary.rows} rows, {summary.with_rules} in known genes, {summary.annotated} "
        f"with a recommendation, {summary.skipped} non-coding, {summary.errors} unreadable; "
        f"wrote {', '.join(summary.outputs)}",
        file=sys.stderr,
    )
    return 0


def _sources_line(sources: dict[str, int]) -> str:
    return (
        f"tumor types: {sources.get('maf', 0)} samples from the MAF's ONCOTREE_CODE, "
        f"{sources.get('clinical', 0)} from the clinical table, {sources.get('default', 0)} "
        f"from --tumor, {sources.get('none', 0)} with none (tumor-agnostic rules only)"
    )


def _diff_annotations(args: argparse.Namespace) -> int:
    from .dask import diff_command

    text, changes = diff_command(args.old, args.new, args.output, args.scheduler)
    if args.output is None:
        sys.stdout.write(text)
    kinds = {k: sum(c.change == k for c in changes) for k in ("gained", "lost", "changed")}
    print(
        f"{len({c.sample for c in changes})} samples with changes: "
        + ", ".join(f"{n} {k}" for k, n in kinds.items()),
        file=sys.stderr,
    )
    return 0


def _cohort_inputs(args: argparse.Namespace) -> dict[str, object]:
    if not (args.maf or args.vcf or args.cna or args.fusions):
        raise ValueError("give at least one variant file: --maf, --vcf, --cna or --fusions")
    return {
        "maf": args.maf or (),
        "vcf": args.vcf or (),
        "cna": args.cna or (),
        "fusions": args.fusions or (),
        "threshold": args.threshold,
        "rules": args.rules,
        "sources": args.sources.split(",") if args.sources else None,
        "jobs": args.jobs,
        "tumor": args.tumor,
        "min_fusion_reads": args.min_fusion_reads,
    }


def _input_paths(args: argparse.Namespace) -> list[Path]:
    found = [args.clinical, *(args.maf or ()), *(args.vcf or ()), *(args.cna or ())]
    return [Path(p) for p in (*found, *(args.fusions or ()))]


def _refuse_report_inputs(args: argparse.Namespace) -> None:
    """A report folder must not hold an input that a report page would replace."""
    for folder, suffix in ((args.html, ".html"), (args.markdown, ".md")):
        if folder is None:
            continue
        for path in _input_paths(args):
            if path.suffix.lower() == suffix and path.resolve().parent == folder.resolve():
                raise ValueError(
                    f"input {path} is inside the report folder {folder} and could be "
                    "replaced by a report page. Choose another report folder."
                )


def _screen(args: argparse.Namespace) -> int:
    with _stdin_tables(args):
        return _run_screen(args)


def _run_screen(args: argparse.Namespace) -> int:
    from ._files import refuse_overwrite
    from .cohort import screen

    refuse_overwrite(args.plot or (), _input_paths(args))
    funnel = screen(args.clinical, **_cohort_inputs(args))  # type: ignore[arg-type]
    for error in funnel.errors:
        print(f"actionable: warning: {error}", file=sys.stderr)
    print(f"actionable: {_sources_line(funnel.tumor_sources)}", file=sys.stderr)
    if args.plot:
        for path in args.plot:
            funnel.plot(path)
    if args.json:
        data = funnel.to_dict()
        if not args.with_reports:
            data.pop("patients", None)
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(funnel.to_table())
    return 0


def _report(args: argparse.Namespace) -> int:
    with _stdin_tables(args):
        return _run_report(args)


def _run_report(args: argparse.Namespace) -> int:
    from .cohort import screen
    from .report import write_reports

    if not args.html and not args.markdown:
        raise ValueError("give --html DIR and/or --markdown DIR")
    _refuse_report_inputs(args)
    funnel = screen(args.clinical, **_cohort_inputs(args))  # type: ignore[arg-type]
    for error in funnel.errors:
        print(f"actionable: warning: {error}", file=sys.stderr)
    samples = args.sample or None
    if samples:
        missing = [s for s in samples if s not in funnel.reports]
        if missing:
            raise ValueError(f"no evaluated patient {', '.join(missing)} (not sequenced?)")
    written = write_reports(funnel, args.html, args.markdown, samples=samples)
    print(f"wrote {len(written)} files", file=sys.stderr)
    for path in written:
        print(path)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .serve import Settings, read_token, run

    settings = Settings(
        rules=args.rules,
        sources=tuple(args.sources.split(",")) if args.sources else None,
        token=read_token(args.token_file) if args.token_file else None,
        token_file=args.token_file,
    )
    run(settings, host=args.host, port=args.port, workers=args.workers)
    return 0


ANNOTATE_EXAMPLES = """\
Appends the OncoKB MAF annotator's 27 columns (ANNOTATED ... PX_CITATIONS) to every
MAF row; --extra-columns adds ACTIONABLE_RULE_IDS, RATIONALE and ACTIONABLE_ERROR.

The tumor type of a row comes from the MAF's ONCOTREE_CODE column, else the
clinical table, else --tumor; samples with none are counted in a warning.
- as an input reads standard input; -o - writes the annotated MAF to standard output.

The tumor type of a row comes from the MAF's ONCOTREE_CODE column, else the
clinical table, else --tumor; samples with none are counted in a warning.
- as an input reads standard input; -o - writes the annotated MAF to standard output.

examples:
  actionable annotate cohort.maf --clinical clinical.tsv -o annotated.tsv
  actionable annotate cohort.maf --tumor LUAD -o - | head
  actionable annotate cohort.maf --clinical clinical.tsv --cna data_cna.txt \\
      --fusions star-fusion.fusion_predictions.tsv -o annotated.tsv --jobs 4
  actionable annotate 'mafs/*.maf' --clinical clinical.tsv -o annotated.tsv \\
      --scheduler local:4                     # or tcp://scheduler:8786
"""

SCREEN_EXAMPLES = """\
Counts the funnel screened -> sequenced -> actionable -> treated.

examples:
  actionable screen --clinical clinical.tsv --maf cohort.maf
  actionable screen --clinical clinical.tsv --maf cohort.maf --threshold 1 --json
  actionable screen --clinical clinical.tsv --maf a.maf --vcf b.vep.vcf.gz \\
      --plot funnel.png --plot funnel.svg
"""

REPORT_EXAMPLES = """\
Writes one self-contained HTML (and/or Markdown) tumor-board report per
sequenced patient, plus index.html / index.md with the funnel.

examples:
  actionable report --clinical clinical.tsv --maf cohort.maf --html reports/
  actionable report --clinical clinical.tsv --maf cohort.maf --markdown md/ --sample NEC-01
"""


def _cohort_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--clinical",
        required=True,
        type=Path,
        help="clinical table (TSV/CSV): sample_id, tumor, panel, prior_therapies, "
        "treated_with, tmb, msi (- reads standard input)",
    )
    p.add_argument(
        "--maf", action="append", type=Path, help="MAF file (repeatable; - reads standard input)"
    )
    p.add_argument(
        "--vcf",
        action="append",
        type=Path,
        help="VEP- or SnpEff-annotated VCF (repeatable; one patient per sample column)",
    )
    p.add_argument(
        "--cna",
        action="append",
        type=Path,
        help="copy number: GISTIC matrix (genes x samples) or individual calls "
        "(SAMPLE_ID, HUGO_SYMBOL, ALTERATION); repeatable",
    )
    p.add_argument(
        "--fusions",
        action="append",
        type=Path,
        help="fusions / structural variants: STAR-Fusion, OncoKB fusion or SV layout, "
        "cBioPortal SV or PCGR (repeatable)",
    )
    p.add_argument(
        "--threshold",
        default="2",
        choices=["1", "2", "3A", "3B", "4"],
        help="actionable = a sensitivity level this good or better (default: 2)",
    )
    p.add_argument("--rules", type=Path, help="directory of rule files (default: bundled)")
    p.add_argument("--sources", help="comma-separated rule sources, e.g. curated,civic")
    p.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default: 1)")
    _tumor_options(p)


def _tumor_options(p: argparse.ArgumentParser) -> None:
    from .io.fusions import MIN_FUSION_READS

    p.add_argument(
        "--tumor",
        "-t",
        help="default tumor type (OncoTree code or text) for samples whose tumor type is "
        "in neither the MAF's ONCOTREE_CODE column nor the clinical table",
    )
    p.add_argument(
        "--min-fusion-reads",
        type=int,
        default=MIN_FUSION_READS,
        help="least supporting reads (junction + spanning) of a STAR-Fusion call "
        f"(default: {MIN_FUSION_READS})",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="actionable",
        description="Targeted-therapy recommendations from sequencing-report alterations "
        "and a tumor type, with evidence levels and a rationale.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"actionable {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    ev = commands.add_parser(
        "evaluate",
        help="evaluate one patient's alterations",
        description="Evaluate one patient's alterations in a tumor type.",
        epilog='example: actionable evaluate "BRAF V600E" "TP53 R213*" --tumor "colon NEC"',
    )
    ev.add_argument("variants", nargs="+", help='alterations, e.g. "BRAF V600E" "TMB 12 mut/Mb"')
    ev.add_argument(
        "--tumor", "-t", help="tumor type: OncoTree code or free text (default: unknown)"
    )
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.add_argument("--rules", type=Path, help="directory of rule files (default: bundled)")
    ev.add_argument("--sources", help="comma-separated rule sources (default: curated; add civic)")
    ev.add_argument("--max-level", help="drop recommendations weaker than this level (e.g. 2)")
    ev.add_argument("--threshold", action="append", help="override a cut-off, e.g. TMB=16")
    ev.add_argument("--prior", action="append", help="a therapy already given (repeatable)")
    ev.add_argument(
        "--fact",
        action="append",
        help='a patient fact, e.g. HER2=negative, HR=positive, "PD-L1 CPS=5" (repeatable)',
    )
    ev.add_argument(
        "--errors",
        choices=("raise", "warn"),
        default="raise",
        help="an unreadable variant stops (raise, default) or becomes a warning (warn)",
    )
    ev.set_defaults(func=_evaluate)

    rules = commands.add_parser("rules", help="check and summarise rule files")
    rules_commands = rules.add_subparsers(dest="rules_command", metavar="SUBCOMMAND")
    val = rules_commands.add_parser("validate", help="validate a directory of rule files")
    val.add_argument("directory", type=Path)
    val.set_defaults(func=_validate)
    st = rules_commands.add_parser("stats", help="count rules by source, level, gene, tumor")
    st.add_argument("directory", type=Path, nargs="?", help="default: the bundled rules")
    st.add_argument("--sources", help="comma-separated rule sources, e.g. curated,civic")
    st.add_argument("--json", action="store_true", help="one JSON object")
    st.set_defaults(func=_stats)

    schema = commands.add_parser("schema", help="print the JSON Schema of rule files")
    schema.add_argument(
        "--report",
        action="store_true",
        help="print the JSON Schema of the report JSON (evaluate --json) instead",
    )
    schema.set_defaults(func=_schema)

    kb = commands.add_parser("kb", help="import knowledge sources")
    kb_commands = kb.add_subparsers(dest="kb_command", metavar="SUBCOMMAND")
    civic = kb_commands.add_parser("import-civic", help="convert a CIViC release into rule files")
    civic.add_argument("directory", type=Path, help="folder with the CIViC release TSV files")
    civic.add_argument("--out", type=Path, help="output folder (default: rules/civic)")
    civic.set_defaults(func=_import_civic)

    an = commands.add_parser(
        "annotate",
        help="annotate a MAF with levels and drugs (OncoKB annotator columns)",
        description="Annotate every row of a MAF with levels, drugs and a rationale.",
        epilog=ANNOTATE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    an.add_argument("maf", help="MAF file (.gz accepted; - reads standard input)")
    an.add_argument("--clinical", type=Path, help="clinical table giving each sample's tumor type")
    an.add_argument(
        "--cna",
        action="append",
        type=Path,
        help="copy number: GISTIC matrix or individual calls (repeatable)",
    )
    an.add_argument(
        "--fusions",
        action="append",
        type=Path,
        help="fusions / structural variants: STAR-Fusion, OncoKB or cBioPortal layouts "
        "(repeatable)",
    )
    an.add_argument(
        "--output", "-o", required=True, help="annotated TSV to write (- writes standard output)"
    )
    an.add_argument("--rules", type=Path, help="directory of rule files (default: bundled)")
    an.add_argument("--sources", help="comma-separated rule sources, e.g. curated,civic")
    an.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=1,
        help="worker processes (uncompressed MAF only; default: 1)",
    )
    an.add_argument(
        "--extra-columns",
        action="store_true",
        help="after the annotator's columns, add ACTIONABLE_RULE_IDS, RATIONALE, ACTIONABLE_ERROR",
    )
    _tumor_options(an)
    an.add_argument(
        "--scheduler",
        help="annotate on Dask (actionable[dask]): a scheduler address, or local:N for N "
        "local worker processes; MAF may then be a quoted glob, one partition per file",
    )
    an.add_argument(
        "--parquet", action="store_true", help="with --scheduler: MAF rows are Parquet files"
    )
    an.set_defaults(func=_annotate)

    df = commands.add_parser(
        "diff-annotations",
        help="what changed between two annotated tables (e.g. two knowledge-base versions)",
        description="List per sample the recommendations gained, lost or changed in level.",
    )
    df.add_argument("old", type=Path, help="annotated TSV (annotate's output) before")
    df.add_argument("new", type=Path, help="annotated TSV after")
    df.add_argument("--output", "-o", type=Path, help="write the TSV here (default: stdout)")
    df.add_argument("--scheduler", help="compare on Dask: an address or local:N")
    df.set_defaults(func=_diff_annotations)

    sc = commands.add_parser(
        "screen",
        help="screen a cohort: screened -> sequenced -> actionable -> treated",
        description="Screen a cohort and print the funnel.",
        epilog=SCREEN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _cohort_options(sc)
    sc.add_argument(
        "--plot", action="append", type=Path, help="draw the funnel (.png or .svg; repeatable)"
    )
    sc.add_argument("--json", action="store_true", help="print the funnel as JSON")
    sc.add_argument(
        "--with-reports",
        action="store_true",
        help="with --json: include every patient's full report",
    )
    sc.set_defaults(func=_screen)

    rp = commands.add_parser(
        "report",
        help="write tumor-board reports (HTML, Markdown) for a cohort",
        description="Write one tumor-board report per sequenced patient.",
        epilog=REPORT_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _cohort_options(rp)
    rp.add_argument("--html", type=Path, help="folder for the HTML reports")
    rp.add_argument("--markdown", type=Path, help="folder for the Markdown reports")
    rp.add_argument("--sample", action="append", help="only this patient (repeatable)")
    rp.set_defaults(func=_report)

    sv = commands.add_parser(
        "serve",
        help="serve the OncoKB-compatible web API and the tumor-board page",
        description="Serve the OncoKB-compatible web API (/api/v1, docs at /docs) and the "
        "tumor-board page (/), answered from the rules on this machine.",
        epilog="example: actionable serve --port 8080 --sources curated,civic",
    )
    sv.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    sv.add_argument("--port", type=int, default=8080, help="port (default: 8080)")
    sv.add_argument("--rules", type=Path, help="directory of rule files (default: bundled)")
    sv.add_argument("--sources", help="comma-separated rule sources (default: curated; add civic)")
    sv.add_argument("--workers", type=int, default=1, help="worker processes (default: 1)")
    sv.add_argument(
        "--token-file",
        type=Path,
        help="file holding a token every request must send as Authorization: Bearer <token>",
    )
    sv.set_defaults(func=_serve)

    from .annotation.clinical import register as register_annotate_clinical

    register_annotate_clinical(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    >>> from actionable.cli import main
    >>> main(["evaluate", "BRAF V600E", "--tumor", "MEL", "--max-level", "1"])  # doctest: +ELLIPSIS
    Tumor: Melanoma (MEL)
    ...
    0
    """
    parser = _parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        code = func(args)
        # Flush here, not at interpreter exit, so a reader that went away is seen below.
        sys.stdout.flush()
        return code
    except ActionableError as error:
        print(f"actionable: error: {error}", file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"actionable: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`actionable ... | head`): it took what it wanted, so the
        # run ends quietly and successfully. Point stdout at devnull so the
        # interpreter's final flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as error:
        print(f"actionable: error: {error}", file=sys.stderr)
        return 1
