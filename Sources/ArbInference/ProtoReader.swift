/// A minimal protobuf wire-format reader over a byte buffer: varints, fixed32/64 and length-delimited fields.
/// Written from the protobuf encoding spec (wire types 0 varint, 1 i64, 2 len, 5 i32; 3/4 are deprecated groups
/// and rejected). Every read is bounds-checked and throws `InferenceError(.malformedProtobuf)`; nothing traps.
struct ProtoReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>? = nil) {
        self.bytes = bytes
        self.offset = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
    }

    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    var isAtEnd: Bool { offset >= end }

    private func fail(_ what: String) -> InferenceError {
        InferenceError(.malformedProtobuf, "\(what) at byte \(offset)")
    }

    mutating func readVarint() throws(InferenceError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw fail("truncated varint") }
            let b = bytes[offset]
            offset += 1
            if shift == 63 && b > 1 { throw fail("varint overflows 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw fail("varint longer than 10 bytes") }
        }
    }

    /// Reads a field key; returns (field number, wire type).
    mutating func readKey() throws(InferenceError) -> (field: UInt64, wire: WireType) {
        let key = try readVarint()
        let field = key >> 3
        guard field != 0 else { throw fail("field number 0") }
        guard let wire = WireType(rawValue: UInt8(key & 7)) else {
            throw fail("unsupported wire type \(key & 7) for field \(field)")
        }
        return (field, wire)
    }

    mutating func readFixed32() throws(InferenceError) -> UInt32 {
        guard end - offset >= 4 else { throw fail("truncated fixed32") }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
        offset += 4
        return v
    }

    mutating func readFixed64() throws(InferenceError) -> UInt64 {
        guard end - offset >= 8 else { throw fail("truncated fixed64") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return v
    }

    /// Reads a length prefix and returns the byte range of the payload, advancing past it.
    mutating func readLengthDelimited() throws(InferenceError) -> Range<Int> {
        let length = try readVarint()
        guard length <= UInt64(end - offset) else { throw fail("length \(length) runs past the end") }
        let start = offset
        offset += Int(length)
        return start..<offset
    }

    mutating func readBytes() throws(InferenceError) -> [UInt8] {
        let r = try readLengthDelimited()
        return Array(UnsafeRawBufferPointer(rebasing: bytes[r]))
    }

    mutating func readString() throws(InferenceError) -> String {
        let r = try readLengthDelimited()
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[r]), as: UTF8.self)
    }

    mutating func readInt64() throws(InferenceError) -> Int64 { Int64(bitPattern: try readVarint()) }

    mutating func readInt32() throws(InferenceError) -> Int32 {
        // int32 is encoded as a sign-extended varint; keep the low 32 bits.
        Int32(truncatingIfNeeded: Int64(bitPattern: try readVarint()))
    }

    mutating func readFloat() throws(InferenceError) -> Float { Float(bitPattern: try readFixed32()) }
    mutating func readDouble() throws(InferenceError) -> Double { Double(bitPattern: try readFixed64()) }

    /// A sub-reader over a length-delimited payload.
    mutating func readMessage() throws(InferenceError) -> ProtoReader {
        let r = try readLengthDelimited()
        return ProtoReader(bytes, range: r)
    }

    mutating func skip(_ wire: WireType) throws(InferenceError) {
        switch wire {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .fixed32: _ = try readFixed32()
        case .lengthDelimited: _ = try readLengthDelimited()
        }
    }

    // Repeated scalars: accept both packed (wire 2) and unpacked encodings, as protobuf parsers must.

    mutating func appendInt64s(_ wire: WireType, to out: inout [Int64]) throws(InferenceError) {
        if wire == .lengthDelimited {
            var sub = try readMessage()
            while !sub.isAtEnd { out.append(try sub.readInt64()) }
        } else if wire == .varint {
            out.append(try readInt64())
        } else {
            throw fail("int64 field with wire type \(wire.rawValue)")
        }
    }

    mutating func appendInt32s(_ wire: WireType, to out: inout [Int32]) throws(InferenceError) {
        if wire == .lengthDelimited {
            var sub = try readMessage()
            while !sub.isAtEnd { out.append(try sub.readInt32()) }
        } else if wire == .varint {
            out.append(try readInt32())
        } else {
            throw fail("int32 field with wire type \(wire.rawValue)")
        }
    }

    mutating func appendFloats(_ wire: WireType, to out: inout [Float]) throws(InferenceError) {
        if wire == .lengthDelimited {
            let r = try readLengthDelimited()
            guard r.count % 4 == 0 else { throw fail("packed float payload of \(r.count) bytes") }
            var sub = ProtoReader(bytes, range: r)
            out.reserveCapacity(out.count + r.count / 4)
            while !sub.isAtEnd { out.append(try sub.readFloat()) }
        } else if wire == .fixed32 {
            out.append(try readFloat())
        } else {
            throw fail("float field with wire type \(wire.rawValue)")
        }
    }

    mutating func appendDoubles(_ wire: WireType, to out: inout [Double]) throws(InferenceError) {
        if wire == .lengthDelimited {
            let r = try readLengthDelimited()
            guard r.count % 8 == 0 else { throw fail("packed double payload of \(r.count) bytes") }
            var sub = ProtoReader(bytes, range: r)
            while !sub.isAtEnd { out.append(try sub.readDouble()) }
        } else if wire == .fixed64 {
            out.append(try readDouble())
        } else {
            throw fail("double field with wire type \(wire.rawValue)")
        }
    }

    mutating func expect(_ wire: WireType, _ expected: WireType, _ what: String) throws(InferenceError) {
        guard wire == expected else {
            throw fail("\(what) has wire type \(wire.rawValue), expected \(expected.rawValue)")
        }
    }
}
