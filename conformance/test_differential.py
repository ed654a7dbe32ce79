"""Differential test: Swift bytes must equal solders' bytes for thousands of seeded random cases."""

import subprocess

import gen_vectors


def test_swift_matches_solders_on_2500_random_cases(swift_tool, tmp_path):
    vectors = tmp_path / "cases.json"
    import json

    data = gen_vectors.generate(seed=20261125, count=2500)
    vectors.write_text(json.dumps(data))
    kinds = {c["kind"] for c in data["cases"]}
    assert kinds >= {"base58", "oncurve", "pda", "ata", "signature", "builder", "message", "sanitize"}
    out = subprocess.run([str(swift_tool), "check", str(vectors)], capture_output=True, text=True)
    print(out.stdout[-4000:])
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "2500 passed, 0 failed" in out.stdout


def test_checker_detects_a_corrupted_expectation(swift_tool, tmp_path):
    """The checker is not vacuous: one wrong byte in solders' expectation must be reported."""
    import json

    data = gen_vectors.generate(seed=7, count=60)
    target = next(c for c in data["cases"] if c["kind"] == "message" and "expected_tx" in c)
    raw = bytearray(bytes.fromhex(target["expected_message"]))
    raw[-1] ^= 0x01
    target["expected_message"] = raw.hex()
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    out = subprocess.run([str(swift_tool), "check", str(path)], capture_output=True, text=True)
    assert out.returncode == 1
    assert "59 passed, 1 failed" in out.stdout
