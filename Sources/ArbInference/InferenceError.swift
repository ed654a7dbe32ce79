/// The one error type of `ArbInference`. `code` is a small, stable vocabulary usable as a metric label;
/// `detail` says exactly what was wrong (operator names, attribute names, versions, byte offsets).
public struct InferenceError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The bytes are not a well-formed protobuf message (truncated varint, length past the end, bad wire type).
        public static let malformedProtobuf = Code("malformedProtobuf")
        /// Well-formed protobuf, but not a usable ONNX model (missing graph, dangling names, bad tensor sizes).
        public static let invalidModel = Code("invalidModel")
        /// An operator (domain + op_type) this evaluator does not implement.
        public static let unsupportedOperator = Code("unsupportedOperator")
        /// A known operator with an attribute name or value this evaluator does not implement.
        public static let unsupportedAttribute = Code("unsupportedAttribute")
        /// A tensor element type, shape or feature (external data, sparse tensors) this evaluator does not handle.
        public static let unsupportedTensor = Code("unsupportedTensor")
        /// The model's feature-schema version differs from the one this binary was built with (or is missing).
        public static let schemaVersionMismatch = Code("schemaVersionMismatch")
        /// The model's input width differs from the feature vector's.
        public static let inputShapeMismatch = Code("inputShapeMismatch")
        /// A model file could not be read.
        public static let io = Code("io")
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
}
