/// The one error type of `ArbSBPF`. `code` is a small, stable vocabulary usable as a metric label; `detail` says
/// what exactly was wrong.
public struct SBPFError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A label was referenced but never defined.
        public static let undefinedLabel = Code("undefinedLabel")
        /// A label was defined twice.
        public static let duplicateLabel = Code("duplicateLabel")
        /// A jump target is further than a signed 16-bit slot offset can reach.
        public static let jumpOutOfRange = Code("jumpOutOfRange")
        /// The instruction would be rejected by the loader's verifier (r10 as destination, shift too wide, …).
        public static let invalidInstruction = Code("invalidInstruction")
        /// The program is empty, too long, or its entry point is out of range.
        public static let invalidProgram = Code("invalidProgram")
        /// Bytes that do not decode as an instruction (length not a multiple of 8, unknown opcode, lone lddw).
        public static let malformedBytecode = Code("malformedBytecode")
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
}
