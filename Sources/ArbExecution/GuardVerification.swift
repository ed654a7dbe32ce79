import ArbGuard
import ArbRPC
import SolanaPrimitives

/// Checks, before trading, that `--guard-program` is really the profit guard this build makes: an executable
/// program whose deployed bytes are exactly `GuardProgram.elf()` (SBPF v3, or the v0 build), and that nobody but the
/// wallet can replace them. A look-alike program that always succeeds would turn every guarded trade into an
/// unguarded one; an upgrade authority held by someone else could swap the bytes at any time.
///
/// Account layouts (Solana's upgradeable loader, `UpgradeableLoaderState`, bincode):
/// - program account (owner `BPFLoaderUpgradeab1e…`, executable): u32 tag 2 + programdata address (36 bytes);
/// - programdata account: u32 tag 3 + u64 deployment slot + Option<Pubkey> upgrade authority (1 + 32 bytes),
///   the ELF from offset 45 (`size_of_programdata_metadata`), zero-padded to the account's length.
/// Programs of the non-upgradeable `BPFLoader2111…` hold the ELF itself in the program account.
public enum GuardVerification {
    public static let upgradeableLoader = ProgramIDs.bpfLoaderUpgradeable
    public static let bpfLoader2 = Address("BPFLoader2111111111111111111111111111111111")
    public static let programDataMetadataSize = 45

    /// What was verified.
    public struct Verified: Sendable, Hashable {
        /// "v3" or "v0": which build of the guard is deployed.
        public var build: String
        /// The programdata account (upgradeable loader), nil for `BPFLoader2`.
        public var programData: Address?
        /// nil: immutable. Otherwise the wallet (the only authority accepted).
        public var upgradeAuthority: Address?
    }

    /// The account fields the check reads.
    public struct AccountView: Sendable, Hashable {
        public var owner: Address
        public var executable: Bool
        public var data: [UInt8]
        public init(owner: Address, executable: Bool, data: [UInt8]) {
            self.owner = owner
            self.executable = executable
            self.data = data
        }
    }

    /// The builds a deployment may hold, by name.
    public static func expectedBuilds() throws(ExecutionError) -> [(name: String, elf: [UInt8])] {
        do {
            return [("v3", try GuardProgram.elf()), ("v0", try GuardProgram.elf(version: .v0))]
        } catch {
            throw ExecutionError(.guardUnverified, "cannot build the reference guard: \(error)")
        }
    }

    /// The programdata address a program account names (upgradeable loader), or nil for another loader.
    public static func programDataAddress(of program: AccountView) throws(ExecutionError) -> Address? {
        guard program.owner == upgradeableLoader else { return nil }
        guard program.data.count >= 36, program.data[0..<4] == [2, 0, 0, 0] else {
            throw ExecutionError(.guardUnverified, "the guard account is not an upgradeable program account")
        }
        do { return try Address(bytes: program.data[4..<36]) } catch {
            throw ExecutionError(.guardUnverified, "programdata address: \(error)")
        }
    }

    /// The pure check: the program account, and its programdata account when upgradeable. Pure (no IO).
    public static func check(
        program: AccountView?, programData: AccountView?, wallet: Address,
        builds: [(name: String, elf: [UInt8])]
    ) throws(ExecutionError) -> Verified {
        guard let program else { throw ExecutionError(.guardUnverified, "no account at the guard program address") }
        guard program.executable else { throw ExecutionError(.guardUnverified, "the guard account is not executable") }
        func matching(_ code: ArraySlice<UInt8>) -> String? {
            for b in builds where code.count >= b.elf.count {
                if code.prefix(b.elf.count).elementsEqual(b.elf), code.dropFirst(b.elf.count).allSatisfy({ $0 == 0 }) {
                    return b.name
                }
            }
            return nil
        }
        switch program.owner {
        case bpfLoader2:
            guard let build = matching(program.data[...]) else {
                throw ExecutionError(.guardUnverified, "the deployed bytes are not this build's guard")
            }
            return Verified(build: build, programData: nil, upgradeAuthority: nil)
        case upgradeableLoader:
            let address = try programDataAddress(of: program)
            guard let programData else {
                throw ExecutionError(
                    .guardUnverified, "the guard's programdata account \(address.map { "\($0)" } ?? "?") is missing")
            }
            let d = programData.data
            guard programData.owner == upgradeableLoader, d.count >= programDataMetadataSize, d[0..<4] == [3, 0, 0, 0]
            else {
                throw ExecutionError(.guardUnverified, "the guard's programdata account is malformed")
            }
            let authority: Address?
            switch d[12] {
            case 0: authority = nil
            case 1:
                do { authority = try Address(bytes: d[13..<45]) } catch {
                    throw ExecutionError(.guardUnverified, "upgrade authority: \(error)")
                }
            default: throw ExecutionError(.guardUnverified, "the guard's programdata account is malformed")
            }
            if let authority, authority != wallet {
                throw ExecutionError(
                    .guardUnverified,
                    "the guard's upgrade authority \(authority) is not the wallet: it could replace the guard at any "
                        + "time (make it immutable with `solana program set-upgrade-authority --final`, or hold it "
                        + "with the trading wallet)")
            }
            guard let build = matching(d[programDataMetadataSize...]) else {
                throw ExecutionError(.guardUnverified, "the deployed bytes are not this build's guard (docs/guard.md)")
            }
            return Verified(build: build, programData: address, upgradeAuthority: authority)
        default:
            throw ExecutionError(.guardUnverified, "the guard is owned by \(program.owner), not a BPF loader")
        }
    }

    /// Reads the program (and programdata) accounts and checks them.
    public static func verify(_ client: RPCClient, guardProgram: Address, wallet: Address) async throws(ExecutionError)
        -> Verified
    {
        func view(_ a: Address) async throws(ExecutionError) -> AccountView? {
            do {
                return try await client.getAccountInfo(a).value.map {
                    AccountView(owner: $0.owner, executable: $0.executable, data: $0.data)
                }
            } catch {
                throw ExecutionError(.rpc, "getAccountInfo \(a): \(error)")
            }
        }
        let program = try await view(guardProgram)
        var programData: AccountView?
        if let program, let address = try programDataAddress(of: program) { programData = try await view(address) }
        return try check(program: program, programData: programData, wallet: wallet, builds: try expectedBuilds())
    }
}
