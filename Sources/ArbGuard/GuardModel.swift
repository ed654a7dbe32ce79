import SolanaPrimitives

/// One account as the guard sees it.
public struct GuardAccountView: Hashable, Sendable {
    public var address: Address
    public var owner: Address
    public var data: [UInt8]

    public init(address: Address, owner: Address, data: [UInt8]) {
        self.address = address
        self.owner = owner
        self.data = data
    }
}

/// The guard's semantics evaluated natively (for the simulated cluster and for tests). Must agree with the
/// sBPF program: `conformance/guard` runs both on the same cases and compares.
public enum GuardModel {
    /// nil = success; otherwise the failure the program returns.
    public static func evaluate(accounts: [GuardAccountView], data: [UInt8]) -> GuardABI.Failure? {
        guard !accounts.isEmpty, accounts.count <= GuardABI.maxAccounts else { return .wrongAccountCount }
        var seen = Set<Address>()
        for (i, a) in accounts.enumerated() {
            guard seen.insert(a.address).inserted else { return .duplicateAccount(index: i) }
            guard a.owner == GuardABI.tokenProgram else { return .wrongOwner(index: i) }
            guard a.data.count == GuardABI.tokenAccountLength else { return .wrongDataLength(index: i) }
        }
        guard !data.isEmpty, data.count % 8 == 0 else { return .invalidInstructionData }
        guard data.count / 8 == accounts.count else { return .wrongAccountCount }
        for (i, a) in accounts.enumerated() {
            let amount = le64(a.data, GuardABI.tokenAmountOffset)
            let minimum = le64(data, 8 * i)
            if amount < minimum { return .insufficient(index: i) }
        }
        return nil
    }

    static func le64(_ b: [UInt8], _ at: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { acc, k in acc | UInt64(b[at + k]) << (8 * k) }
    }
}
