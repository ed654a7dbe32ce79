import SolanaPrimitives

/// The profit guard's on-chain interface. Full description: docs/guard.md.
///
/// Accounts: N SPL Token accounts (read-only, not signers), 1 ≤ N ≤ 255, no account twice.
/// Data: N little-endian u64 minimums, in account order (exactly 8·N bytes).
/// Result: success iff every account is an initialized-size (165-byte) account owned by the SPL Token program and
/// its `amount` (bytes 64..<72 of the account data) is ≥ its minimum. Otherwise `Custom(code)`, checked in this order:
/// 1. account count 0 or > 255 → 5000
/// 2. per account i in order: duplicate → 9000+i, owner ≠ SPL Token → 7000+i, data length ≠ 165 → 8000+i
/// 3. instruction data length 0 or not a multiple of 8 → 5001; 8·N ≠ data length → 5000
/// 4. per account i in order: amount < minimum → 6000+i
public enum GuardABI {
    public static let maxAccounts = 255
    /// The SPL Token program (`Tokenkeg…`): the only owner the guard accepts.
    public static let tokenProgram = ProgramIDs.token
    public static let tokenAccountLength = 165
    /// Offset of `amount` inside an SPL Token account (mint 32, owner 32, then amount u64).
    public static let tokenAmountOffset = 64

    public static let wrongAccountCount: UInt32 = 5000
    public static let invalidInstructionData: UInt32 = 5001
    public static let insufficientBase: UInt32 = 6000
    public static let wrongOwnerBase: UInt32 = 7000
    public static let wrongDataLengthBase: UInt32 = 8000
    public static let duplicateBase: UInt32 = 9000

    /// What a custom error code from the guard means.
    public enum Failure: Hashable, Sendable, CustomStringConvertible {
        case wrongAccountCount
        case invalidInstructionData
        case insufficient(index: Int)
        case wrongOwner(index: Int)
        case wrongDataLength(index: Int)
        case duplicateAccount(index: Int)

        public var code: UInt32 {
            switch self {
            case .wrongAccountCount: GuardABI.wrongAccountCount
            case .invalidInstructionData: GuardABI.invalidInstructionData
            case .insufficient(let i): GuardABI.insufficientBase + UInt32(i)
            case .wrongOwner(let i): GuardABI.wrongOwnerBase + UInt32(i)
            case .wrongDataLength(let i): GuardABI.wrongDataLengthBase + UInt32(i)
            case .duplicateAccount(let i): GuardABI.duplicateBase + UInt32(i)
            }
        }

        /// Decodes a `Custom(code)` returned by the guard; nil for codes the guard never returns.
        public init?(code: UInt32) {
            switch code {
            case GuardABI.wrongAccountCount: self = .wrongAccountCount
            case GuardABI.invalidInstructionData: self = .invalidInstructionData
            default:
                let base = code / 1000 * 1000
                let i = Int(code - base)
                guard i < GuardABI.maxAccounts else { return nil }
                switch base {
                case GuardABI.insufficientBase: self = .insufficient(index: i)
                case GuardABI.wrongOwnerBase: self = .wrongOwner(index: i)
                case GuardABI.wrongDataLengthBase: self = .wrongDataLength(index: i)
                case GuardABI.duplicateBase: self = .duplicateAccount(index: i)
                default: return nil
                }
            }
        }

        public var description: String {
            switch self {
            case .wrongAccountCount: "wrong account count"
            case .invalidInstructionData: "instruction data is not N little-endian u64 minimums"
            case .insufficient(let i): "account \(i): amount below minimum"
            case .wrongOwner(let i): "account \(i): not owned by the SPL Token program"
            case .wrongDataLength(let i): "account \(i): data length is not 165"
            case .duplicateAccount(let i): "account \(i): duplicate account"
            }
        }
    }
}

/// Errors from building guard instructions off-chain.
public struct GuardError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let noChecks = Code("noChecks")
        public static let tooManyChecks = Code("tooManyChecks")
        public static let duplicateAccount = Code("duplicateAccount")
        public static let overflow = Code("overflow")
        public static let invalidProgram = Code("invalidProgram")
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
}

/// Builds guard instructions.
public enum GuardInstruction {
    /// One instruction checking `amount(tokenAccount) ≥ minimum` for every pair. Refuses inputs the program would
    /// reject (no pairs, more than 255, an account twice).
    public static func make(programId: Address, checks: [(tokenAccount: Address, minimum: UInt64)]) throws(GuardError)
        -> Instruction
    {
        guard !checks.isEmpty else { throw GuardError(.noChecks, "a guard needs at least one (account, minimum) pair") }
        guard checks.count <= GuardABI.maxAccounts else {
            throw GuardError(.tooManyChecks, "\(checks.count) pairs exceed \(GuardABI.maxAccounts)")
        }
        var seen = Set<Address>()
        var data = ByteWriter(capacity: 8 * checks.count)
        var accounts: [AccountMeta] = []
        for (i, c) in checks.enumerated() {
            guard seen.insert(c.tokenAccount).inserted else {
                throw GuardError(.duplicateAccount, "pair \(i): \(c.tokenAccount) already checked")
            }
            accounts.append(.readonly(c.tokenAccount))
            data.u64(c.minimum)
        }
        return Instruction(programId: programId, accounts: accounts, data: data.bytes)
    }

    /// The arbitrage guard: the start token account must end with at least
    /// `balanceBefore + minProfit + costs` base units (all integers; overflow is an error, never a wrap).
    public static func profit(
        programId: Address, startTokenAccount: Address, balanceBefore: UInt64, minProfit: UInt64, costs: UInt64
    ) throws(GuardError) -> Instruction {
        let (a, o1) = balanceBefore.addingReportingOverflow(minProfit)
        let (minimum, o2) = a.addingReportingOverflow(costs)
        guard !o1, !o2 else {
            throw GuardError(.overflow, "balance \(balanceBefore) + profit \(minProfit) + costs \(costs) overflows u64")
        }
        return try make(programId: programId, checks: [(startTokenAccount, minimum)])
    }
}
