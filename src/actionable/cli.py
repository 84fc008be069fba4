"""The ``actionable`` command line (also ``python -m actionable``).

Examples::

    actionable evaluate "BRAF V600E" "TP53 R213*" --tumor "colon NEC"
    actionable evaluate "EGFR L858R" --tumor LUAD --json
    actionable rules validate rules/
    actionable rules stats --json
    actionable schema > rule.schema.json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
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
"""


def _evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate

    thresholds = {}
    for item in args.threshold or ():
        name, _, value = item.partition("=")
        try:
            thresholds[name.strip()] = float(value)
        except ValueError:
            raise SystemExit(f"actionable: --threshold {item!r}: write NAME=NUMBER, e.g. TMB=16")
    report = evaluate(
        args.variants,
        tumor=args.tumor,
        rules=args.rules,
        sources=args.sources.split(",") if args.sources else None,
        thresholds=thresholds,
        max_level=args.max_level,
        prior_therapies=args.prior or (),
    )
    if args.json:
        json.dump(report.to_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(report)
    return 0


def _validate(args: argparse.Namespace) -> int:
    from .engine import Engine
    from .rules import load_rules

    rules = load_rules(args.directory)
    engine = Engine(rules, name=str(args.directory))  # also checks the engine's limits
    stats = engine.compiled.stats
    print(
        f"{args.directory}: {len(rules)} rules valid; {stats['engine_rules']} engine rules in "
        f"{stats['rulesets']} rulesets over {stats['partitions']} partitions"
    )
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
    for title in ("by_source", "by_level", "by_gene", "by_tumor"):
        print(f"\n{title.replace('_', ' ')}:")
        for key, count in summary[title].items():
            print(f"  {key:<24} {count:>6}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from .rules import rule_schema

    json.dump(rule_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def _import_civic(args: argparse.Namespace) -> int:
    from .sources.civic import import_release

    result = import_release(args.directory, out_dir=args.out)
    print(result)
    return 0


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
    ev.add_argument("--tumor", "-t", help="tumor type: OncoTree code or free text (default: unknown)")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.add_argument("--rules", type=Path, help="directory of rule files (default: bundled)")
    ev.add_argument("--sources", help="comma-separated rule sources, e.g. curated,civic")
    ev.add_argument("--max-level", help="drop recommendations weaker than this level (e.g. 2)")
    ev.add_argument("--threshold", action="append", help="override a cut-off, e.g. TMB=16")
    ev.add_argument("--prior", action="append", help="a therapy already given (repeatable)")
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
    schema.set_defaults(func=_schema)

    kb = commands.add_parser("kb", help="import knowledge sources")
    kb_commands = kb.add_subparsers(dest="kb_command", metavar="SUBCOMMAND")
    civic = kb_commands.add_parser("import-civic", help="convert a CIViC release into rule files")
    civic.add_argument("directory", type=Path, help="folder with the CIViC release TSV files")
    civic.add_argument("--out", type=Path, help="output folder (default: rules/civic)")
    civic.set_defaults(func=_import_civic)
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
        return func(args)
    except ActionableError as error:
        print(f"actionable: error: {error}", file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"actionable: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"actionable: error: {error}", file=sys.stderr)
        return 1
