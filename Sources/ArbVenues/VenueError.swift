import SolanaPrimitives

/// The one error type of `ArbVenues`. `code` is a bounded vocabulary usable as a metric label.
public struct VenueError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let wrongOwner = Code("wrongOwner")
        public static let wrongDiscriminator = Code("wrongDiscriminator")
        public static let wrongSize = Code("wrongSize")
        public static let truncated = Code("truncated")
        public static let missingAccount = Code("missingAccount")
        public static let invalidState = Code("invalidState")
        public static let poolDisabled = Code("poolDisabled")
        public static let insufficientLiquidity = Code("insufficientLiquidity")
        public static let zeroAmount = Code("zeroAmount")
        public static let mathOverflow = Code("mathOverflow")
        public static let unsupported = Code("unsupported")
        public static let transferFeeUnsupported = Code("transferFeeUnsupported")
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
}
