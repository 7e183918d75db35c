"""pyproject.toml as the build backend reads it: every install (`pip install -e .`, the Lambda
wheel) used to warn that `project.license` as a TOML table is deprecated. The setuptools the
build uses (build-system.requires) reads the file here with every warning recorded: none."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

READ = """
import sys, warnings
from setuptools.config.pyprojecttoml import apply_configuration
from setuptools.dist import Distribution
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    dist = apply_configuration(Distribution(), sys.argv[1])
for w in caught:
    print(w.category.__name__, str(w.message).splitlines()[0])
print("LICENSE", dist.metadata.license_expression or dist.metadata.license)
"""


def test_pyproject_reads_without_a_deprecation_warning_and_names_its_license():
    done = subprocess.run([sys.executable, "-c", READ, str(ROOT / "pyproject.toml")], cwd=ROOT.parent,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert not [line for line in lines if "Deprecat" in line], lines
    assert "LICENSE Apache-2.0" in lines
