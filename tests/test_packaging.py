"""The built wheel carries rules/ and knowledgebase/ and works outside the source tree."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import REPO


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
