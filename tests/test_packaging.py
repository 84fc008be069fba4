"""The built wheel carries rules/ and knowledgebase/ and works outside the source tree;
the engine wheel (packaging/durable-rules-compat) builds and runs on every supported
Python found here; optional features name their extra when it is missing."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from conftest import REPO

import actionable
from actionable.cohort import Funnel
from actionable.io.vcf import read_vcf
from actionable.report.plot import plot_funnel

COMPAT = REPO / "packaging" / "durable-rules-compat"
UPSTREAM = COMPAT / "upstream" / "durable_rules-2.0.28.tar.gz"


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv_and_finds_its_data(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    [wheel] = list(wheels.glob("actionable-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # Dependencies come from the test environment; the library itself only from the wheel
    # (a plain path entry: the editable install's .pth hook is not processed from there).
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    code = (
        "import actionable, actionable._resources as r; "
        "print(actionable.__file__); print(r.data_root()); "
        "print(actionable.parse_variant('BRAF:p.(Val600Glu)')); "
        "print(actionable.resolve_tumor('colon NEC').code); "
        "print(actionable.evaluate(['BRAF V600E'], tumor='colon NEC')"
        ".recommendations[0].therapy.name)"
    )
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    result = subprocess.run(
        [str(python), "-c", code],
        cwd=outside,
        check=False,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    module, data_root, variant, tumor, therapy = result.stdout.strip().splitlines()
    assert module.startswith(str(site))
    assert data_root == str(site / "actionable" / "_data")
    assert (variant, tumor, therapy) == ("BRAF V600E", "HGNEC", "dabrafenib + trametinib")


def _backend() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compat_backend", COMPAT / "build_backend.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _upstream() -> Path:
    if not UPSTREAM.is_file():
        pytest.fail(f"{UPSTREAM} is missing: run make (it downloads the upstream sdist)")
    return UPSTREAM


PATCH = """header text is ignored
--- a/f.c
+++ b/f.c
@@ -2,3 +2,3 @@
 two
-three
+THREE
 four
"""


def test_engine_patch_applies_only_where_every_line_matches(tmp_path: Path) -> None:
    backend = _backend()
    source = tmp_path / "f.c"
    source.write_text("one\ntwo\nthree\nfour\nfive\n")
    assert backend.apply_patch(tmp_path, PATCH) == ["f.c"]
    assert source.read_text() == "one\ntwo\nTHREE\nfour\nfive\n"
    # Applied twice, or to a file that moved a line, it stops instead of guessing.
    with pytest.raises(backend.BuildError, match=r"f\.c line 3: 'three'"):
        backend.apply_patch(tmp_path, PATCH)
    source.write_text("zero\none\ntwo\nthree\nfour\n")
    with pytest.raises(backend.BuildError, match="does not apply"):
        backend.apply_patch(tmp_path, PATCH)


def test_engine_build_refuses_an_upstream_sdist_with_another_checksum(tmp_path: Path) -> None:
    backend = _backend()
    fake = tmp_path / "durable_rules-2.0.28.tar.gz"
    fake.write_bytes(b"not the release")
    expected = hashlib.sha256(b"the release").hexdigest()
    with pytest.raises(backend.BuildError, match=rf"expected {expected}\. Delete it"):
        backend.verified_sdist(fake, expected)
    with pytest.raises(backend.BuildError, match=r"missing\. Fetch it with `make`"):
        backend.verified_sdist(tmp_path / "absent.tar.gz", expected)
    assert backend.verified_sdist(fake, hashlib.sha256(b"not the release").hexdigest()) == fake


def test_engine_patches_remove_every_call_python_3_13_lacks(tmp_path: Path) -> None:
    import tarfile

    backend = _backend()
    with tarfile.open(_upstream()) as archive:
        archive.extractall(tmp_path, filter="data")
    source = tmp_path / "durable_rules-2.0.28"
    binding = source / "src" / "rulespy" / "rules.c"
    assert binding.read_text().count("PyEval_CallObject(") == 5
    for name in ("pyeval-callobject.patch", "utcfromtimestamp.patch"):
        backend.apply_patch(source, (COMPAT / name).read_text(encoding="utf-8"))
    assert "PyEval_" not in binding.read_text()
    assert binding.read_text().count("PyObject_CallObject(callback, arglist)") == 5
    engine = (source / "libpy" / "durable" / "engine.py").read_text()
    assert "utcfromtimestamp" not in engine
    assert "epoch = datetime.datetime(1970, 1, 1)" in engine


def test_vcf_without_pysam_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pysam", None)  # import pysam now raises ImportError
    with pytest.raises(actionable.MissingExtraError) as caught:
        list(read_vcf(tmp_path / "p.vcf"))
    error = caught.value
    assert (error.extra, error.package, error.name) == ("vcf", "pysam", "pysam")
    assert isinstance(error, ImportError)
    assert "pip install 'actionable[vcf]'" in str(error)


def test_funnel_plot_without_matplotlib_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    funnel = Funnel(threshold="2", screened=("A",), sequenced=(), actionable=(), treated=())
    with pytest.raises(actionable.MissingExtraError, match=r"actionable\[plot\]"):
        plot_funnel(funnel, tmp_path / "f.png")
    assert not (tmp_path / "f.png").exists()


# Each supported Python gets a fresh venv with the two wheels. No test downloads: the other
# dependencies come from an existing environment of the same Python (the running one, or a
# .venv* of this checkout, e.g. the .venv313 that `.ci/run` creates), through a .pth file.
SUPPORTED = ("3.11", "3.12", "3.13", "3.14")


def _run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, check=False, timeout=600
    )


def _python_version(python: Path | str) -> str | None:
    try:
        result = subprocess.run(
            [str(python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def _environment_for(version: str) -> Path | None:
    """A Python of ``version`` whose site-packages holds actionable's dependencies."""
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        return Path(sys.executable)
    for candidate in sorted(REPO.glob(".venv*/bin/python")):
        if (candidate.parent.parent / ".installed").exists() and _python_version(
            candidate
        ) == version:
            return candidate
    return None


def _interpreter_exists(version: str) -> bool:
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = [*pyenv.glob(f"{version}*/bin/python{version}"), shutil.which(f"python{version}")]
    return any(c and _python_version(c) == version for c in found)


@pytest.fixture(scope="module")
def actionable_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wheels = tmp_path_factory.mktemp("actionable-wheel")
    built = _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        wheels,
        REPO,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = list(wheels.glob("actionable-*.whl"))
    return wheel


@pytest.mark.slow
@pytest.mark.parametrize("version", SUPPORTED)
def test_engine_and_library_wheels_work_in_a_fresh_venv(
    version: str, actionable_wheel: Path, tmp_path: Path
) -> None:
    python = _environment_for(version)
    if python is None:
        if _interpreter_exists(version):
            pytest.skip(
                f"Python {version} is installed but no environment here has actionable's "
                f"dependencies for it (tests do not download); create one with: "
                f"make test PYTHON=python{version} VENV=.venv{version.replace('.', '')}"
            )
        pytest.skip(f"Python {version} is not installed on this machine")
    _upstream()
    wheels = tmp_path / "wheels"
    built = _run(
        python,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-q",
        "-w",
        wheels,
        COMPAT,
    )
    assert built.returncode == 0, built.stderr
    [engine] = list(wheels.glob("actionable_durable_rules_compat-2.0.28.post1-*.whl"))
    assert engine.name.split("-")[2] == "cp" + version.replace(".", "")
    metadata = zipfile.ZipFile(actionable_wheel).read("actionable-0.1.0.dist-info/METADATA")
    requires = [
        line.removeprefix("Requires-Dist: ")
        for line in metadata.decode().splitlines()
        if line.startswith("Requires-Dist: ")
    ]
    assert "actionable-durable-rules-compat==2.0.28.post1" in requires
    assert not any(r.startswith("durable") for r in requires)
    assert "pysam>=0.22; extra == 'vcf'" in requires
    assert "matplotlib>=3.8; extra == 'plot'" in requires

    venv = tmp_path / "venv"
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(venv)], check=True)
    fresh = venv / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(_run(fresh, "-c", purelib).stdout.strip())
    deps = _run(python, "-c", purelib).stdout.strip()
    # A plain path entry, after the venv's own site-packages: the two wheels installed there
    # shadow the copies of durable and actionable the dependency environment also holds.
    (site / "deps.pth").write_text(deps + "\n")
    installed = _run(
        python,
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--no-index",
        "-q",
        "--target",
        site,
        engine,
        actionable_wheel,
    )
    assert installed.returncode == 0, installed.stderr
    code = (
        "import sys, actionable, durable, durable_rules_engine; "
        "print('%d.%d' % sys.version_info[:2]); "
        "[print(m.__file__) for m in (actionable, durable, durable_rules_engine)]; "
        "best = actionable.evaluate(['BRAF V600E', 'TP53 R213*'], tumor='colon NEC')"
        ".recommendations[0]; print(best.therapy.name); print(best.level)"
    )
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    result = subprocess.run(
        [str(fresh), "-W", "error::DeprecationWarning:durable.engine", "-c", code],
        cwd=outside,
        check=False,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    running, *modules, therapy, level = result.stdout.strip().splitlines()
    assert running == version
    assert all(module.startswith(str(site)) for module in modules), modules
    assert (therapy, level) == ("dabrafenib + trametinib", "1")
