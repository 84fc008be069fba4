"""The README is assembled from docs/readme/start/, every code block of the README and of
the documentation pages runs (Sybil), the README's quickstart commands run as written, and
every docstring example in the library runs too."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

import actionable

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def test_readme_is_assembled_from_its_sections() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_readme.py"), "--check"], check=False
    )
    assert result.returncode == 0, "README.md is stale: run python scripts/build_readme.py"


DOC_PAGES = sorted(
    str(p.relative_to(REPO)) for p in [REPO / "README.md", *(REPO / "docs").rglob("*.md")]
)


@pytest.mark.parametrize("page", DOC_PAGES)
def test_documentation_code_blocks_run(page: str) -> None:
    # Sybil runs each ```python block of a page in one namespace: ">>>" examples as
    # doctests, other Python blocks as code.
    from sybil import Sybil
    from sybil.parsers.markdown import PythonCodeBlockParser

    document = Sybil(parsers=[PythonCodeBlockParser(doctest_optionflags=FLAGS)]).parse(
        REPO / page
    )
    for example in document.examples():
        example.evaluate()


def test_readme_is_short_and_its_python_examples_run() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) < 250
    assert text.count(">>> ") > 8  # the examples the Sybil test above runs


def _quickstart_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Quickstart") :]
    block = section[section.index("```sh\n") + 6 :]
    return [line for line in block[: block.index("```")].splitlines() if line.strip()]


def test_readme_quickstart_commands_run_as_written(tmp_path: Path) -> None:
    import os
    import shutil

    commands = _quickstart_commands()
    assert len(commands) >= 5 and any("examples/" in c for c in commands)
    # A copy of the repository's examples, so the commands' outputs stay out of the tree.
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    for command in commands:
        result = subprocess.run(
            command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True,
            timeout=300, check=False,
        )  # fmt: skip
        assert result.returncode == 0, f"{command}\n{result.stderr[-2000:]}"
    assert (tmp_path / "reports" / "index.html").is_file()
    assert (tmp_path / "annotated.tsv").stat().st_size > 0


def test_every_documentation_page_is_in_the_site() -> None:
    import yaml

    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    nav = yaml.safe_load(config.split("\nnav:", 1)[1].join(["nav:", ""]))["nav"]

    def pages(entries: object) -> list[str]:
        if isinstance(entries, str):
            return [entries]
        if isinstance(entries, list):
            return [p for e in entries for p in pages(e)]
        if isinstance(entries, dict):
            return [p for v in entries.values() for p in pages(v)]
        return []

    listed = set(pages(nav))
    on_disk = {
        str(p.relative_to(REPO / "docs"))
        for p in (REPO / "docs").rglob("*.md")
        if "start" not in p.relative_to(REPO / "docs").parts  # the README's parts
    }
    assert on_disk <= listed, on_disk - listed
    assert all((REPO / "docs" / page).is_file() for page in listed)


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
