"""Writing files so that readers never see half of one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename,
    so a crash or a concurrent reader never meets a partial file.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> atomic_write(target, "done")
    >>> target.read_text()
    'done'
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        if isinstance(data, str):
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data)
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_output(path: Path, *, newline: str | None = "") -> Iterator[IO[str]]:
    """A text handle whose content replaces ``path`` only when the ``with`` block ends
    without an error; a failed or killed run leaves the previous file as it was.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.tsv"
    >>> with atomic_output(target) as out:
    ...     _ = out.write("a\\tb\\n")
    >>> target.read_text()
    'a\\tb\\n'
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def refuse_overwrite(
    outputs: Iterable[str | Path | None], inputs: Iterable[str | Path | None]
) -> None:
    """Raise ``ValueError`` when an output path is one of the inputs (the same file,
    also through a link or another spelling of the path): writing it would destroy
    the input before it is read.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.maf").write_text("x")
    >>> refuse_overwrite([d / "b.tsv"], [d / "a.maf"])
    >>> refuse_overwrite([d / "." / "a.maf"], [d / "a.maf"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: ...a.maf is also an input...
    """
    existing: list[Path] = []
    for item in inputs:
        if item is None or str(item) == "-":
            continue
        candidate = Path(item)
        if candidate.exists():
            existing.append(candidate)
    for item in outputs:
        if item is None:
            continue
        out = Path(item)
        for source in existing:
            same = out.exists() and os.path.samefile(out, source)
            if same or out.resolve() == source.resolve():
                raise ValueError(
                    f"output {out} is also an input ({source}): writing it would destroy the "
                    "input. Choose another output path."
                )
