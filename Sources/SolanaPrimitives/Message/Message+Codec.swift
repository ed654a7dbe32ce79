extension MessageHeader {
    func write(to w: inout ByteWriter) {
        w.u8(numRequiredSignatures)
        w.u8(numReadonlySignedAccounts)
        w.u8(numReadonlyUnsignedAccounts)
    }
}

extension CompiledInstruction {
    func write(to w: inout ByteWriter) {
        w.u8(programIdIndex)
        w.shortVec(accounts.count)
        w.write(accounts)
        w.shortVec(data.count)
        w.write(data)
    }

    static func read(_ r: inout ByteReader) throws(PrimitivesError) -> CompiledInstruction {
        let program = try r.u8("program id index")
        let n = try r.shortVec("instruction account count")
        let accounts = Array(try r.take(n, "instruction account indexes"))
        let d = try r.shortVec("instruction data length")
        let data = Array(try r.take(d, "instruction data"))
        return CompiledInstruction(programIdIndex: program, accounts: accounts, data: data)
    }
}

extension LegacyMessage {
    public func serialize() -> [UInt8] {
        var w = ByteWriter(
            capacity: serializedSizeBound(keys: accountKeys.count, instructions: instructions, lookups: []))
        write(to: &w)
        return w.bytes
    }

    func write(to w: inout ByteWriter) {
        header.write(to: &w)
        w.shortVec(accountKeys.count)
        for k in accountKeys { w.address(k) }
        w.hash(recentBlockhash)
        w.shortVec(instructions.count)
        for ix in instructions { ix.write(to: &w) }
    }

    static func read(_ r: inout ByteReader) throws(PrimitivesError) -> LegacyMessage {
        let header = MessageHeader(
            numRequiredSignatures: try r.u8("header"), numReadonlySignedAccounts: try r.u8("header"),
            numReadonlyUnsignedAccounts: try r.u8("header"))
        let n = try r.shortVec("account key count")
        var keys: [Address] = []
        keys.reserveCapacity(n)
        for _ in 0..<n { keys.append(try r.address("account key")) }
        let blockhash = try r.hash("recent blockhash")
        let ni = try r.shortVec("instruction count")
        var ixs: [CompiledInstruction] = []
        for _ in 0..<ni { ixs.append(try CompiledInstruction.read(&r)) }
        return LegacyMessage(header: header, accountKeys: keys, recentBlockhash: blockhash, instructions: ixs)
    }
}

/// Exact upper bound of a message's size (short-vec prefixes counted at their 3-byte maximum), so serializing
/// never reallocates.
func serializedSizeBound(keys: Int, instructions: [CompiledInstruction], lookups: [MessageAddressTableLookup]) -> Int {
    var n = 1 + 3 + 3 + 32 * keys + 32 + 3 + 3
    for ix in instructions { n += 1 + 3 + ix.accounts.count + 3 + ix.data.count }
    for l in lookups { n += 32 + 3 + l.writableIndexes.count + 3 + l.readonlyIndexes.count }
    return n
}

extension V0Message {
    public func serialize() -> [UInt8] {
        var w = ByteWriter(
            capacity: serializedSizeBound(
                keys: accountKeys.count, instructions: instructions, lookups: addressTableLookups))
        write(to: &w)
        return w.bytes
    }

    func write(to w: inout ByteWriter) {
        w.u8(0x80)  // MESSAGE_VERSION_PREFIX | version 0
        header.write(to: &w)
        w.shortVec(accountKeys.count)
        for k in accountKeys { w.address(k) }
        w.hash(recentBlockhash)
        w.shortVec(instructions.count)
        for ix in instructions { ix.write(to: &w) }
        w.shortVec(addressTableLookups.count)
        for l in addressTableLookups {
            w.address(l.accountKey)
            w.shortVec(l.writableIndexes.count)
            w.write(l.writableIndexes)
            w.shortVec(l.readonlyIndexes.count)
            w.write(l.readonlyIndexes)
        }
    }

    /// Reads the body after the version prefix byte.
    static func readBody(_ r: inout ByteReader) throws(PrimitivesError) -> V0Message {
        let legacyShape = try LegacyMessage.read(&r)
        let nl = try r.shortVec("address table lookup count")
        var lookups: [MessageAddressTableLookup] = []
        for _ in 0..<nl {
            let key = try r.address("lookup table key")
            let nw = try r.shortVec("writable index count")
            let w = Array(try r.take(nw, "writable indexes"))
            let nr = try r.shortVec("readonly index count")
            let ro = Array(try r.take(nr, "readonly indexes"))
            lookups.append(MessageAddressTableLookup(accountKey: key, writableIndexes: w, readonlyIndexes: ro))
        }
        return V0Message(
            header: legacyShape.header, accountKeys: legacyShape.accountKeys,
            recentBlockhash: legacyShape.recentBlockhash, instructions: legacyShape.instructions,
            addressTableLookups: lookups)
    }
}

extension VersionedMessage {
    /// An upper bound of `serialize().count` (for sizing buffers).
    public var serializedSizeBound: Int {
        SolanaPrimitives.serializedSizeBound(
            keys: staticAccountKeys.count, instructions: instructions, lookups: addressTableLookups)
    }

    /// Appends the message bytes to `w`.
    public func serialize(into w: inout ByteWriter) { write(to: &w) }

    /// The bytes that signers sign.
    public func serialize() -> [UInt8] {
        switch self {
        case .legacy(let m): m.serialize()
        case .v0(let m): m.serialize()
        }
    }

    func write(to w: inout ByteWriter) {
        switch self {
        case .legacy(let m): m.write(to: &w)
        case .v0(let m): m.write(to: &w)
        }
    }

    static func read(_ r: inout ByteReader) throws(PrimitivesError) -> VersionedMessage {
        guard !r.isAtEnd else { throw PrimitivesError(.truncated, "empty message") }
        let first = r.bytes[r.offset]
        if first & 0x80 != 0 {
            let version = first & 0x7F
            guard version == 0 else {
                throw PrimitivesError(
                    .unsupportedVersion, "message version \(version) is not supported (only legacy and v0)")
            }
            _ = try r.u8()
            return .v0(try V0Message.readBody(&r))
        }
        return .legacy(try LegacyMessage.read(&r))
    }

    /// Parses exactly one message (no trailing bytes) without sanitizing it.
    public static func deserialize(_ bytes: [UInt8]) throws(PrimitivesError) -> VersionedMessage {
        var r = ByteReader(bytes)
        let m = try read(&r)
        guard r.isAtEnd else { throw PrimitivesError(.trailingBytes, "\(r.remaining) bytes after the message") }
        return m
    }
}
