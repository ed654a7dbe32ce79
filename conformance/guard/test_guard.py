"""The profit guard in a real Solana runtime (LiteSVM from solders).

The program is the ELF written by `solarb guard build`; it is deployed with exactly the transactions Swift builds
(System CreateAccount + InitializeBuffer, Write chunks, CreateAccount + DeployWithMaxDataLen), never with
`add_program`, so the loader's deploy-time checks run on our bytes. The main fixture sends transactions Swift also
compiled and signed (`deploy-signed-json`); other tests wrap the Swift instructions (`deploy-plan-json`) in solders
transactions to inspect them.
"""

import base64
import json
import os

import pytest
from solders.account import Account
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.message import Message
from solders.pubkey import Pubkey
from solders.transaction import Transaction, VersionedTransaction
from solders.transaction_metadata import TransactionMetadata

from guard_cli import solarb_json

LOADER = Pubkey.from_string("BPFLoaderUpgradeab1e11111111111111111111111")
TOKEN = Pubkey.from_string("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
TOKEN_2022 = Pubkey.from_string("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb")
SYSTEM = Pubkey.from_string("11111111111111111111111111111111")
PACKET_DATA_SIZE = 1232

def ix_from_json(j) -> Instruction:
    metas = [AccountMeta(Pubkey.from_string(a["pubkey"]), a["isSigner"], a["isWritable"]) for a in j["accounts"]]
    return Instruction(Pubkey.from_string(j["programId"]), bytes.fromhex(j["data"]), metas)


def send(svm: LiteSVM, payer: Keypair, ixs, signers=None):
    bh = svm.latest_blockhash()
    tx = Transaction(signers or [payer], Message.new_with_blockhash(ixs, payer.pubkey(), bh), bh)
    res = svm.send_transaction(tx)
    svm.expire_blockhash()  # identical later transactions get a fresh blockhash, never AlreadyProcessed
    return res


def _get(obj, name):
    """solders exposes some fields as methods, some as attributes."""
    v = getattr(obj, name)
    return v() if callable(v) else v


def failed_index(res) -> int:
    return _get(res, "err").index


def custom_code(res) -> int | None:
    """0 for success, the Custom(code) of a failed instruction, or raises for any other failure."""
    if isinstance(res, TransactionMetadata):
        return 0
    err = _get(res, "err")
    inner = getattr(err, "err", None)
    code = getattr(inner, "code", None)
    if code is None:
        raise AssertionError(f"not a custom program error: {err}")
    return code


def compute_units(res) -> int:
    meta = res if isinstance(res, TransactionMetadata) else _get(res, "meta")
    return _get(meta, "compute_units_consumed")


def deploy(svm: LiteSVM, elf: bytes, tmp_path, payer: Keypair, authority: Keypair | None = None):
    """Deploys `elf` with the Swift deploy plan; returns (program id, plan)."""
    authority = authority or payer
    buffer, program = Keypair(), Keypair()
    program_data, _ = Pubkey.find_program_address([bytes(program.pubkey())], LOADER)
    path = tmp_path / "program.so"
    path.write_bytes(elf)
    plan = solarb_json(
        "guard", "deploy-plan-json", "--elf", str(path), "--payer", str(payer.pubkey()),
        "--program", str(program.pubkey()), "--buffer", str(buffer.pubkey()), "--authority", str(authority.pubkey()),
    )
    # Swift derives the programdata PDA itself; it must be the loader's PDA [program] as solders computes it
    assert plan[-1]["instructions"][1]["accounts"][1]["pubkey"] == str(program_data)
    keys = {str(k.pubkey()): k for k in (payer, authority, buffer, program)}
    for step in plan:
        bh = svm.latest_blockhash()
        ixs = [ix_from_json(i) for i in step["instructions"]]
        tx = Transaction([keys[s] for s in step["signers"]], Message.new_with_blockhash(ixs, payer.pubkey(), bh), bh)
        assert len(bytes(tx)) <= PACKET_DATA_SIZE, step["label"]
        res = svm.send_transaction(tx)
        if not isinstance(res, TransactionMetadata):
            return None, plan, (step["label"], res)
    svm.warp_to_slot(svm.get_clock().slot + 1)  # a deployed program becomes visible in the next slot
    return program.pubkey(), plan, None


def write_keypair(path, kp: Keypair) -> str:
    path.write_text(json.dumps(list(bytes(kp))))
    path.chmod(0o600)
    return str(path)


def deploy_signed_by_swift(svm: LiteSVM, elf: bytes, tmp_path, payer: Keypair):
    """Deploys `elf` with transactions Swift builds, compiles and signs end to end (`deploy-signed-json`): the same
    bytes `solarb guard deploy` will send. Returns the program id."""
    buffer, program = Keypair(), Keypair()
    (tmp_path / "program.so").write_bytes(elf)
    steps = solarb_json(
        "guard", "deploy-signed-json", "--elf", str(tmp_path / "program.so"),
        "--payer-keypair", write_keypair(tmp_path / "payer.json", payer),
        "--program-keypair", write_keypair(tmp_path / "program.json", program),
        "--buffer-keypair", write_keypair(tmp_path / "buffer.json", buffer),
        "--blockhash", str(svm.latest_blockhash()),
    )
    assert [s["label"] for s in steps][0] == "create buffer" and steps[-1]["label"] == "deploy"
    for step in steps:
        raw = base64.b64decode(step["tx"])
        assert len(raw) == step["size"] <= PACKET_DATA_SIZE
        tx = VersionedTransaction.from_bytes(raw)
        assert tx.verify_with_results() == [True] * len(tx.signatures)
        res = svm.send_transaction(tx)
        assert isinstance(res, TransactionMetadata), (step["label"], res)
    svm.warp_to_slot(svm.get_clock().slot + 1)
    return program.pubkey()


def token_account_data(mint: Pubkey, owner: Pubkey, amount: int) -> bytes:
    # SPL Token Account: mint, owner, amount, delegate COption<Pubkey>, state=Initialized, is_native COption<u64>,
    # delegated_amount, close_authority COption<Pubkey> — 165 bytes.
    data = bytes(mint) + bytes(owner) + amount.to_bytes(8, "little") + bytes(36) + bytes([1]) + bytes(12) + bytes(8)
    data += bytes(36)
    assert len(data) == 165
    return data


class World:
    def __init__(self, svm: LiteSVM, program: Pubkey, payer: Keypair):
        self.svm, self.program, self.payer = svm, program, payer
        self.mint = Pubkey.new_unique()
        self.accounts: dict[Pubkey, tuple[Pubkey, bytes]] = {}

    def account(self, amount=0, owner=TOKEN, data=None, wallet=None) -> Pubkey:
        key = Pubkey.new_unique()
        data = data if data is not None else token_account_data(self.mint, wallet or self.payer.pubkey(), amount)
        self.svm.set_account(key, Account(10**9, data, owner, False, 0))
        self.accounts[key] = (owner, data)
        return key

    def amount(self, key: Pubkey) -> int:
        return int.from_bytes(bytes(self.svm.get_account(key).data)[64:72], "little")

    def guard(self, keys, data: bytes) -> Instruction:
        return Instruction(self.program, data, [AccountMeta(k, False, False) for k in keys])

    def model_code(self, keys, data: bytes) -> int:
        """What the Swift native model (GuardModel, used by the simulated cluster) says for this case."""
        case = {
            "accounts": [
                {"address": str(k), "owner": str(self.accounts[k][0]), "data": self.accounts[k][1].hex()}
                for k in keys
            ],
            "data": data.hex(),
        }
        return solarb_json("guard", "model-json", stdin=json.dumps([case]))[0]


def u64s(*values: int) -> bytes:
    return b"".join(v.to_bytes(8, "little") for v in values)


FEATURES = {"default": lambda: LiteSVM(), "mainnet": lambda: LiteSVM().with_mainnet_features()}


@pytest.fixture(scope="module", params=sorted(FEATURES))
def world(request, guard_elf_v3, tmp_path_factory):
    svm = FEATURES[request.param]()
    payer = Keypair()
    svm.airdrop(payer.pubkey(), 100 * 10**9)
    program = deploy_signed_by_swift(svm, guard_elf_v3, tmp_path_factory.mktemp("deploy"), payer)
    w = World(svm, program, payer)
    w.features = request.param
    return w


# (name, setup) → setup(world) returns (keys, data, expected code)
def _ok_one(w):
    a = w.account(1000)
    return [a], u64s(1000), 0


def _ok_three(w):
    keys = [w.account(10), w.account(2**64 - 1), w.account(0)]
    return keys, u64s(10, 2**64 - 1, 0), 0


def _insufficient_one(w):
    return [w.account(999)], u64s(1000), 6000


def _insufficient_third(w):
    keys = [w.account(5), w.account(5), w.account(5)]
    return keys, u64s(5, 5, 6), 6002


def _no_accounts(w):
    return [], b"", 5000


def _more_minimums_than_accounts(w):
    return [w.account(5)], u64s(1, 1), 5000


def _fewer_minimums_than_accounts(w):
    return [w.account(5), w.account(5)], u64s(1), 5000


def _data_not_multiple_of_8(w):
    return [w.account(5)], u64s(1) + b"\x00\x00\x00\x00", 5001


def _data_empty(w):
    return [w.account(5)], b"", 5001


def _wrong_owner_system(w):
    return [w.account(5, owner=SYSTEM)], u64s(1), 7000


def _wrong_owner_token2022_second(w):
    return [w.account(5), w.account(5, owner=TOKEN_2022)], u64s(1, 1), 7001


def _data_length_166(w):
    return [w.account(owner=TOKEN, data=token_account_data(w.mint, w.payer.pubkey(), 5) + b"\x00")], u64s(1), 8000


def _data_length_82_mint_sized(w):
    return [w.account(5), w.account(owner=TOKEN, data=bytes(82))], u64s(1, 1), 8001


def _duplicate(w):
    a = w.account(5)
    return [a, a], u64s(1, 1), 9001


def _duplicate_third(w):
    a, b = w.account(5), w.account(5)
    return [a, b, a], u64s(1, 1, 1), 9002


CASES = {
    "ok: 1 account, amount == min": _ok_one,
    "ok: 3 accounts incl. u64::MAX and 0": _ok_three,
    "amount < min (account 0)": _insufficient_one,
    "amount < min (account 2)": _insufficient_third,
    "no accounts": _no_accounts,
    "more minimums than accounts": _more_minimums_than_accounts,
    "fewer minimums than accounts": _fewer_minimums_than_accounts,
    "data length not a multiple of 8": _data_not_multiple_of_8,
    "empty data": _data_empty,
    "owner = System (account 0)": _wrong_owner_system,
    "owner = Token-2022 (account 1)": _wrong_owner_token2022_second,
    "data length 166": _data_length_166,
    "data length 82 (account 1)": _data_length_82_mint_sized,
    "duplicate (account 1)": _duplicate,
    "duplicate (account 2)": _duplicate_third,
}


@pytest.mark.parametrize("name", list(CASES))
def test_guard_case(world, name, cu_report):
    keys, data, expected = CASES[name](world)
    res = send(world.svm, world.payer, [world.guard(keys, data)])
    assert custom_code(res) == expected, (name, res)
    if expected:
        assert failed_index(res) == 0
    # the native model used by the simulated cluster agrees with the real program
    assert world.model_code(keys, data) == expected
    cu_report[f"{name} [{world.features}]"] = compute_units(res)


def test_swift_instruction_builder(world):
    """GuardInstruction.make: read-only non-signer accounts, N u64 LE minimums; the deployed program accepts it."""
    a, b = world.account(7), world.account(9)
    j = solarb_json("guard", "instruction-json", "--program-id", str(world.program),
                    "--check", f"{a}:7", "--check", f"{b}:10")
    ix = ix_from_json(j)
    assert ix == world.guard([a, b], u64s(7, 10))
    assert custom_code(send(world.svm, world.payer, [ix])) == 6001


def transfer_ix(source: Pubkey, dest: Pubkey, owner: Pubkey, amount: int) -> Instruction:
    # SPL Token Transfer (3): source (w), destination (w), owner (signer)
    return Instruction(TOKEN, bytes([3]) + amount.to_bytes(8, "little"),
                       [AccountMeta(source, False, True), AccountMeta(dest, False, True), AccountMeta(owner, True, False)])


def test_transfer_then_failing_guard_reverts_everything(world, cu_report):
    src, dst = world.account(1_000), world.account(100)
    before = world.svm.get_balance(world.payer.pubkey())
    # the guard demands 1 more than the transfer delivers → whole transaction fails, transfer undone
    res = send(world.svm, world.payer, [transfer_ix(src, dst, world.payer.pubkey(), 500),
                                        world.guard([dst], u64s(100 + 500 + 1))])
    assert custom_code(res) == 6000 and failed_index(res) == 1
    assert (world.amount(src), world.amount(dst)) == (1_000, 100)
    assert world.svm.get_balance(world.payer.pubkey()) == before - 5000  # only the fee is charged
    cu_report[f"token transfer + failing guard (total) [{world.features}]"] = compute_units(res)
    # same transfer with a satisfiable guard goes through
    res = send(world.svm, world.payer, [transfer_ix(src, dst, world.payer.pubkey(), 500),
                                        world.guard([dst, src], u64s(600, 500))])
    assert custom_code(res) == 0
    assert (world.amount(src), world.amount(dst)) == (500, 600)
    cu_report[f"token transfer + passing guard (total) [{world.features}]"] = compute_units(res)


def test_deployed_bytes_are_the_elf(world, guard_elf_v3):
    program = world.svm.get_account(world.program)
    assert program.executable and program.owner == LOADER
    program_data = Pubkey(bytes(program.data)[4:36])
    data = bytes(world.svm.get_account(program_data).data)
    assert data[45:45 + len(guard_elf_v3)] == guard_elf_v3


@pytest.mark.parametrize("features", sorted(FEATURES))
def test_v0_elf_deploys_and_runs(guard_elf_v0, tmp_path, features):
    svm = FEATURES[features]()
    payer = Keypair()
    svm.airdrop(payer.pubkey(), 100 * 10**9)
    program, _, failure = deploy(svm, guard_elf_v0, tmp_path, payer)
    assert failure is None, failure
    w = World(svm, program, payer)
    a = w.account(50)
    assert custom_code(send(svm, payer, [w.guard([a], u64s(50))])) == 0
    assert custom_code(send(svm, payer, [w.guard([a], u64s(51))])) == 6000
    assert custom_code(send(svm, payer, [w.guard([a, a], u64s(1, 1))])) == 9001


@pytest.mark.parametrize("corruption", ["e_machine 263", "p_flags R+X", "p_vaddr 0", "e_entry misaligned"])
def test_deploy_rejects_corrupted_v3_elf(guard_elf_v3, tmp_path, corruption):
    """The deploy path really runs the loader's checks: each corruption the strict parser forbids is refused."""
    elf = bytearray(guard_elf_v3)
    if corruption == "e_machine 263":
        elf[18:20] = (263).to_bytes(2, "little")
    elif corruption == "p_flags R+X":
        elf[64 + 4:64 + 8] = (5).to_bytes(4, "little")
    elif corruption == "p_vaddr 0":
        elf[64 + 16:64 + 24] = bytes(8)
    elif corruption == "e_entry misaligned":
        elf[24:32] = ((1 << 32) + 4).to_bytes(8, "little")
    svm = LiteSVM()
    payer = Keypair()
    svm.airdrop(payer.pubkey(), 100 * 10**9)
    program, _, failure = deploy(svm, bytes(elf), tmp_path, payer)
    assert program is None and failure[0] == "deploy", failure


@pytest.mark.parametrize("separate_authority", [False, True])
def test_write_chunks_fill_packets(tmp_path, separate_authority):
    """Write chunks are as large as a 1232-byte packet allows (the CLI's calculate_max_chunk_size) and cover the
    file exactly; the buffer ends up holding the bytes (deployed through a real buffer in LiteSVM)."""
    blob = os.urandom(5000)
    svm = LiteSVM()
    payer = Keypair()
    authority = Keypair() if separate_authority else payer
    svm.airdrop(payer.pubkey(), 100 * 10**9)
    program, plan, failure = deploy(svm, blob, tmp_path, payer, authority)
    # random bytes are not an ELF: everything up to the final deploy succeeds, the deploy is refused
    assert program is None and failure[0] == "deploy", failure
    writes = [s for s in plan if s["label"].startswith("write")]
    offset, sizes = 0, []
    keys = {str(payer.pubkey()): payer, str(authority.pubkey()): authority}
    for s in writes:
        data = bytes.fromhex(s["instructions"][0]["data"])
        assert data[:4] == (1).to_bytes(4, "little")
        assert int.from_bytes(data[4:8], "little") == offset
        n = int.from_bytes(data[8:16], "little")
        assert data[16:] == blob[offset:offset + n]
        offset += n
        bh = svm.latest_blockhash()
        ixs = [ix_from_json(i) for i in s["instructions"]]
        tx = Transaction([keys[k] for k in s["signers"]], Message.new_with_blockhash(ixs, payer.pubkey(), bh), bh)
        sizes.append(len(bytes(tx)))
    assert offset == len(blob)
    assert all(size <= PACKET_DATA_SIZE for size in sizes)
    assert sizes[0] == PACKET_DATA_SIZE  # full chunks fill the packet exactly: one more byte would not fit
    buffer = Pubkey.from_string(plan[0]["instructions"][1]["accounts"][0]["pubkey"])
    assert bytes(svm.get_account(buffer).data)[37:] == blob


def test_system_create_account_matches_solders(tmp_path, guard_elf_v3):
    """The System CreateAccount instructions Swift builds equal solders' own builder."""
    from solders.system_program import CreateAccountParams, create_account

    payer, buffer, program = Pubkey.new_unique(), Pubkey.new_unique(), Pubkey.new_unique()
    path = tmp_path / "guard.so"
    path.write_bytes(guard_elf_v3)
    plan = solarb_json(
        "guard", "deploy-plan-json", "--elf", str(path), "--payer", str(payer), "--program", str(program),
        "--program-data", str(Pubkey.new_unique()), "--buffer", str(buffer), "--authority", str(payer),
    )
    svm = LiteSVM()
    create_buffer = ix_from_json(plan[0]["instructions"][0])
    space = 37 + len(guard_elf_v3)
    assert create_buffer == create_account(CreateAccountParams(
        from_pubkey=payer, to_pubkey=buffer, lamports=svm.minimum_balance_for_rent_exemption(space), space=space,
        owner=LOADER))
    create_program = ix_from_json(plan[-1]["instructions"][0])
    assert create_program == create_account(CreateAccountParams(
        from_pubkey=payer, to_pubkey=program, lamports=svm.minimum_balance_for_rent_exemption(36), space=36,
        owner=LOADER))
