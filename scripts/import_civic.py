"""Re-run the CIViC import: ``../shared/data/civic`` -> ``rules/civic/*.yaml``.

Usage, from anywhere::

    .venv/bin/python scripts/import_civic.py [RELEASE_DIR] [--out DIR]

Writes one rule file per gene plus ``IMPORT_REPORT.md`` / ``IMPORT_REPORT.tsv`` into
``rules/civic/`` (replaced atomically) and the CIViC drug names the curated vocabulary
lacks into ``knowledgebase/drugs_civic.yaml``. The same import is
``actionable kb import-civic DIR``. Mapping rules: ``docs/readme/sources.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from actionable.sources.civic import import_release  # noqa: E402

DEFAULT_RELEASE = REPO / ".." / "shared" / "data" / "civic"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "release",
        nargs="?",
        type=Path,
        default=DEFAULT_RELEASE,
        help="folder with the CIViC release TSVs (default: %(default)s)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: rules/civic)"
    )
    args = parser.parse_args(argv)
    result = import_release(args.release.resolve(), out_dir=args.out)
    print(result)
    for reason, count in result.skip_counts().items():
        print(f"  skipped {count:5d}  {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
