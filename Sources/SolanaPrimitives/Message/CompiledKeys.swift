/// Compiles instructions into a message the way `solana-message` does (`CompiledKeys` + `v0::Message::try_compile`):
/// every key an instruction touches, signer/writable flags merged; in v0, keys that are neither signers nor invoked
/// programs move to the first lookup table that holds them (writable ones first, then readonly, each in key order,
/// at their first index in the table); the rest are static: payer first, then byte order within each group
/// [writable signers | readonly signers | writable non-signers | readonly non-signers].
///
/// This is the execution hot path, so it keeps its scratch buffers: a compiler reused across transactions (one per
/// thread or task) compiles straight into wire bytes with no allocation once warm. `LegacyMessage` and `V0Message`
/// initializers use a fresh one, so the differential tests against solders cover this code.
public struct MessageCompiler: Sendable {
    static let signer: UInt8 = 1
    static let writable: UInt8 = 2
    static let invoked: UInt8 = 4
    static let loaded: UInt8 = 8

    // Inputs gathered per entry (program ids and account metas, in instruction order).
    private var entries: [Address] = []
    private var entryFlags: [UInt8] = []
    private var packed: [UInt64] = []
    private var order: [Int] = []
    /// Unique keys in byte order (like Rust's `BTreeMap<Pubkey, _>`), with merged flags.
    private var keys: [Address] = []
    private var flags: [UInt8] = []
    /// Indexes into `keys` of keys loaded from tables, in message order.
    private var loadedWritable: [Int] = []
    private var loadedReadonly: [Int] = []
    /// Per used table: its key and the ranges of `lookupIndexes` holding its writable then readonly indexes.
    private var lookups: [(key: Address, writable: Range<Int>, readonly: Range<Int>)] = []
    private var lookupIndexes: [UInt8] = []
    /// Static keys in message order (indexes into `keys`), and every key's final position.
    private var staticOrder: [Int] = []
    private var group: [UInt8] = []
    private var positions: [Int] = []
    public private(set) var header = MessageHeader(
        numRequiredSignatures: 0, numReadonlySignedAccounts: 0, numReadonlyUnsignedAccounts: 0)

    public init() {}

    /// The i-th required signer of the last compiled message (signature order).
    public func signerAddress(_ i: Int) -> Address { keys[staticOrder[i]] }

    /// Compiles; afterwards `header`, `writeMessage` and the accessors describe the result.
    public mutating func compile(
        instructions: [Instruction], payer: Address, lookupTables: [AddressLookupTableAccount]
    ) throws(PrimitivesError) {
        gather(instructions, payer: payer)
        lookups.removeAll(keepingCapacity: true)
        lookupIndexes.removeAll(keepingCapacity: true)
        loadedWritable.removeAll(keepingCapacity: true)
        loadedReadonly.removeAll(keepingCapacity: true)
        for table in lookupTables { try extract(table) }
        try layout(payer: payer)
    }

    private mutating func gather(_ instructions: [Instruction], payer: Address) {
        entries.removeAll(keepingCapacity: true)
        entryFlags.removeAll(keepingCapacity: true)
        for ix in instructions {
            entries.append(ix.programId)
            entryFlags.append(Self.invoked)
            for a in ix.accounts {
                entries.append(a.address)
                entryFlags.append((a.isSigner ? Self.signer : 0) | (a.isWritable ? Self.writable : 0))
            }
        }
        entries.append(payer)
        entryFlags.append(Self.signer | Self.writable)
        sortEntries()
        keys.removeAll(keepingCapacity: true)
        flags.removeAll(keepingCapacity: true)
        for i in order {
            let key = entries[i]
            if let last = keys.last, last == key {
                flags[flags.count - 1] |= entryFlags[i]
            } else {
                keys.append(key)
                flags.append(entryFlags[i])
            }
        }
    }

    /// `order` = entry numbers in key order. Up to 256 entries (every real transaction) sort as plain integers —
    /// the first 7 key bytes above an 8-bit entry number — then runs with equal 7-byte prefixes are ordered on
    /// the full key.
    private mutating func sortEntries() {
        let n = entries.count
        order.removeAll(keepingCapacity: true)
        guard n <= 256 else {
            order.append(contentsOf: entries.indices)
            let e = entries
            order.sort { e[$0] < e[$1] }
            return
        }
        packed.removeAll(keepingCapacity: true)
        for (i, a) in entries.enumerated() { packed.append((a.raw.w0.bigEndian & ~0xFF) | UInt64(i)) }
        packed.sort()
        for p in packed { order.append(Int(p & 0xFF)) }
        var start = 0
        while start < n {
            var end = start + 1
            while end < n && packed[end] >> 8 == packed[start] >> 8 { end += 1 }
            if end - start > 1 {
                let e = entries
                order[start..<end].sort { e[$0] < e[$1] }
            }
            start = end
        }
    }

    func index(of key: Address) -> Int? {
        var lo = 0
        var hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if keys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo < keys.count && keys[lo] == key ? lo : nil
    }

    /// Moves eligible keys found in `table` out of the static set (both lists are sorted: one merge pass each
    /// for writable and readonly keys). A table that supplies no key is not recorded.
    private mutating func extract(_ table: AddressLookupTableAccount) throws(PrimitivesError) {
        let sorted = table.sortedFirstIndexes
        let writableStart = lookupIndexes.count
        var writableEnd = writableStart
        for pass in 0..<2 {
            let wantWritable: UInt8 = pass == 0 ? Self.writable : 0
            var t = 0
            for i in keys.indices {
                let f = flags[i]
                guard f & (Self.signer | Self.invoked | Self.loaded) == 0, f & Self.writable == wantWritable else {
                    continue
                }
                let key = keys[i]
                while t < sorted.count && sorted[t].address < key { t += 1 }
                guard t < sorted.count, sorted[t].address == key else { continue }
                let position = sorted[t].index
                guard position <= Int(UInt8.max) else {
                    throw PrimitivesError(
                        .indexOutOfBounds, "lookup table \(table.key) holds \(key) at index \(position) > 255")
                }
                flags[i] |= Self.loaded
                lookupIndexes.append(UInt8(position))
                if pass == 0 { loadedWritable.append(i) } else { loadedReadonly.append(i) }
            }
            if pass == 0 { writableEnd = lookupIndexes.count }
        }
        if lookupIndexes.count > writableStart {
            lookups.append((table.key, writableStart..<writableEnd, writableEnd..<lookupIndexes.count))
        }
    }

    /// Counting sort of the static keys into the four groups, then every key's final position (static, then
    /// looked-up writable across tables, then looked-up readonly).
    private mutating func layout(payer: Address) throws(PrimitivesError) {
        let n = keys.count
        group.removeAll(keepingCapacity: true)
        group.append(contentsOf: repeatElement(4, count: n))  // 4 = payer or loaded
        var c = (0, 0, 0, 0)
        let payerIndex = index(of: payer)!  // the payer is always gathered
        for i in 0..<n where i != payerIndex && flags[i] & Self.loaded == 0 {
            let f = flags[i]
            if f & Self.signer != 0 {
                if f & Self.writable != 0 {
                    group[i] = 0
                    c.0 += 1
                } else {
                    group[i] = 1
                    c.1 += 1
                }
            } else {
                if f & Self.writable != 0 {
                    group[i] = 2
                    c.2 += 1
                } else {
                    group[i] = 3
                    c.3 += 1
                }
            }
        }
        let staticCount = 1 + c.0 + c.1 + c.2 + c.3
        var next = (1, 1 + c.0, 1 + c.0 + c.1, 1 + c.0 + c.1 + c.2)
        positions.removeAll(keepingCapacity: true)
        positions.append(contentsOf: repeatElement(0, count: n))
        staticOrder.removeAll(keepingCapacity: true)
        staticOrder.append(contentsOf: repeatElement(payerIndex, count: staticCount))
        for i in 0..<n {
            let p: Int
            switch group[i] {
            case 0:
                p = next.0
                next.0 += 1
            case 1:
                p = next.1
                next.1 += 1
            case 2:
                p = next.2
                next.2 += 1
            case 3:
                p = next.3
                next.3 += 1
            default: continue
            }
            positions[i] = p
            staticOrder[p] = i
        }
        for (k, i) in loadedWritable.enumerated() { positions[i] = staticCount + k }
        let readonlyBase = staticCount + loadedWritable.count
        for (k, i) in loadedReadonly.enumerated() { positions[i] = readonlyBase + k }
        let total = readonlyBase + loadedReadonly.count
        guard total <= TransactionLimits.maxAccounts else {
            throw PrimitivesError(
                .tooManyAccounts,
                "\(total) accounts: indexes above 255 cannot be encoded (max \(TransactionLimits.maxAccounts))")
        }
        guard 1 + c.0 + c.1 <= 255, c.3 <= 255 else {
            throw PrimitivesError(.tooManyAccounts, "header counts exceed u8")
        }
        header = MessageHeader(
            numRequiredSignatures: UInt8(1 + c.0 + c.1), numReadonlySignedAccounts: UInt8(c.1),
            numReadonlyUnsignedAccounts: UInt8(c.3))
    }

    private func position(_ key: Address) -> UInt8 { UInt8(positions[index(of: key)!]) }

    // MARK: Output

    /// Writes the compiled message (v0 with the 0x80 prefix, or legacy) straight into `w`.
    public func writeMessage(
        instructions: [Instruction], recentBlockhash: Hash, version: MessageVersion, into w: inout ByteWriter
    ) {
        if version == .v0 { w.u8(0x80) }
        w.u8(header.numRequiredSignatures)
        w.u8(header.numReadonlySignedAccounts)
        w.u8(header.numReadonlyUnsignedAccounts)
        w.shortVec(staticOrder.count)
        for i in staticOrder { w.address(keys[i]) }
        w.hash(recentBlockhash)
        w.shortVec(instructions.count)
        for ix in instructions {
            w.u8(position(ix.programId))
            w.shortVec(ix.accounts.count)
            for a in ix.accounts { w.u8(position(a.address)) }
            w.shortVec(ix.data.count)
            w.write(ix.data)
        }
        if version == .v0 {
            w.shortVec(lookups.count)
            for l in lookups {
                w.address(l.key)
                w.shortVec(l.writable.count)
                w.write(lookupIndexes[l.writable])
                w.shortVec(l.readonly.count)
                w.write(lookupIndexes[l.readonly])
            }
        }
    }

    /// An upper bound of the message size, for sizing buffers.
    public func messageSizeBound(instructions: [Instruction]) -> Int {
        var n = 1 + 3 + 3 + 32 * staticOrder.count + 32 + 3 + 3
        for ix in instructions { n += 1 + 3 + ix.accounts.count + 3 + ix.data.count }
        n += lookups.count * (32 + 6) + lookupIndexes.count
        return n
    }

    // MARK: Values

    var staticKeys: [Address] { staticOrder.map { keys[$0] } }

    func compiledInstructions(_ instructions: [Instruction]) -> [CompiledInstruction] {
        instructions.map { ix in
            CompiledInstruction(
                programIdIndex: position(ix.programId), accounts: ix.accounts.map { position($0.address) },
                data: ix.data)
        }
    }

    var addressTableLookups: [MessageAddressTableLookup] {
        lookups.map {
            MessageAddressTableLookup(
                accountKey: $0.key, writableIndexes: Array(lookupIndexes[$0.writable]),
                readonlyIndexes: Array(lookupIndexes[$0.readonly]))
        }
    }
}

public enum MessageVersion: Sendable, Hashable {
    case legacy
    case v0
}
