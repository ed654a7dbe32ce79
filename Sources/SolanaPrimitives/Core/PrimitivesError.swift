/// The one error type of `SolanaPrimitives`. `code` is a small, stable vocabulary usable as a metric label;
/// `detail` says what exactly was wrong (never contains secret material).
public struct PrimitivesError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let invalidBase58Character = Code("invalidBase58Character")
        public static let invalidLength = Code("invalidLength")
        public static let truncated = Code("truncated")
        public static let trailingBytes = Code("trailingBytes")
        public static let shortVecOverflow = Code("shortVecOverflow")
        public static let shortVecNonCanonical = Code("shortVecNonCanonical")
        public static let invalidMessageHeader = Code("invalidMessageHeader")
        public static let indexOutOfBounds = Code("indexOutOfBounds")
        public static let unsupportedVersion = Code("unsupportedVersion")
        public static let tooManyAccounts = Code("tooManyAccounts")
        public static let duplicateAccount = Code("duplicateAccount")
        public static let programIdInvalid = Code("programIdInvalid")
        public static let missingSigner = Code("missingSigner")
        public static let signatureCountMismatch = Code("signatureCountMismatch")
        public static let packetTooLarge = Code("packetTooLarge")
        public static let maxSeedLengthExceeded = Code("maxSeedLengthExceeded")
        public static let tooManySeeds = Code("tooManySeeds")
        public static let invalidSeeds = Code("invalidSeeds")
        public static let noViableBump = Code("noViableBump")
        public static let invalidAccountData = Code("invalidAccountData")
        public static let invalidArgument = Code("invalidArgument")
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
}
