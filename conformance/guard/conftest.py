"""Shared fixtures for the profit-guard conformance tests: the Swift CLI, the ELF it builds, and LiteSVM."""

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def solarb_bin() -> str:
    path = os.environ.get("SOLARB_BIN", str(REPO / ".build" / "debug" / "solarb"))
    if not Path(path).exists():
        pytest.fail(f"solarb binary not found at {path}: run `swift build` first (or set SOLARB_BIN)")
    return path


def solarb(*args: str, stdin: str | None = None) -> str:
    out = subprocess.run([solarb_bin(), *args], input=stdin, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"solarb {' '.join(args)} failed ({out.returncode}): {out.stderr}")
    return out.stdout


def solarb_json(*args: str, stdin: str | None = None):
    return json.loads(solarb(*args, stdin=stdin))


@pytest.fixture(scope="session")
def guard_elf_v3(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("elf") / "guard.so"
    solarb("guard", "build", "--out", str(path))
    return path.read_bytes()


@pytest.fixture(scope="session")
def guard_elf_v0(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("elf") / "guard-v0.so"
    solarb("guard", "build", "--sbpf-version", "v0", "--out", str(path))
    return path.read_bytes()


def pytest_terminal_summary(terminalreporter):
    from test_guard import CU_REPORT

    if CU_REPORT:
        terminalreporter.write_sep("-", "guard compute units (LiteSVM)")
        for name, cu in CU_REPORT.items():
            terminalreporter.write_line(f"{cu:>6}  {name}")
