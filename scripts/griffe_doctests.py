"""Griffe extension for the API reference: docstring examples (``>>>`` lines and their
output) become ``pycon`` code blocks, so Markdown does not read ``x["key"]`` in an
example as a link and the examples show as code."""

from __future__ import annotations

from typing import Any

import griffe


def fence_examples(text: str) -> str:
    """Wrap each run of ``>>>`` lines and their output in a fenced ``pycon`` block.

    >>> print(fence_examples("Intro.\\n\\n>>> 1 + 1\\n2\\n\\nMore."))
    Intro.
    <BLANKLINE>
    ```pycon
    >>> 1 + 1
    2
    ```
    <BLANKLINE>
    More.
    """
    out: list[str] = []
    inside = False
    for line in text.splitlines():
        starts = line.lstrip().startswith(">>>")
        if starts and not inside:
            out.append("```pycon")
            inside = True
        elif inside and not line.strip():
            out.append("```")
            inside = False
        out.append(line)
    if inside:
        out.append("```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence the docstring examples of every object once the tree is loaded."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence_examples(obj.docstring.value)
