import ArbExecution
import SolanaPrimitives
import Testing

/// `--guard-program` is checked before trading: this build's guard bytes, executable, and replaceable by nobody but
/// the wallet. Account layouts: Solana's upgradeable loader (`UpgradeableLoaderState`, bincode).
@Suite struct GuardVerificationTests {
    static let wallet = X.key(1).address
    static let stranger = X.key(2).address
    static let programData = X.key(3).address
    static let loader = GuardVerification.upgradeableLoader

    static func program(executable: Bool = true, owner: Address = loader) -> GuardVerification.AccountView {
        .init(owner: owner, executable: executable, data: [2, 0, 0, 0] + programData.bytes)
    }

    static func data(_ elf: [UInt8], authority: Address?, padding: Int = 100) -> GuardVerification.AccountView {
        var d: [UInt8] = [3, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0]
        if let authority { d += [1] + authority.bytes } else { d += [UInt8](repeating: 0, count: 33) }
        return .init(owner: loader, executable: false, data: d + elf + [UInt8](repeating: 0, count: padding))
    }

    func check(_ p: GuardVerification.AccountView?, _ d: GuardVerification.AccountView?) throws
        -> GuardVerification.Verified
    {
        try GuardVerification.check(
            program: p, programData: d, wallet: Self.wallet, builds: try GuardVerification.expectedBuilds())
    }

    func refused(_ p: GuardVerification.AccountView?, _ d: GuardVerification.AccountView?, _ what: String) {
        do {
            let v = try check(p, d)
            Issue.record("\(what) verified: \(v)")
        } catch let e as ExecutionError {
            #expect(e.code == .guardUnverified)
        } catch {
            Issue.record("\(what): \(error)")
        }
    }

    @Test func acceptsThisBuildImmutableOrHeldByTheWallet() throws {
        let builds = try GuardVerification.expectedBuilds()
        let v3 = builds[0].elf
        let immutable = try check(Self.program(), Self.data(v3, authority: nil))
        #expect(immutable.build == "v3" && immutable.upgradeAuthority == nil)
        #expect(immutable.programData == Self.programData)
        let byWallet = try check(Self.program(), Self.data(builds[1].elf, authority: Self.wallet, padding: 0))
        #expect(byWallet.build == "v0" && byWallet.upgradeAuthority == Self.wallet)
        // The non-upgradeable loader holds the ELF in the program account itself.
        let legacy = try check(
            .init(owner: GuardVerification.bpfLoader2, executable: true, data: v3), nil)
        #expect(legacy.build == "v3")
    }

    @Test func refusesLookAlikesAndReplaceableGuards() throws {
        let v3 = try GuardVerification.expectedBuilds()[0].elf
        refused(nil, nil, "no account")
        refused(Self.program(executable: false), Self.data(v3, authority: nil), "not executable")
        refused(Self.program(), nil, "no programdata")
        refused(Self.program(), Self.data(v3, authority: Self.stranger), "upgradeable by a stranger")
        // One byte changed anywhere in the program (e.g. a guard that always succeeds).
        for i in [0, 64, v3.count / 2, v3.count - 1] {
            var tampered = v3
            tampered[i] ^= 0x01
            refused(Self.program(), Self.data(tampered, authority: nil), "byte \(i) changed")
        }
        // Trailing code after the guard's bytes, a truncated guard.
        refused(Self.program(), Self.data(v3 + [1], authority: nil), "trailing bytes")
        refused(Self.program(), Self.data(Array(v3.dropLast(8)), authority: nil, padding: 0), "truncated")
        // Another loader or owner; a program account that is not tag 2.
        refused(Self.program(owner: ProgramIDs.system), nil, "system-owned")
        refused(.init(owner: Self.loader, executable: true, data: [3, 0, 0, 0]), nil, "malformed program account")
        var wrongTag = Self.data(v3, authority: nil)
        wrongTag.data[0] = 1
        refused(Self.program(), wrongTag, "programdata with a wrong tag")
    }
}
