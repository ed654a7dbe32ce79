import SolanaPrimitives

/// Bounds-checked little-endian reads at fixed offsets of an account's data. Every read past the end is a
/// `VenueError.truncated`, never a trap.
struct AccountBytes {
    let data: [UInt8]
    /// What is being decoded, for error messages ("Whirlpool", "TickArray"…).
    let what: String

    init(_ data: [UInt8], _ what: String) {
        self.data = data
        self.what = what
    }

    @inline(__always) func check(_ offset: Int, _ size: Int) throws(VenueError) {
        guard offset >= 0, size >= 0, offset <= data.count - size else {
            throw VenueError(.truncated, "\(what): need \(size) bytes at offset \(offset), account has \(data.count)")
        }
    }

    func u8(_ o: Int) throws(VenueError) -> UInt8 {
        try check(o, 1)
        return data[o]
    }

    func bool(_ o: Int) throws(VenueError) -> Bool { try u8(o) != 0 }

    func uint<T: FixedWidthInteger & UnsignedInteger>(_ o: Int, _: T.Type) throws(VenueError) -> T {
        let n = MemoryLayout<T>.size
        try check(o, n)
        var v: T = 0
        for i in 0..<n { v |= T(data[o + i]) << (8 * i) }
        return v
    }

    func u16(_ o: Int) throws(VenueError) -> UInt16 { try uint(o, UInt16.self) }
    func u32(_ o: Int) throws(VenueError) -> UInt32 { try uint(o, UInt32.self) }
    func u64(_ o: Int) throws(VenueError) -> UInt64 { try uint(o, UInt64.self) }
    func u128(_ o: Int) throws(VenueError) -> UInt128 { try uint(o, UInt128.self) }
    func i32(_ o: Int) throws(VenueError) -> Int32 { Int32(bitPattern: try u32(o)) }
    func i64(_ o: Int) throws(VenueError) -> Int64 { Int64(bitPattern: try u64(o)) }
    func i128(_ o: Int) throws(VenueError) -> Int128 { Int128(bitPattern: try u128(o)) }

    func bytes(_ o: Int, _ n: Int) throws(VenueError) -> ArraySlice<UInt8> {
        try check(o, n)
        return data[o..<o + n]
    }

    func address(_ o: Int) throws(VenueError) -> Address {
        try check(o, 32)
        do {
            return try Address(bytes: data[o..<o + 32])
        } catch {
            throw VenueError(.truncated, "\(what): address at \(o): \(error)")
        }
    }

    /// Checks an 8-byte Anchor account discriminator.
    func expectDiscriminator(_ disc: [UInt8]) throws(VenueError) {
        try check(0, 8)
        guard data[0..<8].elementsEqual(disc) else {
            throw VenueError(.wrongDiscriminator, "\(what): discriminator \(hex(data[0..<8])) is not \(hex(disc[...]))")
        }
    }
}

func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

extension AccountData {
    /// Throws `wrongOwner` unless the account belongs to `program`.
    func expectOwner(_ program: Address, _ what: String) throws(VenueError) {
        guard owner == program else {
            throw VenueError(.wrongOwner, "\(what) \(address) is owned by \(owner), expected \(program)")
        }
    }

    /// An account that does not exist on chain, as a feed reports it: system-owned with no data.
    public var isEmptySystemAccount: Bool { owner == ProgramIDs.system && data.isEmpty }
}

extension AccountSource {
    /// The account, or `missingAccount` naming what it was for.
    func require(_ address: Address, _ what: String) throws(VenueError) -> AccountData {
        guard let a = account(address) else {
            throw VenueError(.missingAccount, "\(what) \(address) was not supplied")
        }
        return a
    }
}
