"""solders doing what `solarb bench tx` times: compile + serialize + sign the same 3-leg arbitrage v0 transaction.

The shape is rebuilt from the same deterministic generator (splitmix64 addresses) as
Sources/ArbTestSupport/SampleTransactions.swift; the script checks it produced the same message as Swift would
by comparing sizes printed by both. Prints JSON: {"sign_ns": median, "full_ns": median, "size": bytes}.
"""

import argparse
import json
import statistics
import struct
import time

import solders.compute_budget as cb
from solders.address_lookup_table_account import AddressLookupTableAccount
from solders.hash import Hash
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.message import MessageV0, to_bytes_versioned
from solders.pubkey import Pubkey
from solders.transaction import VersionedTransaction

M = 2**64 - 1
TOKEN = Pubkey.from_string("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")


def address(i):
    x = (i + 0x9E3779B97F4A7C15) & M
    words = []
    for _ in range(4):
        x = (x + 0x9E3779B97F4A7C15) & M
        z = x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
        words.append(z ^ (z >> 31))
    return Pubkey.from_bytes(struct.pack("<4Q", *words))


def shape():
    payer = Keypair.from_seed(bytes([42] * 32))
    users = [address(1000 + i) for i in range(3)]
    pool, swaps = [], []
    for leg in range(3):
        metas = [AccountMeta(TOKEN, False, False), AccountMeta(payer.pubkey(), True, False),
                 AccountMeta(users[leg], False, True), AccountMeta(users[(leg + 1) % 3], False, True)]
        for j in range(16):
            a = address(3000 + leg * 100 + j)
            pool.append(a)
            metas.append(AccountMeta(a, False, j % 3 != 0))
        data = bytes([0xF8, 0xC6, 0x9E, 0x91, 0xE1, 0x75, 0x87, 0xC8]) + bytes([leg] * 26)
        swaps.append(Instruction(address(2000 + leg), data, metas))
    table = AddressLookupTableAccount(address(9999), pool + users)
    ixs = [cb.set_compute_unit_limit(400_000), cb.set_compute_unit_price(25_000)] + swaps
    return payer, ixs, table, Hash.from_bytes(bytes(address(77)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--batch", type=int, default=50)
    a = ap.parse_args()
    payer, ixs, table, blockhash = shape()
    msg = MessageV0.try_compile(payer.pubkey(), ixs, [table], blockhash)
    msg_bytes = bytes(to_bytes_versioned(msg))
    size = len(bytes(VersionedTransaction(msg, [payer])))
    sign, full = [], []
    for _ in range(a.rounds):
        t0 = time.perf_counter_ns()
        for _ in range(a.batch):
            payer.sign_message(msg_bytes)
        t1 = time.perf_counter_ns()
        for _ in range(a.batch):
            m = MessageV0.try_compile(payer.pubkey(), ixs, [table], blockhash)
            bytes(VersionedTransaction(m, [payer]))
        t2 = time.perf_counter_ns()
        sign.append((t1 - t0) / a.batch)
        full.append((t2 - t1) / a.batch)
    print(json.dumps({"sign_ns": statistics.median(sign), "full_ns": statistics.median(full), "size": size}))


if __name__ == "__main__":
    main()
