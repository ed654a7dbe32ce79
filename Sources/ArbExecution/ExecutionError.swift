/// The one error type of `ArbExecution`. `code` is a small stable vocabulary usable as a metric label and as the
/// journal's `skip` reason; `detail` says what exactly was wrong (never secret material).
public struct ExecutionError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// No guard program configured, or a transaction without the guard instruction: never built, never signed.
        public static let missingGuard = Code("missingGuard")
        /// The opportunity is malformed (no legs, legs that do not chain, amounts that disagree).
        public static let invalidOpportunity = Code("invalidOpportunity")
        /// No venue was given for one of the opportunity's pools.
        public static let missingVenue = Code("missingVenue")
        /// A venue refused to build its swap instruction.
        public static let venue = Code("venue")
        /// The wallet's balance of the base token (needed by the guard) was not given.
        public static let missingBalance = Code("missingBalance")
        /// With the real costs the trade no longer clears input + minimum profit + costs.
        public static let unprofitable = Code("unprofitable")
        /// Serialized transaction above 1,232 bytes.
        public static let transactionTooLarge = Code("transactionTooLarge")
        /// More account keys than allowed (static + loaded from lookup tables).
        public static let tooManyAccounts = Code("tooManyAccounts")
        /// Message compilation failed (e.g. a lookup table index out of range).
        public static let compile = Code("compile")
        /// The guard instruction could not be built (overflow of the minimum).
        public static let guardBuild = Code("guardBuild")
        /// Arithmetic overflow in costs (u64).
        public static let overflow = Code("overflow")
        /// Signing failed or a signer was missing.
        public static let signing = Code("signing")
        /// A risk limit blocked the trade before signing (`detail` names it).
        public static let riskBlocked = Code("riskBlocked")
        /// The signing clearance does not match the transaction it is used for.
        public static let clearanceMismatch = Code("clearanceMismatch")
        /// An RPC call the execution layer needed failed.
        public static let rpc = Code("rpc")
        /// Simulation failed (the transaction would fail now).
        public static let simulationFailed = Code("simulationFailed")
        /// A lookup table did not become usable in time.
        public static let lookupTable = Code("lookupTable")
        /// Configuration out of range.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// The configured guard program is not this build's guard, or someone else can replace it.
        public static let guardUnverified = Code("guardUnverified")
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
}
