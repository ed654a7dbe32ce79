/// Appends little-endian integers and raw bytes to a growing buffer.
public struct ByteWriter: Sendable {
    public var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inlinable public mutating func u8(_ v: UInt8) { bytes.append(v) }
    @inlinable public mutating func u16(_ v: UInt16) { append(littleEndian: v) }
    @inlinable public mutating func u32(_ v: UInt32) { append(littleEndian: v) }
    @inlinable public mutating func u64(_ v: UInt64) { append(littleEndian: v) }
    @inlinable public mutating func i32(_ v: Int32) { append(littleEndian: UInt32(bitPattern: v)) }
    @inlinable public mutating func i64(_ v: Int64) { append(littleEndian: UInt64(bitPattern: v)) }
    @inlinable public mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    @inlinable public mutating func write<C: Sequence>(_ raw: C) where C.Element == UInt8 {
        bytes.append(contentsOf: raw)
    }
    @inlinable public mutating func address(_ a: Address) { a.raw.withBytes { bytes.append(contentsOf: $0) } }
    @inlinable public mutating func hash(_ h: Hash) { h.raw.withBytes { bytes.append(contentsOf: $0) } }
    @inlinable public mutating func signature(_ s: Signature) {
        s.lo.withBytes { bytes.append(contentsOf: $0) }
        s.hi.withBytes { bytes.append(contentsOf: $0) }
    }
    public mutating func shortVec(_ n: Int) { ShortVec.encode(n, into: &bytes) }

    @inlinable mutating func append<T: FixedWidthInteger>(littleEndian v: T) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

/// Reads little-endian integers from a byte buffer; every read is bounds-checked and throws `truncated`.
public struct ByteReader {
    public let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset >= bytes.count }

    public mutating func take(_ n: Int, _ what: @autoclosure () -> String = "bytes") throws(PrimitivesError)
        -> ArraySlice<UInt8>
    {
        guard n >= 0, n <= remaining else {
            throw PrimitivesError(.truncated, "need \(n) bytes for \(what()) at offset \(offset), have \(remaining)")
        }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }

    public mutating func u8(_ what: @autoclosure () -> String = "u8") throws(PrimitivesError) -> UInt8 {
        guard remaining >= 1 else {
            throw PrimitivesError(.truncated, "need 1 byte for \(what()) at offset \(offset), have 0")
        }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func integer<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String = "integer")
        throws(PrimitivesError) -> T
    {
        let size = MemoryLayout<T>.size
        let slice = try take(size, what())
        var v: T = 0
        for (i, b) in slice.enumerated() { v |= T(truncatingIfNeeded: b) << (8 * i) }
        return v
    }

    public mutating func u16(_ what: @autoclosure () -> String = "u16") throws(PrimitivesError) -> UInt16 {
        try integer(UInt16.self, what())
    }
    public mutating func u32(_ what: @autoclosure () -> String = "u32") throws(PrimitivesError) -> UInt32 {
        try integer(UInt32.self, what())
    }
    public mutating func u64(_ what: @autoclosure () -> String = "u64") throws(PrimitivesError) -> UInt64 {
        try integer(UInt64.self, what())
    }

    public mutating func address(_ what: @autoclosure () -> String = "address") throws(PrimitivesError) -> Address {
        try Address(bytes: take(32, what()))
    }
    public mutating func hash(_ what: @autoclosure () -> String = "hash") throws(PrimitivesError) -> Hash {
        try Hash(bytes: take(32, what()))
    }
    public mutating func shortVec(_ what: @autoclosure () -> String = "length") throws(PrimitivesError) -> Int {
        try ShortVec.decode(self, advancing: &offset, what())
    }
}

/// Solana's compact-u16 ("short-vec") length prefix: 7 bits per byte, at most 3 bytes, canonical only.
public enum ShortVec {
    /// Encoded length of `value` (0...0xFFFF): 1, 2 or 3 bytes.
    @inlinable public static func size(_ value: Int) -> Int { value < 0x80 ? 1 : value < 0x4000 ? 2 : 3 }

    public static func encode(_ value: Int, into out: inout [UInt8]) {
        precondition(value >= 0 && value <= 0xFFFF, "short-vec length out of range: \(value)")
        var rem = value
        while true {
            var elem = UInt8(rem & 0x7F)
            rem >>= 7
            if rem == 0 {
                out.append(elem)
                return
            }
            elem |= 0x80
            out.append(elem)
        }
    }

    public static func encoded(_ value: Int) -> [UInt8] {
        var out: [UInt8] = []
        encode(value, into: &out)
        return out
    }

    /// Decodes as `solana-short-vec` does: rejects more than 3 bytes, values over u16::MAX, and
    /// non-canonical encodings (a trailing zero continuation byte).
    static func decode(_ reader: ByteReader, advancing offset: inout Int, _ what: @autoclosure () -> String)
        throws(PrimitivesError) -> Int
    {
        var value = 0
        for i in 0..<3 {
            guard offset < reader.bytes.count else {
                throw PrimitivesError(.truncated, "short-vec \(what()) truncated at offset \(offset)")
            }
            let byte = reader.bytes[offset]
            offset += 1
            value |= Int(byte & 0x7F) << (7 * i)
            if byte == 0 && i > 0 {
                throw PrimitivesError(.shortVecNonCanonical, "short-vec \(what()) has an alias encoding")
            }
            if byte & 0x80 == 0 {
                guard value <= 0xFFFF else {
                    throw PrimitivesError(.shortVecOverflow, "short-vec \(what()) exceeds u16")
                }
                return value
            }
            if i == 2 {
                throw PrimitivesError(.shortVecOverflow, "short-vec \(what()) longer than 3 bytes")
            }
        }
        throw PrimitivesError(.shortVecOverflow, "short-vec \(what()) longer than 3 bytes")
    }

    /// Decodes a short-vec at the start of `bytes`; returns the value and the number of bytes it used.
    public static func decode(_ bytes: [UInt8]) throws(PrimitivesError) -> (value: Int, length: Int) {
        let reader = ByteReader(bytes)
        var offset = 0
        let v = try decode(reader, advancing: &offset, "value")
        return (v, offset)
    }
}
