/// A tiny protobuf/ONNX encoder for tests: builds model bytes by hand from onnx.proto field numbers, so operator
/// tests need no Python and no committed binaries.
struct PB {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func key(_ field: Int, _ wire: UInt64) { varint(UInt64(field) << 3 | wire) }

    mutating func int(_ field: Int, _ v: Int64) {
        key(field, 0)
        varint(UInt64(bitPattern: v))
    }

    mutating func float(_ field: Int, _ v: Float) {
        key(field, 5)
        let b = v.bitPattern
        for i in 0..<4 { bytes.append(UInt8((b >> (8 * UInt32(i))) & 0xFF)) }
    }

    mutating func raw(_ field: Int, _ payload: [UInt8]) {
        key(field, 2)
        varint(UInt64(payload.count))
        bytes += payload
    }

    mutating func string(_ field: Int, _ s: String) { raw(field, Array(s.utf8)) }
    mutating func message(_ field: Int, _ m: PB) { raw(field, m.bytes) }

    mutating func packedFloats(_ field: Int, _ values: [Float]) {
        var p = PB()
        for v in values {
            let b = v.bitPattern
            for i in 0..<4 { p.bytes.append(UInt8((b >> (8 * UInt32(i))) & 0xFF)) }
        }
        raw(field, p.bytes)
    }

    mutating func packedInts(_ field: Int, _ values: [Int64]) {
        var p = PB()
        for v in values { p.varint(UInt64(bitPattern: v)) }
        raw(field, p.bytes)
    }
}

enum Attr {
    case float(String, Float)
    case int(String, Int64)
    case string(String, String)
    case floats(String, [Float])
    case ints(String, [Int64])
    case strings(String, [String])

    var encoded: PB {
        var p = PB()
        switch self {
        case .float(let n, let v):
            p.string(1, n)
            p.int(20, 1)
            p.float(2, v)
        case .int(let n, let v):
            p.string(1, n)
            p.int(20, 2)
            p.int(3, v)
        case .string(let n, let v):
            p.string(1, n)
            p.int(20, 3)
            p.string(4, v)
        case .floats(let n, let v):
            p.string(1, n)
            p.int(20, 6)
            p.packedFloats(7, v)
        case .ints(let n, let v):
            p.string(1, n)
            p.int(20, 7)
            p.packedInts(8, v)
        case .strings(let n, let v):
            p.string(1, n)
            p.int(20, 8)
            for s in v { p.string(9, s) }
        }
        return p
    }
}

struct Node {
    var op: String
    var domain = ""
    var inputs: [String]
    var outputs: [String]
    var attrs: [Attr] = []

    var encoded: PB {
        var p = PB()
        for i in inputs { p.string(1, i) }
        for o in outputs { p.string(2, o) }
        p.string(3, "\(op)_\(outputs.first ?? "")")
        p.string(4, op)
        if !domain.isEmpty { p.string(7, domain) }
        for a in attrs { p.message(5, a.encoded) }
        return p
    }
}

enum Init {
    case floats(String, [Int64], [Float])
    case int64s(String, [Int64], [Int64])

    var encoded: PB {
        var p = PB()
        switch self {
        case .floats(let n, let dims, let v):
            p.packedInts(1, dims)
            p.int(2, 1)
            p.packedFloats(4, v)
            p.string(8, n)
        case .int64s(let n, let dims, let v):
            p.packedInts(1, dims)
            p.int(2, 7)
            p.packedInts(7, v)
            p.string(8, n)
        }
        return p
    }
}

/// A value info: a tensor of `elem` (1 float, 7 int64) with dims (nil = symbolic).
func valueInfo(_ name: String, elem: Int64 = 1, dims: [Int64?]) -> PB {
    var shape = PB()
    for d in dims {
        var dim = PB()
        if let d { dim.int(1, d) } else { dim.string(2, "N") }
        shape.message(1, dim)
    }
    var tensor = PB()
    tensor.int(1, elem)
    tensor.message(2, shape)
    var type = PB()
    type.message(1, tensor)
    var vi = PB()
    vi.string(1, name)
    vi.message(2, type)
    return vi
}

struct Output {
    var name: String
    var elem: Int64 = 1
    var dims: [Int64?] = [nil]
}

/// Encodes a ModelProto with one float input `x` of shape [N, width].
func makeModel(
    width: Int, nodes: [Node], initializers: [Init] = [], outputs: [Output],
    schemaVersion: String? = "1", extraMetadata: [(String, String)] = []
) -> [UInt8] {
    var graph = PB()
    for n in nodes { graph.message(1, n.encoded) }
    graph.string(2, "test")
    for i in initializers { graph.message(5, i.encoded) }
    graph.message(11, valueInfo("x", dims: [nil, Int64(width)]))
    for o in outputs { graph.message(12, valueInfo(o.name, elem: o.elem, dims: o.dims)) }
    var model = PB()
    model.int(1, 8)
    model.string(2, "solarb-tests")
    var opset = PB()
    opset.string(1, "")
    opset.int(2, 17)
    model.message(8, opset)
    var ml = PB()
    ml.string(1, "ai.onnx.ml")
    ml.int(2, 3)
    model.message(8, ml)
    model.message(7, graph)
    var meta = extraMetadata
    if let v = schemaVersion { meta.insert(("solarb.feature_schema_version", v), at: 0) }
    for (k, v) in meta {
        var e = PB()
        e.string(1, k)
        e.string(2, v)
        model.message(14, e)
    }
    return model.bytes
}
