"""Runs the Swift CLI (`solarb guard …`) for the profit-guard conformance tests."""

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
