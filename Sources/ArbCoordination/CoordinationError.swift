/// The one error type of `ArbCoordination`. `code` is a bounded vocabulary usable as a metric label (it is also
/// the reject reason the datagram authenticator counts); `detail` never contains key material.
public struct CoordinationError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible, Comparable {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }
        public static func < (lhs: Code, rhs: Code) -> Bool { lhs.name < rhs.name }

        /// Shorter than a header plus a MAC, or a field runs past the end.
        public static let truncated = Code("truncated")
        /// Larger than the biggest datagram we accept.
        public static let oversized = Code("oversized")
        public static let badMagic = Code("badMagic")
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// The HMAC does not verify: forged, tampered, or sealed with another cluster key.
        public static let badMAC = Code("badMAC")
        /// The sender's timestamp is further from our wall clock than the allowed skew.
        public static let clockSkew = Code("clockSkew")
        /// Sequence number already seen inside the replay window.
        public static let replayed = Code("replayed")
        /// Sequence number older than the replay window.
        public static let tooOld = Code("tooOld")
        /// Authenticated but structurally invalid (unknown kind, bad identifier, trailing bytes, …).
        public static let malformed = Code("malformed")
        /// Configuration or input rejected before any IO (bad key file, bad identifier).
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
