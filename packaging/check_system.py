"""Check, before pip starts compiling, that this machine can build what the install needs.

`make` creates a virtual environment (Debian splits `venv` support into its own package).
Two dependencies compile C code on install: the rule engine (durable_rules, built by
packaging/durable-rules-compat) needs a C compiler and the Python headers, and psycopg2
(required by hgvs; PyPI has wheels only for Windows) also needs libpq's `pg_config`.
Missing any of them, pip fails with a compiler traceback; this prints the fix instead.

Run with the interpreter the virtual environment will use: `python packaging/check_system.py`.
Exit status 1 when something is missing.
"""

from __future__ import annotations

import importlib.util
import os
import shlex
import shutil
import sys
import sysconfig
from pathlib import Path


def missing() -> list[tuple[str, str]]:
    """(what is missing, Debian/Ubuntu package that provides it), for this interpreter."""
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    found: list[tuple[str, str]] = []
    if importlib.util.find_spec("ensurepip") is None:
        found.append((f"venv support for Python {version} (ensurepip)", f"python{version}-venv"))
    compiler = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    if not compiler or shutil.which(compiler[0]) is None:
        found.append((f"a C compiler ({' '.join(compiler) or 'cc'})", "build-essential"))
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not headers.is_file():
        found.append((f"the Python {version} headers ({headers})", f"python{version}-dev"))
    if sys.platform != "win32" and shutil.which("pg_config") is None:
        found.append(("pg_config from libpq (psycopg2, required by hgvs)", "libpq-dev"))
    return found


def main() -> int:
    """Print what is missing and the apt command that installs it; 0 when nothing is."""
    gaps = missing()
    if not gaps:
        return 0
    print("Cannot install actionable yet; this machine lacks:", file=sys.stderr)
    for what, _ in gaps:
        print(f"  - {what}", file=sys.stderr)
    packages = " ".join(dict.fromkeys(package for _, package in gaps))
    print(
        f"Install them (Debian/Ubuntu): sudo apt-get install {packages}\n"
        "On other systems install the equivalent packages, then run make again.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
