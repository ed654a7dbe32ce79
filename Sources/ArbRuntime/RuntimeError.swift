/// The one error type of `ArbRuntime`. `code` is a bounded vocabulary usable as a metric label.
public struct RuntimeError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A configuration file, environment variable or flag is malformed or inconsistent.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// Pool discovery or the initial snapshot failed.
        public static let discoveryFailed = Code("discoveryFailed")
        /// No pool could be decoded: nothing to trade.
        public static let noPools = Code("noPools")
        /// A transaction could not be built or signed.
        public static let buildFailed = Code("buildFailed")
        /// No recent blockhash known yet.
        public static let noBlockhash = Code("noBlockhash")
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
}
