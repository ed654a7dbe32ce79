"""Transactions built and signed by SolArb's Swift code, executed in LiteSVM (a real Solana runtime, from solders).

Every transaction below comes out of `solarb-conformance build` (SolArb's instruction builders, v0/legacy
compiler and Ed25519 signer); Python only drives the runtime and checks balances.
"""

import base64
import json
import subprocess

import pytest
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey
from solders.transaction import VersionedTransaction
from solders.transaction_metadata import FailedTransactionMetadata

TOKEN = Pubkey.from_string("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")


def write_keypair(path, kp):
    path.write_text(json.dumps(list(bytes(kp))))
    path.chmod(0o600)
    return str(path)


class Harness:
    def __init__(self, tool, tmp_path):
        self.tool = tool
        self.tmp = tmp_path
        self.svm = LiteSVM()
        self.payer = Keypair()
        self.payer_file = write_keypair(tmp_path / "payer.json", self.payer)
        self.svm.airdrop(self.payer.pubkey(), 100 * 10**9)

    def keyfile(self, kp, name):
        return write_keypair(self.tmp / f"{name}.json", kp)

    def build(self, instructions, signers=(), version=0, tables=(), nonce_data=None):
        recipe = {
            "payer": self.payer_file,
            "signers": list(signers),
            "version": version,
            "instructions": instructions,
            "tables": [
                {"key": str(t), "data": base64.b64encode(bytes(self.svm.get_account(t).data)).decode()} for t in tables
            ],
        }
        if nonce_data is not None:
            recipe["nonce_account_data"] = base64.b64encode(nonce_data).decode()
        else:
            recipe["blockhash"] = str(self.svm.latest_blockhash())
        out = subprocess.run([str(self.tool), "build"], input=json.dumps(recipe), capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        result = json.loads(out.stdout)
        result["raw"] = base64.b64decode(result["tx"])
        return result

    def send(self, raw):
        return self.svm.send_transaction(VersionedTransaction.from_bytes(raw))

    def token_amount(self, address):
        acct = self.svm.get_account(Pubkey.from_string(address) if isinstance(address, str) else address)
        return int.from_bytes(bytes(acct.data)[64:72], "little")


@pytest.fixture
def h(swift_tool, tmp_path):
    return Harness(swift_tool, tmp_path)


def ok(result):
    assert not isinstance(result, FailedTransactionMetadata), str(result)
    return result


def failed(result):
    assert isinstance(result, FailedTransactionMetadata), "expected a failure, the transaction succeeded"
    return result


def setup_mint(h, decimals=6, amount=1_000_000_000):
    mint = Keypair()
    recipient = Keypair()
    rent = h.svm.minimum_balance_for_rent_exemption(82)
    r = h.build(
        [
            {"op": "system.createAccount", "new": str(mint.pubkey()), "lamports": rent, "space": 82, "owner": str(TOKEN)},
            {"op": "token.initializeMint2", "mint": str(mint.pubkey()), "decimals": decimals},
            {"op": "ata.create", "wallet": str(h.payer.pubkey()), "mint": str(mint.pubkey())},
            {"op": "ata.createIdempotent", "wallet": str(recipient.pubkey()), "mint": str(mint.pubkey())},
            {"op": "token.mintTo", "mint": str(mint.pubkey()), "amount": amount},
        ],
        signers=[h.keyfile(mint, "mint")],
        version="legacy",
    )
    ok(h.send(r["raw"]))
    payer_ata = r["outputs"]["payer_ata"]
    recipient_ata = r["outputs"][f"ata_{recipient.pubkey()}"]
    assert h.token_amount(payer_ata) == amount
    assert h.token_amount(recipient_ata) == 0
    return mint, recipient, payer_ata, recipient_ata


def setup_table(h, addresses):
    slot = h.svm.get_clock().slot
    r = h.build([{"op": "alt.create", "recent_slot": slot}])
    ok(h.send(r["raw"]))
    table = Pubkey.from_string(r["outputs"]["table"])
    r = h.build([{"op": "alt.extend", "table": str(table), "addresses": [str(a) for a in addresses]}])
    ok(h.send(r["raw"]))
    # Addresses extended in slot S are usable from slot S+1.
    h.svm.warp_to_slot(slot + 1)
    h.svm.expire_blockhash()
    return table


def test_v0_transaction_through_a_lookup_table_lands(h):
    mint, recipient, payer_ata, recipient_ata = setup_mint(h)
    table = setup_table(h, [mint.pubkey(), Pubkey.from_string(payer_ata), Pubkey.from_string(recipient_ata), TOKEN])
    r = h.build(
        [
            {"op": "computeBudget.limit", "units": 60_000},
            {"op": "computeBudget.price", "micro_lamports": 1_000},
            {"op": "token.transferChecked", "mint": str(mint.pubkey()), "to_wallet": str(recipient.pubkey()),
             "amount": 123_456, "decimals": 6},
            {"op": "memo", "text": "solarb conformance"},
        ],
        tables=[table],
    )
    tx = VersionedTransaction.from_bytes(r["raw"])
    lookups = tx.message.address_table_lookups
    assert len(lookups) == 1 and lookups[0].account_key == table
    assert len(lookups[0].writable_indexes) == 2 and len(lookups[0].readonly_indexes) == 1  # 2 ATAs, the mint
    before = h.svm.get_balance(h.payer.pubkey())
    meta = ok(h.send(r["raw"]))
    assert h.token_amount(payer_ata) == 1_000_000_000 - 123_456
    assert h.token_amount(recipient_ata) == 123_456
    # fee = 5000 per signature + ceil(60_000 CU × 1_000 µlamports / 1e6) = 5000 + 60
    assert before - h.svm.get_balance(h.payer.pubkey()) == 5_060
    assert any("solarb conformance" in log for log in meta.logs())


def test_flipped_signature_byte_is_rejected(h):
    mint, recipient, payer_ata, _ = setup_mint(h)
    r = h.build([{"op": "token.transferChecked", "mint": str(mint.pubkey()), "to_wallet": str(recipient.pubkey()),
                  "amount": 1, "decimals": 6}])
    raw = bytearray(r["raw"])
    raw[1 + 17] ^= 0x01  # a byte inside the first signature
    res = failed(h.send(bytes(raw)))
    assert "SignatureFailure" in str(res.err())
    assert h.token_amount(payer_ata) == 1_000_000_000


def test_wrong_account_order_is_rejected(h):
    mint, recipient, payer_ata, _ = setup_mint(h)
    r = h.build([{"op": "token.transferChecked", "mint": str(mint.pubkey()), "to_wallet": str(recipient.pubkey()),
                  "amount": 1, "decimals": 6, "wrong_account_order": True}])
    res = failed(h.send(r["raw"]))
    assert "InstructionError" in str(res.err())
    assert h.token_amount(payer_ata) == 1_000_000_000


def test_durable_nonce_transaction_lands(h):
    nonce = Keypair()
    rent = h.svm.minimum_balance_for_rent_exemption(80)
    r = h.build([{"op": "system.createNonceAccount", "nonce": str(nonce.pubkey()), "lamports": rent}],
                signers=[h.keyfile(nonce, "nonce")], version="legacy")
    ok(h.send(r["raw"]))
    h.svm.warp_to_slot(h.svm.get_clock().slot + 1)  # a nonce cannot be advanced in the slot it was stored
    h.svm.expire_blockhash()
    stored = bytes(h.svm.get_account(nonce.pubkey()).data)
    dest = Keypair().pubkey()
    r = h.build(
        [{"op": "system.advanceNonce", "nonce": str(nonce.pubkey())},
         {"op": "system.transfer", "to": str(dest), "lamports": 1_000_000}],
        nonce_data=stored,
    )
    ok(h.send(r["raw"]))
    assert h.svm.get_balance(dest) == 1_000_000
    assert bytes(h.svm.get_account(nonce.pubkey()).data) != stored  # the nonce advanced


def test_wrapped_sol_account_lifecycle(h):
    """initializeAccount3 on the native mint, syncNative after a lamport transfer, token transfer, closeAccount."""
    native = "So11111111111111111111111111111111111111112"
    a, b = Keypair(), Keypair()
    rent = h.svm.minimum_balance_for_rent_exemption(165)
    r = h.build(
        [
            {"op": "system.createAccount", "new": str(a.pubkey()), "lamports": rent, "space": 165, "owner": str(TOKEN)},
            {"op": "token.initializeAccount3", "account": str(a.pubkey()), "mint": native},
            {"op": "system.createAccount", "new": str(b.pubkey()), "lamports": rent, "space": 165, "owner": str(TOKEN)},
            {"op": "token.initializeAccount3", "account": str(b.pubkey()), "mint": native},
            {"op": "system.transfer", "to": str(a.pubkey()), "lamports": 2_000_000},
            {"op": "token.syncNative", "account": str(a.pubkey())},
            {"op": "token.transfer", "source": str(a.pubkey()), "destination": str(b.pubkey()), "amount": 500_000},
        ],
        signers=[h.keyfile(a, "wsol_a"), h.keyfile(b, "wsol_b")],
    )
    ok(h.send(r["raw"]))
    assert h.token_amount(a.pubkey()) == 1_500_000
    assert h.token_amount(b.pubkey()) == 500_000
    before = h.svm.get_balance(h.payer.pubkey())
    h.svm.expire_blockhash()
    r = h.build([{"op": "token.closeAccount", "account": str(b.pubkey())}])
    ok(h.send(r["raw"]))
    assert h.svm.get_account(b.pubkey()) is None or h.svm.get_balance(b.pubkey()) == 0
    # closing returns the rent and the wrapped lamports to the payer (minus the 5000-lamport fee)
    assert h.svm.get_balance(h.payer.pubkey()) - before == rent + 500_000 - 5_000
