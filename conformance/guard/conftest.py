"""Fixtures for the profit-guard conformance tests: the ELF `solarb guard build` writes, and the compute-unit report."""

import pytest

from guard_cli import solarb

CU_REPORT: dict[str, int] = {}


@pytest.fixture(scope="session")
def cu_report() -> dict[str, int]:
    """Compute units per case, printed at the end of the session (docs/guard.md lists them)."""
    return CU_REPORT


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
    if CU_REPORT:
        terminalreporter.write_sep("-", "guard compute units (LiteSVM)")
        for name, cu in CU_REPORT.items():
            terminalreporter.write_line(f"{cu:>6}  {name}")
