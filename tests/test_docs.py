"""The README is assembled from docs/readme/ and its examples run; every docstring
example in the library runs too."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys

import pytest
from conftest import REPO

import actionable

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def test_readme_is_assembled_from_its_sections() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_readme.py"), "--check"], check=False
    )
    assert result.returncode == 0, "README.md is stale: run python scripts/build_readme.py"


def test_readme_examples_run() -> None:
    # Code fences end an example's expected output, as a blank line would.
    text = "\n".join(
        "" if line.startswith("```") else line
        for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    )
    test = doctest.DocTestParser().get_doctest(text, {}, "README.md", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 5
    assert result.failed == 0


def test_readme_names_the_two_commands() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(actionable.__path__, "actionable.")
    if m.name != "actionable.__main__"
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=FLAGS)
    assert result.failed == 0


def test_every_public_function_has_a_docstring_with_an_example() -> None:
    missing = []
    for name in actionable.__all__:
        obj = getattr(actionable, name)
        if callable(obj) and not isinstance(obj, type):
            doc = obj.__doc__ or ""
            if ">>>" not in doc:
                missing.append(name)
    assert missing == []
