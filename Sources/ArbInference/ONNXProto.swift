/// The subset of ONNX's protobuf messages this evaluator reads, decoded with `ProtoReader`.
/// Field numbers are from onnx/onnx.proto (onnx 1.x, IR version ≤ 11). Fields we do not use are skipped;
/// fields whose presence would change meaning in a way we do not implement (external data, sparse
/// initializers, functions used by nodes) are recorded so the compiler can refuse them by name.
public struct ONNXModelProto: Sendable {
    public var irVersion: Int64 = 0
    public var opsetImports: [(domain: String, version: Int64)] = []
    public var producerName = ""
    public var producerVersion = ""
    public var domain = ""
    public var modelVersion: Int64 = 0
    public var docString = ""
    public var graph: ONNXGraphProto?
    public var metadataProps: [(key: String, value: String)] = []
    public var functionCount = 0

    /// Nesting limit for recursive messages (types, subgraphs), so hostile input cannot exhaust the stack.
    static let maxDepth = 24

    public init() {}

    /// Decodes ModelProto bytes. Throws `InferenceError(.malformedProtobuf)` on any wire-level defect.
    public static func decode(_ data: some Collection<UInt8>) throws(InferenceError) -> ONNXModelProto {
        let array = Array(data)
        let result: Result<ONNXModelProto, InferenceError> = array.withUnsafeBytes { raw in
            var r = ProtoReader(raw)
            do throws(InferenceError) { return .success(try ONNXModelProto(&r)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    init(_ r: inout ProtoReader) throws(InferenceError) {
        while !r.isAtEnd {
            let (field, wire) = try r.readKey()
            switch field {
            case 1:
                try r.expect(wire, .varint, "ir_version")
                irVersion = try r.readInt64()
            case 8:
                try r.expect(wire, .lengthDelimited, "opset_import")
                var sub = try r.readMessage()
                var d = ""
                var v: Int64 = 0
                while !sub.isAtEnd {
                    let (f, w) = try sub.readKey()
                    switch f {
                    case 1:
                        try sub.expect(w, .lengthDelimited, "opset domain")
                        d = try sub.readString()
                    case 2:
                        try sub.expect(w, .varint, "opset version")
                        v = try sub.readInt64()
                    default: try sub.skip(w)
                    }
                }
                opsetImports.append((d, v))
            case 2:
                try r.expect(wire, .lengthDelimited, "producer_name")
                producerName = try r.readString()
            case 3:
                try r.expect(wire, .lengthDelimited, "producer_version")
                producerVersion = try r.readString()
            case 4:
                try r.expect(wire, .lengthDelimited, "domain")
                domain = try r.readString()
            case 5:
                try r.expect(wire, .varint, "model_version")
                modelVersion = try r.readInt64()
            case 6:
                try r.expect(wire, .lengthDelimited, "doc_string")
                docString = try r.readString()
            case 7:
                try r.expect(wire, .lengthDelimited, "graph")
                var sub = try r.readMessage()
                graph = try ONNXGraphProto(&sub, depth: 1)
            case 14:
                try r.expect(wire, .lengthDelimited, "metadata_props")
                var sub = try r.readMessage()
                metadataProps.append(try Self.readStringPair(&sub))
            case 25:
                try r.expect(wire, .lengthDelimited, "functions")
                _ = try r.readLengthDelimited()
                functionCount += 1
            default: try r.skip(wire)
            }
        }
    }

    static func readStringPair(_ r: inout ProtoReader) throws(InferenceError) -> (key: String, value: String) {
        var k = ""
        var v = ""
        while !r.isAtEnd {
            let (f, w) = try r.readKey()
            switch f {
            case 1:
                try r.expect(w, .lengthDelimited, "key")
                k = try r.readString()
            case 2:
                try r.expect(w, .lengthDelimited, "value")
                v = try r.readString()
            default: try r.skip(w)
            }
        }
        return (k, v)
    }

    public func metadata(_ key: String) -> String? {
        metadataProps.last { $0.key == key }?.value
    }
}

public struct ONNXGraphProto: Sendable {
    public var name = ""
    public var nodes: [ONNXNodeProto] = []
    public var initializers: [ONNXTensorProto] = []
    public var inputs: [ONNXValueInfo] = []
    public var outputs: [ONNXValueInfo] = []
    public var sparseInitializerCount = 0

    init(_ r: inout ProtoReader, depth: Int) throws(InferenceError) {
        guard depth <= ONNXModelProto.maxDepth else {
            throw InferenceError(.malformedProtobuf, "graphs nested deeper than \(ONNXModelProto.maxDepth)")
        }
        while !r.isAtEnd {
            let (field, wire) = try r.readKey()
            switch field {
            case 1:
                try r.expect(wire, .lengthDelimited, "node")
                var sub = try r.readMessage()
                nodes.append(try ONNXNodeProto(&sub, depth: depth + 1))
            case 2:
                try r.expect(wire, .lengthDelimited, "graph name")
                name = try r.readString()
            case 5:
                try r.expect(wire, .lengthDelimited, "initializer")
                var sub = try r.readMessage()
                initializers.append(try ONNXTensorProto(&sub))
            case 15:
                try r.expect(wire, .lengthDelimited, "sparse_initializer")
                _ = try r.readLengthDelimited()
                sparseInitializerCount += 1
            case 11:
                try r.expect(wire, .lengthDelimited, "input")
                var sub = try r.readMessage()
                inputs.append(try ONNXValueInfo(&sub, depth: depth + 1))
            case 12:
                try r.expect(wire, .lengthDelimited, "output")
                var sub = try r.readMessage()
                outputs.append(try ONNXValueInfo(&sub, depth: depth + 1))
            default: try r.skip(wire)
            }
        }
    }
}

public struct ONNXNodeProto: Sendable {
    public var inputs: [String] = []
    public var outputs: [String] = []
    public var name = ""
    public var opType = ""
    public var domain = ""
    public var attributes: [ONNXAttributeProto] = []

    init(_ r: inout ProtoReader, depth: Int) throws(InferenceError) {
        while !r.isAtEnd {
            let (field, wire) = try r.readKey()
            switch field {
            case 1:
                try r.expect(wire, .lengthDelimited, "node input")
                inputs.append(try r.readString())
            case 2:
                try r.expect(wire, .lengthDelimited, "node output")
                outputs.append(try r.readString())
            case 3:
                try r.expect(wire, .lengthDelimited, "node name")
                name = try r.readString()
            case 4:
                try r.expect(wire, .lengthDelimited, "op_type")
                opType = try r.readString()
            case 7:
                try r.expect(wire, .lengthDelimited, "node domain")
                domain = try r.readString()
            case 5:
                try r.expect(wire, .lengthDelimited, "attribute")
                var sub = try r.readMessage()
                attributes.append(try ONNXAttributeProto(&sub, depth: depth + 1))
            default: try r.skip(wire)
            }
        }
    }

    /// "ai.onnx.ml::TreeEnsembleClassifier" or "MatMul" (default domain), for error messages and inspection.
    public var qualifiedOpType: String {
        (domain.isEmpty || domain == "ai.onnx") ? opType : "\(domain)::\(opType)"
    }
}

public struct ONNXAttributeProto: Sendable {
    /// AttributeProto.AttributeType values (onnx.proto).
    public enum Kind: Int32, Sendable {
        case undefined = 0
        case float = 1
        case int = 2
        case string = 3
        case tensor = 4
        case graph = 5
        case floats = 6
        case ints = 7
        case strings = 8
        case tensors = 9
        case graphs = 10
        case sparseTensor = 11
        case sparseTensors = 12
        case typeProto = 13
        case typeProtos = 14
    }

    public var name = ""
    public var type: Int32 = 0
    public var f: Float = 0
    public var i: Int64 = 0
    public var s: [UInt8] = []
    public var t: ONNXTensorProto?
    public var floats: [Float] = []
    public var ints: [Int64] = []
    public var strings: [[UInt8]] = []
    public var refAttrName = ""
    public var hasGraph = false

    public var kind: Kind? { Kind(rawValue: type) }
    public var stringValue: String { String(decoding: s, as: UTF8.self) }

    init(_ r: inout ProtoReader, depth: Int) throws(InferenceError) {
        while !r.isAtEnd {
            let (field, wire) = try r.readKey()
            switch field {
            case 1:
                try r.expect(wire, .lengthDelimited, "attribute name")
                name = try r.readString()
            case 20:
                try r.expect(wire, .varint, "attribute type")
                type = try r.readInt32()
            case 2:
                try r.expect(wire, .fixed32, "attribute f")
                f = try r.readFloat()
            case 3:
                try r.expect(wire, .varint, "attribute i")
                i = try r.readInt64()
            case 4:
                try r.expect(wire, .lengthDelimited, "attribute s")
                s = try r.readBytes()
            case 5:
                try r.expect(wire, .lengthDelimited, "attribute t")
                var sub = try r.readMessage()
                t = try ONNXTensorProto(&sub)
            case 6, 11:
                try r.expect(wire, .lengthDelimited, "attribute graph")
                _ = try r.readLengthDelimited()
                hasGraph = true
            case 7: try r.appendFloats(wire, to: &floats)
            case 8: try r.appendInt64s(wire, to: &ints)
            case 9:
                try r.expect(wire, .lengthDelimited, "attribute strings")
                strings.append(try r.readBytes())
            case 21:
                try r.expect(wire, .lengthDelimited, "ref_attr_name")
                refAttrName = try r.readString()
            default: try r.skip(wire)
            }
        }
    }
}

public struct ONNXTensorProto: Sendable {
    /// TensorProto.DataType values (onnx.proto).
    public enum DataType: Int32, Sendable {
        case undefined = 0
        case float = 1
        case uint8 = 2
        case int8 = 3
        case uint16 = 4
        case int16 = 5
        case int32 = 6
        case int64 = 7
        case string = 8
        case bool = 9
        case float16 = 10
        case double = 11
        case uint32 = 12
        case uint64 = 13
    }

    public var dims: [Int64] = []
    public var dataType: Int32 = 0
    public var name = ""
    public var floatData: [Float] = []
    public var int32Data: [Int32] = []
    public var int64Data: [Int64] = []
    public var doubleData: [Double] = []
    public var rawData: [UInt8]?
    public var stringCount = 0
    public var hasExternalData = false
    public var hasSegment = false

    init(_ r: inout ProtoReader) throws(InferenceError) {
        while !r.isAtEnd {
            let (field, wire) = try r.readKey()
            switch field {
            case 1: try r.appendInt64s(wire, to: &dims)
            case 2:
                try r.expect(wire, .varint, "data_type")
                dataType = try r.readInt32()
            case 3:
                try r.expect(wire, .lengthDelimited, "segment")
                _ = try r.readLengthDelimited()
                hasSegment = true
            case 4: try r.appendFloats(wire, to: &floatData)
            case 5: try r.appendInt32s(wire, to: &int32Data)
            case 6:
                try r.expect(wire, .lengthDelimited, "string_data")
                _ = try r.readLengthDelimited()
                stringCount += 1
            case 7: try r.appendInt64s(wire, to: &int64Data)
            case 8:
                try r.expect(wire, .lengthDelimited, "tensor name")
                name = try r.readString()
            case 9:
                try r.expect(wire, .lengthDelimited, "raw_data")
                rawData = try r.readBytes()
            case 10: try r.appendDoubles(wire, to: &doubleData)
            case 13:
                try r.expect(wire, .lengthDelimited, "external_data")
                _ = try r.readLengthDelimited()
                hasExternalData = true
            case 14:
                try r.expect(wire, .varint, "data_location")
                if try r.readInt32() == 1 { hasExternalData = true }
            default: try r.skip(wire)
            }
        }
    }

    public var elementType: DataType? { DataType(rawValue: dataType) }
}

public struct ONNXValueInfo: Sendable {
    public enum ValueType: Sendable, Equatable {
        /// elem: TensorProto.DataType; shape: nil when absent; a dim is nil when symbolic.
        case tensor(elem: Int32, shape: [Int64?]?)
        case sequence
        case map
        case other
        case missing
    }

    public var name = ""
    public var type: ValueType = .missing

    init(_ r: inout ProtoReader, depth: Int) throws(InferenceError) {
        while !r.isAtEnd {
            let (field, wire) = try r.readKey()
            switch field {
            case 1:
                try r.expect(wire, .lengthDelimited, "value name")
                name = try r.readString()
            case 2:
                try r.expect(wire, .lengthDelimited, "value type")
                var sub = try r.readMessage()
                type = try Self.readType(&sub, depth: depth + 1)
            default: try r.skip(wire)
            }
        }
    }

    static func readType(_ r: inout ProtoReader, depth: Int) throws(InferenceError) -> ValueType {
        guard depth <= ONNXModelProto.maxDepth else {
            throw InferenceError(.malformedProtobuf, "types nested deeper than \(ONNXModelProto.maxDepth)")
        }
        var result: ValueType = .other
        while !r.isAtEnd {
            let (field, wire) = try r.readKey()
            switch field {
            case 1:  // tensor_type
                try r.expect(wire, .lengthDelimited, "tensor_type")
                var t = try r.readMessage()
                var elem: Int32 = 0
                var shape: [Int64?]?
                while !t.isAtEnd {
                    let (f, w) = try t.readKey()
                    switch f {
                    case 1:
                        try t.expect(w, .varint, "elem_type")
                        elem = try t.readInt32()
                    case 2:
                        try t.expect(w, .lengthDelimited, "shape")
                        var s = try t.readMessage()
                        var dims: [Int64?] = []
                        while !s.isAtEnd {
                            let (sf, sw) = try s.readKey()
                            guard sf == 1 else {
                                try s.skip(sw)
                                continue
                            }
                            try s.expect(sw, .lengthDelimited, "dim")
                            var d = try s.readMessage()
                            var value: Int64?
                            while !d.isAtEnd {
                                let (df, dw) = try d.readKey()
                                if df == 1 {
                                    try d.expect(dw, .varint, "dim_value")
                                    value = try d.readInt64()
                                } else {
                                    try d.skip(dw)
                                }
                            }
                            dims.append(value)
                        }
                        shape = dims
                    default: try t.skip(w)
                    }
                }
                result = .tensor(elem: elem, shape: shape)
            case 4:
                try r.expect(wire, .lengthDelimited, "sequence_type")
                var sub = try r.readMessage()
                // Validate nested structure (bounded depth) even though we only record the kind.
                while !sub.isAtEnd {
                    let (f, w) = try sub.readKey()
                    if f == 1, w == .lengthDelimited {
                        var inner = try sub.readMessage()
                        _ = try readType(&inner, depth: depth + 1)
                    } else {
                        try sub.skip(w)
                    }
                }
                result = .sequence
            case 5:
                try r.expect(wire, .lengthDelimited, "map_type")
                var sub = try r.readMessage()
                while !sub.isAtEnd {
                    let (f, w) = try sub.readKey()
                    if f == 2, w == .lengthDelimited {
                        var inner = try sub.readMessage()
                        _ = try readType(&inner, depth: depth + 1)
                    } else {
                        try sub.skip(w)
                    }
                }
                result = .map
            default: try r.skip(wire)
            }
        }
        return result
    }
}
