"""The simulated cluster (`solarb localnet`) against LiteSVM (the real Solana runtime, from solders).

Each scenario's transaction is built and signed by solders (an independent client), sent to LiteSVM and, over
JSON-RPC on loopback, to `solarb localnet`; both must agree on the outcome (success, or the same TransactionError)
and on the balances afterwards. Uses the conformance venv (solders==0.29.0).
"""

import base64
import json
import os
import re
import subprocess
import time
import urllib.request

import pytest
from solders.compute_budget import set_compute_unit_limit, set_compute_unit_price
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.message import MessageV0
from solders.pubkey import Pubkey
from solders.system_program import CreateAccountParams, TransferParams, create_account, transfer
from solders.transaction import VersionedTransaction
from solders.transaction_metadata import FailedTransactionMetadata

TOKEN = Pubkey.from_string("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
ATA = Pubkey.from_string("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL")
SYSTEM = Pubkey.from_string("11111111111111111111111111111111")
MEMO = Pubkey.from_string("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr")
FUND = 1_000 * 10**9


def canonical_solders(err):
    """solders' TransactionError text → InstructionError(1,Custom(1)) / InsufficientFundsForRent(1) / Name."""
    s = re.sub(r"\s+", "", str(err))
    m = re.fullmatch(r"TransactionErrorInstructionError\(\((\d+),Fieldless\((\w+)\)\)\)", s)
    if m:
        return f"InstructionError({m[1]},{m[2]})"
    m = re.fullmatch(r"TransactionErrorInstructionError\(\((\d+),Tagged\(InstructionErrorCustom\((\d+)\)\)\)\)", s)
    if m:
        return f"InstructionError({m[1]},Custom({m[2]}))"
    m = re.fullmatch(r"TransactionErrorInsufficientFundsForRent\{account_index:(\d+)\}", s)
    if m:
        return f"InsufficientFundsForRent({m[1]})"
    m = re.fullmatch(r"TransactionErrorFieldless[.(](\w+)\)?", s) or re.fullmatch(r"(?:TransactionError)?(\w+)", s)
    return m[1] if m else s


def canonical_rpc(err):
    """The JSON-RPC err value → the same canonical text."""
    if err is None:
        return None
    if isinstance(err, str):
        return err
    if "InstructionError" in err:
        i, e = err["InstructionError"]
        return f"InstructionError({i},Custom({e['Custom']}))" if isinstance(e, dict) else f"InstructionError({i},{e})"
    if "InsufficientFundsForRent" in err:
        return f"InsufficientFundsForRent({err['InsufficientFundsForRent']['account_index']})"
    return json.dumps(err, sort_keys=True)


class Localnet:
    def __init__(self, binary, tmp_path):
        keyfile = tmp_path / "payer.json"
        self.proc = subprocess.Popen(
            [binary, "localnet", "--rpc-port", "0", "--ws-port", "0", "--slot-ms", "10", "--keypair", str(keyfile),
             "--no-market"],
            stdout=subprocess.PIPE, text=True)
        self.url = None
        for line in self.proc.stdout:
            if "JSON-RPC:" in line:
                self.url = line.split()[-1]
            if "funded keypair:" in line:
                break
        assert self.url, "localnet did not print its endpoint"
        self.payer = Keypair.from_bytes(bytes(json.loads(keyfile.read_text())))

    def rpc(self, method, params=()):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
        req = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def blockhash(self):
        from solders.hash import Hash
        return Hash.from_string(self.rpc("getLatestBlockhash")["result"]["value"]["blockhash"])

    def send(self, tx):
        raw = base64.b64encode(bytes(tx)).decode()
        out = self.rpc("sendTransaction", [raw, {"encoding": "base64", "skipPreflight": True}])
        assert "result" in out, out
        sig = out["result"]
        for _ in range(500):
            st = self.rpc("getSignatureStatuses", [[sig]])["result"]["value"][0]
            if st is not None:
                tx = self.rpc("getTransaction", [sig, {"encoding": "base64", "maxSupportedTransactionVersion": 0}])
                self.last_logs = tx["result"]["meta"]["logMessages"]
                return canonical_rpc(st["err"])
            time.sleep(0.01)
        raise AssertionError(f"{sig} never landed")

    def balance(self, key):
        return self.rpc("getBalance", [str(key)])["result"]["value"]

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


@pytest.fixture
def both(tmp_path):
    binary = os.environ.get("SOLARB_BIN", ".build/debug/solarb")
    net = Localnet(binary, tmp_path)
    svm = LiteSVM()
    svm.airdrop(net.payer.pubkey(), FUND)
    yield net, svm
    net.close()


def run(net, svm, ixs, signers=()):
    """Sends the same instructions to both; returns (litesvm outcome, localnet outcome)."""
    payer = net.payer
    keys = [payer, *signers]
    tx_svm = VersionedTransaction(MessageV0.try_compile(payer.pubkey(), ixs, [], svm.latest_blockhash()), keys)
    r = svm.send_transaction(tx_svm)
    failed = isinstance(r, FailedTransactionMetadata)
    ours_svm = canonical_solders(r.err()) if failed else None
    run.last_svm_logs = list((r.meta() if failed else r).logs())
    svm.expire_blockhash()
    tx_net = VersionedTransaction(MessageV0.try_compile(payer.pubkey(), ixs, [], net.blockhash()), keys)
    return ours_svm, net.send(tx_net)


def token_amount_svm(svm, key):
    return int.from_bytes(bytes(svm.get_account(key).data)[64:72], "little")


def token_amount_net(net, key):
    v = net.rpc("getTokenAccountBalance", [str(key)])["result"]["value"]
    return int(v["amount"])


SYSTEM_CASES = {
    "transfer": lambda p, to: [transfer(TransferParams(from_pubkey=p, to_pubkey=to, lamports=10**9))],
    "below rent exemption": lambda p, to: [transfer(TransferParams(from_pubkey=p, to_pubkey=to, lamports=1000))],
    "insufficient lamports": lambda p, to: [transfer(TransferParams(from_pubkey=p, to_pubkey=to, lamports=10**15))],
    "limit 200: transfer exceeds": lambda p, to: [
        set_compute_unit_limit(200), transfer(TransferParams(from_pubkey=p, to_pubkey=to, lamports=10**9))],
    "limit 100: budget ix exceeds": lambda p, to: [
        set_compute_unit_limit(100), transfer(TransferParams(from_pubkey=p, to_pubkey=to, lamports=10**9))],
    "limit 300 + price: transfer exceeds": lambda p, to: [
        set_compute_unit_limit(300), set_compute_unit_price(7_000_000),
        transfer(TransferParams(from_pubkey=p, to_pubkey=to, lamports=10**9))],
    "memo": lambda p, to: [Instruction(MEMO, b"gm", [])],
}


def test_system_and_compute_budget_agree(both):
    net, svm = both
    outcomes = {}
    for name, make in SYSTEM_CASES.items():
        to = Keypair().pubkey()
        a, b = run(net, svm, make(net.payer.pubkey(), to))
        outcomes[name] = (a, b)
        assert a == b, f"{name}: LiteSVM {a}, localnet {b}"
        if name != "memo":  # builtins only: BPF programs log their (different) compute-unit counts
            assert run.last_svm_logs == net.last_logs, f"{name}: logs differ"
        assert (svm.get_balance(to) or 0) == net.balance(to), name
        assert svm.get_balance(net.payer.pubkey()) == net.balance(net.payer.pubkey()), f"{name}: fee payer differs"
    assert outcomes["transfer"] == (None, None)
    assert outcomes["limit 100: budget ix exceeds"][0] == "InstructionError(0,ComputationalBudgetExceeded)"
    print("\n" + "\n".join(f"{k:32} {v[0]}" for k, v in outcomes.items()))


def test_spl_token_flow_agrees(both):
    net, svm = both
    p = net.payer.pubkey()
    mint = Keypair()
    rent = net.rpc("getMinimumBalanceForRentExemption", [82])["result"]
    assert rent == svm.minimum_balance_for_rent_exemption(82)
    init_mint = Instruction(TOKEN, bytes([20, 6]) + bytes(p) + bytes([0]), [])
    from solders.instruction import AccountMeta
    init_mint.accounts = [AccountMeta(mint.pubkey(), False, True)]
    ata = Pubkey.find_program_address([bytes(p), bytes(TOKEN), bytes(mint.pubkey())], ATA)[0]
    bob = Keypair().pubkey()
    bob_ata = Pubkey.find_program_address([bytes(bob), bytes(TOKEN), bytes(mint.pubkey())], ATA)[0]

    def create_ata(wallet, address, tag):
        return Instruction(ATA, bytes([tag]), [
            AccountMeta(p, True, True), AccountMeta(address, False, True), AccountMeta(wallet, False, False),
            AccountMeta(mint.pubkey(), False, False), AccountMeta(SYSTEM, False, False),
            AccountMeta(TOKEN, False, False)])

    def mint_to(dest, amount):
        return Instruction(TOKEN, bytes([7]) + amount.to_bytes(8, "little"), [
            AccountMeta(mint.pubkey(), False, True), AccountMeta(dest, False, True), AccountMeta(p, True, False)])

    def tok_transfer(src, dst, amount):
        return Instruction(TOKEN, bytes([3]) + amount.to_bytes(8, "little"), [
            AccountMeta(src, False, True), AccountMeta(dst, False, True), AccountMeta(p, True, False)])

    steps = [
        ("create mint", [create_account(CreateAccountParams(
            from_pubkey=p, to_pubkey=mint.pubkey(), lamports=rent, space=82, owner=TOKEN)), init_mint], [mint]),
        ("mint again (AlreadyInUse)", [init_mint], []),
        ("create ATAs + mint", [create_ata(p, ata, 0), create_ata(bob, bob_ata, 1), mint_to(ata, 1_000)], []),
        ("create existing ATA", [create_ata(bob, bob_ata, 0)], []),
        ("transfer", [tok_transfer(ata, bob_ata, 400)], []),
        ("transfer too much", [tok_transfer(ata, bob_ata, 601)], []),
        ("bob's account, wrong owner", [tok_transfer(bob_ata, ata, 1)], []),
    ]
    for name, ixs, signers in steps:
        a, b = run(net, svm, ixs, signers)
        print(f"{name:30} LiteSVM {a}  localnet {b}")
        assert a == b, f"{name}: LiteSVM {a}, localnet {b}"
        assert svm.get_balance(p) == net.balance(p), f"{name}: fee payer differs"
    assert token_amount_svm(svm, ata) == token_amount_net(net, ata) == 600
    assert token_amount_svm(svm, bob_ata) == token_amount_net(net, bob_ata) == 400


def test_durable_nonce_agrees(both):
    from solders.hash import Hash
    from solders.system_program import AdvanceNonceAccountParams, advance_nonce_account, create_nonce_account

    net, svm = both
    p = net.payer.pubkey()
    nonce = Keypair()
    rent = svm.minimum_balance_for_rent_exemption(80)
    a, b = run(net, svm, list(create_nonce_account(p, nonce.pubkey(), p, rent)), [nonce])
    assert a == b == None, (a, b)
    svm.expire_blockhash()
    time.sleep(0.05)  # localnet: a few 10 ms slots, so the stored nonce is no longer the current one

    def stored(data):
        return Hash(bytes(data)[40:72])

    svm_nonce = stored(svm.get_account(nonce.pubkey()).data)
    info = net.rpc("getAccountInfo", [str(nonce.pubkey()), {"encoding": "base64"}])["result"]["value"]
    net_nonce = stored(base64.b64decode(info["data"][0]))
    to = Keypair().pubkey()
    ixs = [
        advance_nonce_account(AdvanceNonceAccountParams(nonce_pubkey=nonce.pubkey(), authorized_pubkey=p)),
        transfer(TransferParams(from_pubkey=p, to_pubkey=to, lamports=10**9)),
    ]
    tx_svm = VersionedTransaction(MessageV0.try_compile(p, ixs, [], svm_nonce), [net.payer])
    r = svm.send_transaction(tx_svm)
    assert not isinstance(r, FailedTransactionMetadata), str(r)
    tx_net = VersionedTransaction(MessageV0.try_compile(p, ixs, [], net_nonce), [net.payer])
    assert net.send(tx_net) is None
    assert svm.get_balance(to) == net.balance(to) == 10**9
    assert svm.get_balance(p) == net.balance(p)
    # The nonce moved on in both; the used value is refused by both.
    assert stored(svm.get_account(nonce.pubkey()).data) != svm_nonce
    svm.expire_blockhash()
    replay_ixs = [ixs[0], transfer(TransferParams(from_pubkey=p, to_pubkey=to, lamports=10**9 + 1))]
    r = svm.send_transaction(VersionedTransaction(MessageV0.try_compile(p, replay_ixs, [], svm_nonce), [net.payer]))
    assert isinstance(r, FailedTransactionMetadata)
    raw = base64.b64encode(bytes(VersionedTransaction(
        MessageV0.try_compile(p, replay_ixs, [], net_nonce), [net.payer]))).decode()
    out = net.rpc("sendTransaction", [raw, {"encoding": "base64"}])
    assert out["error"]["code"] == -32002
    assert canonical_rpc(out["error"]["data"]["err"]) == canonical_solders(r.err()) == "BlockhashNotFound"


def test_v0_through_lookup_table_agrees(both):
    """Create + extend a table, then a v0 transfer to addresses loaded from it: same outcome in both; using an
    entry in the slot that added it is refused by both."""
    from solders.address_lookup_table_account import AddressLookupTableAccount, derive_lookup_table_address
    from solders.hash import Hash
    from solders.instruction import AccountMeta

    net, svm = both
    p = net.payer.pubkey()
    ALT = Pubkey.from_string("AddressLookupTab1e1111111111111111111111111")
    svm.warp_to_slot(10)
    svm.set_slot_hashes([(9, Hash.default())])
    time.sleep(0.03)
    recent = {"svm": 9, "net": net.rpc("getSlot")["result"] - 1}
    recipients = [Keypair().pubkey() for _ in range(3)]
    tables = {}
    for side, slot in recent.items():
        table, bump = derive_lookup_table_address(p, slot)
        tables[side] = table
        create = Instruction(ALT, (0).to_bytes(4, "little") + slot.to_bytes(8, "little") + bytes([bump]), [
            AccountMeta(table, False, True), AccountMeta(p, False, False), AccountMeta(p, True, True),
            AccountMeta(SYSTEM, False, False)])
        extend = Instruction(
            ALT, (2).to_bytes(4, "little") + len(recipients).to_bytes(8, "little") + b"".join(map(bytes, recipients)),
            [AccountMeta(table, False, True), AccountMeta(p, True, False), AccountMeta(p, True, True),
             AccountMeta(SYSTEM, False, False)])
        keys = [net.payer]
        if side == "svm":
            r = svm.send_transaction(VersionedTransaction(
                MessageV0.try_compile(p, [create, extend], [], svm.latest_blockhash()), keys))
            assert not isinstance(r, FailedTransactionMetadata), str(r)
        else:
            assert net.send(VersionedTransaction(
                MessageV0.try_compile(p, [create, extend], [], net.blockhash()), keys)) is None

    def v0(side, blockhash):
        account = AddressLookupTableAccount(tables[side], recipients)
        ixs = [transfer(TransferParams(from_pubkey=p, to_pubkey=r, lamports=10**9)) for r in recipients]
        msg = MessageV0.try_compile(p, ixs, [account], blockhash)
        assert len(msg.address_table_lookups) == 1
        return VersionedTransaction(msg, [net.payer])

    # LiteSVM: still slot 10, the slot of the extension → the entries are not active yet.
    svm.expire_blockhash()
    early = svm.send_transaction(v0("svm", svm.latest_blockhash()))
    assert isinstance(early, FailedTransactionMetadata)
    assert canonical_solders(early.err()) == "InvalidAddressLookupTableIndex"
    svm.warp_to_slot(11)
    svm.expire_blockhash()
    r = svm.send_transaction(v0("svm", svm.latest_blockhash()))
    assert not isinstance(r, FailedTransactionMetadata), str(r)
    assert net.send(v0("net", net.blockhash())) is None
    for to in recipients:
        assert svm.get_balance(to) == net.balance(to) == 10**9
    assert svm.get_balance(p) == net.balance(p)
