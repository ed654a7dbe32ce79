import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def tool_path():
    """The Swift conformance tool, built by `swift build` (scripts/test.sh builds before running these tests)."""
    override = os.environ.get("SOLARB_CONFORMANCE_TOOL")
    if override:
        return pathlib.Path(override)
    bin_dir = subprocess.run(
        ["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    return pathlib.Path(bin_dir) / "solarb-conformance"


@pytest.fixture(scope="session")
def swift_tool():
    path = tool_path()
    if not path.exists():
        pytest.fail(f"{path} not built: run `swift build` first (scripts/test.sh does)")
    return path
