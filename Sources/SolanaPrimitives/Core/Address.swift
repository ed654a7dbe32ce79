/// A Solana account address (an Ed25519 public key or a program-derived address): 32 bytes, shown in base58.
public struct Address: Hashable, Sendable, Comparable, CustomStringConvertible, LosslessStringConvertible, Codable,
    ExpressibleByStringLiteral
{
    public var raw: Bytes32

    @inlinable public init(raw: Bytes32) { self.raw = raw }

    public init<C: Collection>(bytes: C) throws(PrimitivesError) where C.Element == UInt8 {
        self.raw = try Bytes32(bytes: bytes)
    }

    /// Parses base58 text; a bad character or a decoded length other than 32 is a typed error.
    public init(base58 string: String) throws(PrimitivesError) {
        let decoded = try Base58.decode(string)
        guard decoded.count == 32 else {
            throw PrimitivesError(
                .invalidLength, "address \"\(string.prefix(64))\" decodes to \(decoded.count) bytes, expected 32")
        }
        self.raw = try Bytes32(bytes: decoded)
    }

    /// For literals in our own code (program ids): traps on a typo, which is a programming error.
    /// `Address("…")` with a literal uses this (SE-0213); runtime text goes through `init(base58:)`.
    public init(stringLiteral literal: String) {
        do {
            try self.init(base58: literal)
        } catch {
            preconditionFailure("bad address literal \(literal): \(error)")
        }
    }

    public init?(_ description: String) {
        guard let a = try? Address(base58: description) else { return nil }
        self = a
    }

    public static let zero = Address(raw: .zero)

    public var bytes: [UInt8] { raw.bytes }
    public var base58: String { Base58.encode(raw.bytes) }
    public var description: String { base58 }

    public static func < (lhs: Address, rhs: Address) -> Bool { lhs.raw < rhs.raw }

    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(base58: s) } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(base58)
    }
}

/// A 32-byte hash (blockhash, message hash), shown in base58.
public struct Hash: Hashable, Sendable, CustomStringConvertible, Codable {
    public var raw: Bytes32
    @inlinable public init(raw: Bytes32) { self.raw = raw }
    public init<C: Collection>(bytes: C) throws(PrimitivesError) where C.Element == UInt8 {
        self.raw = try Bytes32(bytes: bytes)
    }
    public init(base58 string: String) throws(PrimitivesError) {
        let decoded = try Base58.decode(string)
        guard decoded.count == 32 else {
            throw PrimitivesError(.invalidLength, "hash decodes to \(decoded.count) bytes, expected 32")
        }
        self.raw = try Bytes32(bytes: decoded)
    }
    public static let zero = Hash(raw: .zero)
    public var bytes: [UInt8] { raw.bytes }
    public var description: String { Base58.encode(raw.bytes) }

    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(base58: s) } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// An Ed25519 signature: 64 bytes, shown in base58.
public struct Signature: Hashable, Sendable, CustomStringConvertible {
    public var lo: Bytes32
    public var hi: Bytes32

    public init<C: Collection>(bytes: C) throws(PrimitivesError) where C.Element == UInt8 {
        guard bytes.count == 64 else {
            throw PrimitivesError(.invalidLength, "signature must be 64 bytes, got \(bytes.count)")
        }
        let a = Array(bytes)
        self.lo = try Bytes32(bytes: a[0..<32])
        self.hi = try Bytes32(bytes: a[32..<64])
    }

    public init(base58 string: String) throws(PrimitivesError) {
        let decoded = try Base58.decode(string)
        try self.init(bytes: decoded)
    }

    public static let zero = Signature(lo: .zero, hi: .zero)
    @inlinable public init(lo: Bytes32, hi: Bytes32) {
        self.lo = lo
        self.hi = hi
    }

    public var bytes: [UInt8] { lo.bytes + hi.bytes }
    public var description: String { Base58.encode(bytes) }
}
