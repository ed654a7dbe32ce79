"""Transactions built by SolArb's TransactionAssembler, executed in LiteSVM (a real Solana runtime).

The Swift test `LiteSVMDumpTests` writes, per case, the signed v0 transaction and every account it needs (stand-in
DEX legs made of SPL Token transfers, the wallet's token accounts, the mints). Here the real profit guard (the ELF of
`solarb guard build`) is added at the guard's address and each transaction is executed with signature checks on:
the profitable two-pool and triangle trades must land with the expected base balance; the contested one must fail
in the guard with Custom(6000) and leave every token balance untouched.
"""

import base64
import glob
import json
import os
import struct

import pytest
from solders.account import Account
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey
from solders.transaction import VersionedTransaction
from solders.transaction_metadata import TransactionMetadata

DUMP_DIR = os.environ.get("SOLARB_EXEC_DUMP_DIR", "")
GUARD_ELF = os.environ.get("SOLARB_GUARD_ELF", "")
CASES = sorted(glob.glob(os.path.join(DUMP_DIR, "*.json"))) if DUMP_DIR else []


def _get(obj, name):
    v = getattr(obj, name)
    return v() if callable(v) else v


def token_amount(svm: LiteSVM, key: Pubkey) -> int:
    acc = svm.get_account(key)
    assert acc is not None and len(acc.data) == 165
    return struct.unpack_from("<Q", bytes(acc.data), 64)[0]


@pytest.mark.skipif(not CASES or not GUARD_ELF, reason="set SOLARB_EXEC_DUMP_DIR and SOLARB_GUARD_ELF (scripts/test.d/70-execution-litesvm.sh)")
def test_cases_exist():
    names = {os.path.basename(p) for p in CASES}
    assert {"two_pool_profitable.json", "two_pool_contested.json", "triangle_profitable.json"} <= names


@pytest.mark.parametrize("path", CASES, ids=[os.path.basename(p)[:-5] for p in CASES])
def test_assembled_transaction_in_litesvm(path):
    case = json.load(open(path))
    svm = LiteSVM().with_blockhash_check(False)
    svm.add_program(Pubkey.from_string(case["guardProgram"]), open(GUARD_ELF, "rb").read())
    for a in case["accounts"]:
        svm.set_account(
            Pubkey.from_string(a["pubkey"]),
            Account(a["lamports"], base64.b64decode(a["data"]), Pubkey.from_string(a["owner"]), False, 0),
        )
    payer = Pubkey.from_string(case["payer"])
    base = Pubkey.from_string(case["baseAccount"])
    before_sol = svm.get_balance(payer)
    before_tokens = {
        a["pubkey"]: token_amount(svm, Pubkey.from_string(a["pubkey"]))
        for a in case["accounts"]
        if len(base64.b64decode(a["data"])) == 165
    }
    tx = VersionedTransaction.from_bytes(base64.b64decode(case["transaction"]))
    res = svm.send_transaction(tx)
    if case["expectGuardCode"] is None:
        assert isinstance(res, TransactionMetadata), f"{case['name']}: {res}"
        assert token_amount(svm, base) == case["expectedBaseAmount"]
    else:
        assert not isinstance(res, TransactionMetadata), f"{case['name']} should fail in the guard"
        err = _get(res, "err")
        assert err.index == case["guardIndex"], str(err)
        assert err.err.code == case["expectGuardCode"], str(err)
        # Reverted: every token balance is what it was; only the fee was charged.
        for k, v in before_tokens.items():
            assert token_amount(svm, Pubkey.from_string(k)) == v
        assert svm.get_balance(payer) == before_sol - case["fee"]
