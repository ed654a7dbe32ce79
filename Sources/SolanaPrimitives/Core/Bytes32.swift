/// 32 bytes held inline (four little-endian words) so that addresses and hashes are cheap to copy,
/// compare and hash, with no heap allocation.
public struct Bytes32: Hashable, Sendable, Comparable {
    public var w0: UInt64
    public var w1: UInt64
    public var w2: UInt64
    public var w3: UInt64

    @inlinable public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    public static let zero = Bytes32(w0: 0, w1: 0, w2: 0, w3: 0)

    /// From exactly 32 bytes; throws `invalidLength` otherwise.
    public init<C: Collection>(bytes: C) throws(PrimitivesError) where C.Element == UInt8 {
        guard bytes.count == 32 else {
            throw PrimitivesError(.invalidLength, "expected 32 bytes, got \(bytes.count)")
        }
        self = .zero
        withUnsafeMutableBytes(of: &self) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
    }

    /// Reads 32 bytes at `offset` of a buffer the caller has bounds-checked.
    @inlinable public init(unchecked buffer: UnsafeRawBufferPointer, at offset: Int) {
        self = .zero
        withUnsafeMutableBytes(of: &self) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + 32]))
        }
    }

    public var bytes: [UInt8] {
        withUnsafeBytes(of: self) { Array($0) }
    }

    @inlinable public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: self, body)
    }

    /// Lexicographic byte order (as Rust's `[u8; 32]` `Ord`): compare words with the first byte most significant.
    @inlinable public static func < (lhs: Bytes32, rhs: Bytes32) -> Bool {
        if lhs.w0 != rhs.w0 { return lhs.w0.bigEndian < rhs.w0.bigEndian }
        if lhs.w1 != rhs.w1 { return lhs.w1.bigEndian < rhs.w1.bigEndian }
        if lhs.w2 != rhs.w2 { return lhs.w2.bigEndian < rhs.w2.bigEndian }
        return lhs.w3.bigEndian < rhs.w3.bigEndian
    }
}
