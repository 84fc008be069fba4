"""PEP 517 backend: unchanged durable_rules sdist -> sha256 check -> patches -> wheel.

It has no build requirements: the C engine is compiled with the compiler and flags the
running Python was built with (``sysconfig``, as setuptools does on POSIX), so a build
works offline once the upstream sdist has been fetched (``make`` does that).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shlex
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import tomllib
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ENGINE_SOURCES = (
    "rulespy/rules",
    "rules/json",
    "rules/rete",
    "rules/state",
    "rules/events",
    "rules/regex",
)
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,(\d+))? @@")


class BuildError(RuntimeError):
    """The wheel cannot be built; the message says what to do."""


def _config() -> tuple[dict[str, Any], dict[str, Any]]:
    data = tomllib.loads((HERE / "pyproject.toml").read_text(encoding="utf-8"))
    return data["project"], data["tool"]["durable-rules-compat"]


def verified_sdist(path: Path, sha256: str) -> Path:
    if not path.is_file():
        raise BuildError(
            f"upstream sdist {path} is missing. Fetch it with `make` in the actionable "
            f"checkout, or: pip download durable-rules==2.0.28 --no-deps --no-binary :all: "
            f"-d {path.parent}"
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise BuildError(
            f"{path} has sha256 {digest}, expected {sha256}. Delete it and download it again "
            "from PyPI; do not build from a file that differs from the upstream release"
        )
    return path


def apply_patch(root: Path, patch: str) -> list[str]:
    """Apply a unified diff strictly: every context and removed line must match exactly
    at the stated line (no fuzz, no offset), so a patch never lands in the wrong place.
    Returns the patched paths."""
    patched: list[str] = []
    lines = patch.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].startswith("+++ "):
            i += 1  # commit message, "--- a/..." line
            continue
        name = lines[i][4:].split("\t")[0].removeprefix("b/")
        old = (root / name).read_text(encoding="utf-8").splitlines()
        new: list[str] = []
        cursor = 0
        i += 1
        while i < len(lines) and (hunk := _HUNK.match(lines[i])):
            remove, add = int(hunk[2] or 1), int(hunk[3] or 1)
            start = int(hunk[1]) - (1 if remove else 0)
            if start < cursor:
                raise BuildError(f"patch hunks for {name} overlap or are out of order")
            new += old[cursor:start]
            cursor = start
            i += 1
            while remove or add:
                if i >= len(lines):
                    raise BuildError(f"patch for {name} ends inside a hunk")
                tag, text = lines[i][:1] or " ", lines[i][1:]
                if tag in " -":
                    if remove == 0 or cursor >= len(old) or old[cursor] != text:
                        raise BuildError(
                            f"patch does not apply to {name} line {cursor + 1}: {text!r}"
                        )
                    cursor, remove = cursor + 1, remove - 1
                if tag in " +":
                    new.append(text)
                    add -= 1
                if tag not in " -+\\":
                    raise BuildError(f"malformed patch line for {name}: {lines[i]!r}")
                i += 1
        (root / name).write_text("\n".join([*new, *old[cursor:]]) + "\n", encoding="utf-8")
        patched.append(name)
    return patched


def _run(command: list[str]) -> None:
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BuildError(
            f"no C compiler: {command[0]!r} was not found. Install one and the Python headers "
            f"(Debian/Ubuntu: sudo apt-get install build-essential python{sys.version_info[0]}."
            f"{sys.version_info[1]}-dev), or set CC"
        ) from None
    if result.returncode != 0:
        raise BuildError(f"{shlex.join(command)} failed:\n{result.stderr[-4000:]}")


def compile_engine(source: Path, out: Path) -> Path:
    """Compile the C engine and its Python binding into one extension module."""
    cfg = sysconfig.get_config_vars()
    if not cfg.get("CC") or not cfg.get("LDSHARED"):
        raise BuildError(
            "this backend needs a POSIX C toolchain (Linux or macOS); Windows is not supported"
        )
    env = os.environ
    cc = shlex.split(env.get("CC") or str(cfg["CC"]))
    cflags = shlex.split(
        f"{cfg.get('CFLAGS') or ''} {cfg.get('CCSHARED') or ''} {env.get('CFLAGS', '')}"
    )
    # Upstream's setup.py flags; -fcommon because its headers define globals (clang on macOS).
    cflags += ["-std=c99", "-D_GNU_SOURCE", *(["-fcommon"] if sys.platform == "darwin" else [])]
    include = ["-I" + sysconfig.get_paths()["include"], "-I" + str(source / "src" / "rules")]
    objects = []
    for name in ENGINE_SOURCES:
        obj = out / (name.replace("/", "_") + ".o")
        _run([*cc, *cflags, *include, "-c", str(source / "src" / f"{name}.c"), "-o", str(obj)])
        objects.append(str(obj))
    module = out / ("durable_rules_engine" + str(cfg["EXT_SUFFIX"]))
    ldshared = shlex.split(env.get("LDSHARED") or str(cfg["LDSHARED"]))
    _run([*ldshared, *objects, *shlex.split(env.get("LDFLAGS", "")), "-o", str(module)])
    return module


def _tag() -> str:
    interpreter = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    abi = interpreter + ("t" if sysconfig.get_config_var("Py_GIL_DISABLED") else "")
    platform = re.sub(r"[^A-Za-z0-9]", "_", sysconfig.get_platform())
    return f"{interpreter}-{abi}-{platform}"


def _metadata(project: dict[str, Any]) -> bytes:
    return (
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n"
        f"Summary: {project['description']}\nLicense: MIT\n"
        f"Requires-Python: {project['requires-python']}\n"
        "Description-Content-Type: text/markdown\n\n"
        + (HERE / str(project["readme"])).read_text(encoding="utf-8")
    ).encode()


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(
    wheel_directory: str, config_settings: object = None, metadata_directory: object = None
) -> str:
    """PEP 517 hook; returns the wheel's file name."""
    project, tool = _config()
    sdist = verified_sdist(HERE / tool["upstream"], tool["sha256"])
    dist = re.sub(r"[-_.]+", "_", project["name"]).lower() + "-" + project["version"]
    info = f"{dist}.dist-info"
    tag = _tag()
    with tempfile.TemporaryDirectory(prefix="durable-compat-") as tmp:
        with tarfile.open(sdist) as archive:
            archive.extractall(tmp, filter="data")
        [source] = Path(tmp).glob("durable_rules-*")
        files: dict[str, bytes] = {}
        for name in tool["patches"]:
            text = (HERE / name).read_text(encoding="utf-8")
            apply_patch(source, text)
            files[f"{info}/patches/{name}"] = text.encode()  # what differs from upstream
        for module in sorted((source / "libpy" / "durable").glob("*.py")):
            files[f"durable/{module.name}"] = module.read_bytes()
        (Path(tmp) / "build").mkdir()
        engine = compile_engine(source, Path(tmp) / "build")
        files[engine.name] = engine.read_bytes()
        files[f"{info}/METADATA"] = _metadata(project)
        files[f"{info}/WHEEL"] = (
            f"Wheel-Version: 1.0\nGenerator: build_backend.py\nRoot-Is-Purelib: false\nTag: {tag}\n"
        ).encode()
        files[f"{info}/top_level.txt"] = b"durable\ndurable_rules_engine\n"
        files[f"{info}/LICENSE"] = (source / "LICENSE").read_bytes()
        record = [_record_line(name, data) for name, data in files.items()]
        files[f"{info}/RECORD"] = "\n".join([*record, f"{info}/RECORD,,", ""]).encode()
    wheel = f"{dist}-{tag}.whl"
    with zipfile.ZipFile(Path(wheel_directory) / wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return wheel


def get_requires_for_build_wheel(config_settings: object = None) -> list[str]:
    """PEP 517 hook: nothing to install, so an isolated build needs no network."""
    return []
