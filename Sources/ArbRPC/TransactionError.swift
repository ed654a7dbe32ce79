/// The runtime's `TransactionError`, as the RPC serialises it (serde's externally tagged enum):
/// a bare string for unit variants (`"BlockhashNotFound"`), `{"InstructionError":[index, ...]}`,
/// `{"DuplicateInstruction": 1}`, `{"InsufficientFundsForRent":{"account_index":2}}`.
public enum TransactionError: Sendable, Hashable, CustomStringConvertible {
    /// A unit variant, by its Rust name: "BlockhashNotFound", "AlreadyProcessed", "AccountNotFound", ...
    case named(String)
    case instructionError(index: Int, InstructionError)
    /// A variant carrying one index (`DuplicateInstruction`, `InsufficientFundsForRent`,
    /// `ProgramExecutionTemporarilyRestricted`).
    case indexed(String, Int)
    /// A shape we do not know; the JSON text is kept.
    case unknown(String)

    public static let blockhashNotFound = TransactionError.named("BlockhashNotFound")
    public static let alreadyProcessed = TransactionError.named("AlreadyProcessed")
    public static let accountNotFound = TransactionError.named("AccountNotFound")
    public static let insufficientFundsForFee = TransactionError.named("InsufficientFundsForFee")
    public static let accountInUse = TransactionError.named("AccountInUse")

    public init(json: JSONValue) {
        switch json {
        case .string(let s):
            self = .named(s)
        case .object(let o) where o.count == 1:
            let (name, value) = o.first!
            if name == "InstructionError", let pair = value.array, pair.count == 2, let idx = pair[0].int64 {
                self = .instructionError(index: Int(idx), InstructionError(json: pair[1]))
            } else if let idx = value.int64 {
                self = .indexed(name, Int(idx))
            } else if let idx = value["account_index"]?.int64 {
                self = .indexed(name, Int(idx))
            } else {
                self = .unknown(json.serialized)
            }
        default:
            self = .unknown(json.serialized)
        }
    }

    /// The custom program error code when this is `InstructionError(_, Custom(code))`.
    public var customProgramError: UInt32? {
        if case .instructionError(_, .custom(let c)) = self { return c }
        return nil
    }

    public var description: String {
        switch self {
        case .named(let n): n
        case .instructionError(let i, let e): "InstructionError(\(i), \(e))"
        case .indexed(let n, let i): "\(n)(\(i))"
        case .unknown(let j): "Unknown(\(j.prefix(200)))"
        }
    }
}

/// The runtime's `InstructionError` as serialised inside `InstructionError`.
public enum InstructionError: Sendable, Hashable, CustomStringConvertible {
    case custom(UInt32)
    /// A unit variant: "InvalidAccountData", "InsufficientFunds", "ComputationalBudgetExceeded", ...
    case named(String)
    case borshIoError(String)
    case unknown(String)

    public init(json: JSONValue) {
        switch json {
        case .string(let s): self = .named(s)
        case .object(let o) where o.count == 1:
            let (name, value) = o.first!
            if name == "Custom", let c = value.uint64, c <= UInt64(UInt32.max) {
                self = .custom(UInt32(c))
            } else if name == "BorshIoError" {
                self = .borshIoError(value.string ?? value.serialized)
            } else {
                self = .unknown(json.serialized)
            }
        default: self = .unknown(json.serialized)
        }
    }

    public var description: String {
        switch self {
        case .custom(let c): "Custom(\(c))"
        case .named(let n): n
        case .borshIoError(let s): "BorshIoError(\(s))"
        case .unknown(let j): "Unknown(\(j.prefix(200)))"
        }
    }
}
