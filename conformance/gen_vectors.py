"""Differential vectors from solders (the Solana SDK's Rust types, via PyPI) for SolArb's Swift primitives.

Usage: python gen_vectors.py --seed 1 --count 2500 --out cases.json

Every case states its inputs and what solders produced. The Swift side (`solarb-conformance check FILE`)
recomputes each from the inputs and must produce identical bytes, and must parse solders' serialized bytes.
Nothing here re-implements Solana rules: every expected value comes from a solders call.
"""

import argparse
import json
import random

import base58

import solders.compute_budget as cb
import solders.system_program as sp
from solders.address_lookup_table_account import AddressLookupTableAccount
from solders.hash import Hash
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.message import Message, MessageV0, to_bytes_versioned
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.token.associated import get_associated_token_address
from solders.transaction import VersionedTransaction

TOKEN = Pubkey.from_string("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
TOKEN_2022 = Pubkey.from_string("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb")


def rbytes(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def keypair(rng):
    return Keypair.from_seed(rbytes(rng, 32))


def ix_json(ix):
    return {
        "program": str(ix.program_id),
        "accounts": [[str(a.pubkey), a.is_signer, a.is_writable] for a in ix.accounts],
        "data": bytes(ix.data).hex(),
    }


def case_base58(rng):
    n = rng.choice([0, 1, 2, 5, 31, 32, 32, 32, 33, 64, 64])
    raw = rbytes(rng, n)
    if n and rng.random() < 0.3:  # leading zeros are the classic base58 edge case
        raw = bytes(rng.randint(1, min(4, n))) + raw[: n - 1]
        raw = raw[:n]
    # solders speaks base58 for 32-byte keys and 64-byte signatures; other lengths use the independent
    # `base58` package from PyPI.
    if n == 32:
        expected = str(Pubkey.from_bytes(raw))
    elif n == 64:
        expected = str(Signature.from_bytes(raw))
    else:
        expected = base58.b58encode(raw).decode()
    return {"kind": "base58", "bytes": raw.hex(), "expected": expected}


def case_oncurve(rng):
    raw = bytes(Keypair.from_seed(rbytes(rng, 32)).pubkey()) if rng.random() < 0.3 else rbytes(rng, 32)
    return {"kind": "oncurve", "bytes": raw.hex(), "expected": Pubkey.from_bytes(raw).is_on_curve()}


def random_seeds(rng):
    return [rbytes(rng, rng.choice([0, 1, 8, 20, 32])) for _ in range(rng.randint(0, 4))]


def case_pda(rng):
    seeds = random_seeds(rng)
    program = Pubkey.from_bytes(rbytes(rng, 32))
    out = {"kind": "pda", "seeds": [s.hex() for s in seeds], "program": str(program)}
    try:
        out["create"] = str(Pubkey.create_program_address(seeds, program))
    except Exception:
        out["create"] = None
    addr, bump = Pubkey.find_program_address(seeds, program)
    out["find"] = str(addr)
    out["bump"] = bump
    return out


def case_ata(rng):
    wallet = Pubkey.from_bytes(rbytes(rng, 32))
    mint = Pubkey.from_bytes(rbytes(rng, 32))
    program = rng.choice([TOKEN, TOKEN_2022])
    return {
        "kind": "ata",
        "wallet": str(wallet),
        "mint": str(mint),
        "token_program": str(program),
        "expected": str(get_associated_token_address(wallet, mint, program)),
    }


def case_signature(rng):
    kp = keypair(rng)
    msg = rbytes(rng, rng.randint(0, 300))
    return {
        "kind": "signature",
        "seed": bytes(kp.secret()).hex(),
        "message": msg.hex(),
        "pubkey": str(kp.pubkey()),
        "expected": bytes(kp.sign_message(msg)).hex(),
    }


def case_builder(rng):
    k = lambda: Pubkey.from_bytes(rbytes(rng, 32))  # noqa: E731
    u64 = lambda: rng.choice([0, 1, 5000, 2**32, 2**64 - 1, rng.getrandbits(64)])  # noqa: E731
    u32 = lambda: rng.choice([0, 1, 200_000, 1_400_000, 2**32 - 1, rng.getrandbits(32)])  # noqa: E731
    which = rng.choice(
        [
            "transfer", "create_account", "advance_nonce", "withdraw_nonce", "initialize_nonce",
            "cu_limit", "cu_price", "heap_frame", "loaded_data_limit",
            "alt_create", "alt_extend", "alt_extend_nopayer", "alt_freeze", "alt_deactivate", "alt_close",
        ]
    )
    args = {}
    if which == "transfer":
        a, b, lam = k(), k(), u64()
        args = {"from": str(a), "to": str(b), "lamports": lam}
        ix = sp.transfer(sp.TransferParams(from_pubkey=a, to_pubkey=b, lamports=lam))
    elif which == "create_account":
        a, b, o, lam, space = k(), k(), k(), u64(), rng.randint(0, 10_000_000)
        args = {"from": str(a), "new": str(b), "owner": str(o), "lamports": lam, "space": space}
        ix = sp.create_account(sp.CreateAccountParams(from_pubkey=a, to_pubkey=b, lamports=lam, space=space, owner=o))
    elif which == "advance_nonce":
        n, auth = k(), k()
        args = {"nonce": str(n), "authority": str(auth)}
        ix = sp.advance_nonce_account(sp.AdvanceNonceAccountParams(nonce_pubkey=n, authorized_pubkey=auth))
    elif which == "withdraw_nonce":
        n, auth, to, lam = k(), k(), k(), u64()
        args = {"nonce": str(n), "authority": str(auth), "to": str(to), "lamports": lam}
        ix = sp.withdraw_nonce_account(
            sp.WithdrawNonceAccountParams(nonce_pubkey=n, authorized_pubkey=auth, to_pubkey=to, lamports=lam)
        )
    elif which == "initialize_nonce":
        n, auth = k(), k()
        args = {"nonce": str(n), "authority": str(auth)}
        ix = sp.initialize_nonce_account(sp.InitializeNonceAccountParams(nonce_pubkey=n, authority=auth))
    elif which == "cu_limit":
        v = u32()
        args = {"value": v}
        ix = cb.set_compute_unit_limit(v)
    elif which == "cu_price":
        v = u64()
        args = {"value": v}
        ix = cb.set_compute_unit_price(v)
    elif which == "heap_frame":
        v = u32()
        args = {"value": v}
        ix = cb.request_heap_frame(v)
    elif which == "loaded_data_limit":
        v = u32()
        args = {"value": v}
        ix = cb.set_loaded_accounts_data_size_limit(v)
    elif which == "alt_create":
        auth, payer, slot = k(), k(), rng.getrandbits(40)
        args = {"authority": str(auth), "payer": str(payer), "slot": slot}
        ix, table = sp.create_lookup_table(
            sp.CreateLookupTableParams(authority_address=auth, payer_address=payer, recent_slot=slot)
        )
        args["expected_table"] = str(table)
    elif which in ("alt_extend", "alt_extend_nopayer"):
        t, auth = k(), k()
        payer = k() if which == "alt_extend" else None
        addrs = [k() for _ in range(rng.randint(0, 20))]
        args = {"table": str(t), "authority": str(auth), "payer": str(payer) if payer else None,
                "addresses": [str(a) for a in addrs]}
        ix = sp.extend_lookup_table(
            sp.ExtendLookupTableParams(lookup_table_address=t, authority_address=auth, payer_address=payer,
                                       new_addresses=addrs)
        )
    elif which == "alt_freeze":
        t, auth = k(), k()
        args = {"table": str(t), "authority": str(auth)}
        ix = sp.freeze_lookup_table(sp.FreezeLookupTableParams(lookup_table_address=t, authority_address=auth))
    elif which == "alt_deactivate":
        t, auth = k(), k()
        args = {"table": str(t), "authority": str(auth)}
        ix = sp.deactivate_lookup_table(
            sp.DeactivateLookupTableParams(lookup_table_address=t, authority_address=auth)
        )
    else:
        t, auth, rcpt = k(), k(), k()
        args = {"table": str(t), "authority": str(auth), "recipient": str(rcpt)}
        ix = sp.close_lookup_table(
            sp.CloseLookupTableParams(lookup_table_address=t, authority_address=auth, recipient_address=rcpt)
        )
    return {"kind": "builder", "builder": which, "args": args, "expected": ix_json(ix)}


def case_message(rng, version):
    signers = [keypair(rng) for _ in range(rng.randint(1, 4))]
    payer = signers[0]
    plain = [Pubkey.from_bytes(rbytes(rng, 32)) for _ in range(rng.randint(2, 24))]
    programs = [Pubkey.from_bytes(rbytes(rng, 32)) for _ in range(rng.randint(1, 4))]
    signer_keys = [s.pubkey() for s in signers]
    instructions = []
    used_signers = {payer.pubkey()}
    for _ in range(rng.randint(0, 6)):
        program = rng.choice(programs)
        metas = []
        for _ in range(rng.randint(0, 8)):
            r = rng.random()
            if r < 0.25:
                key = rng.choice(signer_keys)
                is_signer = rng.random() < 0.8
                if is_signer:
                    used_signers.add(key)
            elif r < 0.30:
                key = rng.choice(programs)  # a program also passed as an account
                is_signer = False
            else:
                key = rng.choice(plain)
                is_signer = False
            metas.append(AccountMeta(key, is_signer, rng.random() < 0.5))
        data = rbytes(rng, rng.choice([0, 1, 8, 17, 40]))
        instructions.append(Instruction(program, data, metas))
    blockhash = Hash.from_bytes(rbytes(rng, 32))
    # solders needs exactly the required signers: the payer plus keys flagged as signers.
    required = [s for s in signers if s.pubkey() in used_signers]
    tables = []
    if version == 0:
        for _ in range(rng.randint(0, 3)):
            pool = plain + programs + signer_keys
            addrs = [rng.choice(pool) for _ in range(rng.randint(0, 30))]
            if rng.random() < 0.2 and addrs:
                addrs.append(addrs[0])  # duplicates: the first index must win
            tables.append(AddressLookupTableAccount(Pubkey.from_bytes(rbytes(rng, 32)), addrs))
    out = {
        "kind": "message",
        "version": version,
        "payer": str(payer.pubkey()),
        "blockhash": str(blockhash),
        "instructions": [ix_json(ix) for ix in instructions],
        "tables": [{"key": str(t.key), "addresses": [str(a) for a in t.addresses]} for t in tables],
        "signers": [bytes(s.secret()).hex() for s in required],
    }
    try:
        if version == 0:
            msg = MessageV0.try_compile(payer.pubkey(), instructions, tables, blockhash)
        else:
            msg = Message.new_with_blockhash(instructions, payer.pubkey(), blockhash)
        tx = VersionedTransaction(msg, required)
        out["expected_message"] = bytes(to_bytes_versioned(msg)).hex()  # with the 0x80 prefix for v0
        out["expected_tx"] = bytes(tx).hex()
    except Exception as e:  # noqa: BLE001 - any compile error is an expected error for Swift too
        out["expected_error"] = type(e).__name__ + ": " + str(e)[:200]
    return out


def case_sanitize(rng):
    """A valid solders transaction, then a random corruption; solders' sanitize() is the oracle."""
    base = case_message(rng, rng.choice(["legacy", 0]))
    if "expected_tx" not in base:
        return base
    raw = bytearray(bytes.fromhex(base["expected_tx"]))
    nsig = raw[0]
    off = 1 + 64 * nsig
    if raw[off] & 0x80:
        off += 1
    choice = rng.random()
    if choice < 0.4:
        raw[off + rng.randint(0, 2)] = rng.randint(0, 6)  # header counts
    else:
        # flip a byte somewhere in the message body (indexes, counts, data)
        pos = rng.randint(off, len(raw) - 1)
        raw[pos] = rng.getrandbits(8)
    out = {"kind": "sanitize", "tx": bytes(raw).hex()}
    try:
        tx = VersionedTransaction.from_bytes(bytes(raw))
    except Exception:
        out["parses"] = False
        return out
    out["parses"] = True
    try:
        tx.sanitize()
        out["sanitizes"] = True
    except Exception:
        out["sanitizes"] = False
    return out


def case_overflow(rng):
    """v0 compile errors solders reports: a table index above 255, or more than 256 accounts."""
    payer = keypair(rng)
    program = Pubkey.from_bytes(rbytes(rng, 32))
    blockhash = Hash.from_bytes(rbytes(rng, 32))
    if rng.random() < 0.5:
        keys = [Pubkey.from_bytes(rbytes(rng, 32)) for _ in range(rng.randint(257, 270))]
        tables = []
    else:
        keys = [Pubkey.from_bytes(rbytes(rng, 32)) for _ in range(3)]
        filler = [Pubkey.from_bytes(rbytes(rng, 32)) for _ in range(rng.randint(250, 300))]
        tables = [AddressLookupTableAccount(Pubkey.from_bytes(rbytes(rng, 32)), filler + keys)]
    ix = Instruction(program, b"", [AccountMeta(k, False, rng.random() < 0.5) for k in keys])
    out = {
        "kind": "message", "version": 0, "payer": str(payer.pubkey()), "blockhash": str(blockhash),
        "instructions": [ix_json(ix)],
        "tables": [{"key": str(t.key), "addresses": [str(a) for a in t.addresses]} for t in tables],
        "signers": [bytes(payer.secret()).hex()],
    }
    try:
        msg = MessageV0.try_compile(payer.pubkey(), [ix], tables, blockhash)
        tx = VersionedTransaction(msg, [payer])
        out["expected_message"] = bytes(to_bytes_versioned(msg)).hex()
        out["expected_tx"] = bytes(tx).hex()
    except Exception as e:  # noqa: BLE001
        out["expected_error"] = type(e).__name__ + ": " + str(e)[:200]
    return out


GENERATORS = [
    (case_overflow, 1),
    (case_base58, 10),
    (case_oncurve, 10),
    (case_pda, 10),
    (case_ata, 8),
    (case_signature, 6),
    (case_builder, 14),
    (lambda r: case_message(r, "legacy"), 14),
    (lambda r: case_message(r, 0), 20),
    (case_sanitize, 8),
]


def generate(seed, count):
    rng = random.Random(seed)
    weights = [w for _, w in GENERATORS]
    cases = []
    for _ in range(count):
        gen = rng.choices([g for g, _ in GENERATORS], weights)[0]
        cases.append(gen(rng))
    return {"generator": "conformance/gen_vectors.py", "solders": "0.29.0", "seed": seed, "cases": cases}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=2500)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    with open(a.out, "w") as f:
        json.dump(generate(a.seed, a.count), f, indent=None, separators=(",", ":"))


if __name__ == "__main__":
    main()
