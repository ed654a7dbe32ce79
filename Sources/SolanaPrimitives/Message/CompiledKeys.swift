/// Compiles instructions into a message the way `solana-message` does (`CompiledKeys` + `v0::Message::try_compile`):
/// every key an instruction touches, signer/writable flags merged; in v0, keys that are neither signers nor invoked
/// programs move to the first lookup table that holds them (writable ones first, then readonly, each in key order,
/// at their first index in the table); the rest are static: payer first, then byte order within each group
/// [writable signers | readonly signers | writable non-signers | readonly non-signers].
///
/// This is the execution hot path, so it keeps its scratch buffers: a compiler reused across transactions (one per
/// thread or task) compiles and writes wire bytes with no allocation once warm (see `writeMessage(…, to:)` and
/// `signedTransaction(…, into:)` in SolanaKeys). How it stays cheap:
/// - every account reference ("entry": a program id or an account meta, in instruction order, then the payer) is
///   gathered once; the keys are ordered by a counting sort on their first byte (keys are hashes or curve points,
///   so 256 buckets leave a nearly sorted list), an insertion pass on the first 7 bytes, and a full-key order
///   only inside runs that share those 7 bytes (in practice: the same key referenced several times);
/// - each entry remembers the index of its unique key, so writing an instruction's account indexes is a table
///   lookup, not a search;
/// - lookup tables are matched by one merge of two sorted lists per table (no hashing per transaction).
///
/// `LegacyMessage` and `V0Message` initializers use a fresh compiler, so the differential tests against solders
/// cover this code, as they do `signedTransaction`.
public struct MessageCompiler: Sendable {
    static let signer: UInt8 = 1
    static let writable: UInt8 = 2
    static let invoked: UInt8 = 4
    static let loaded: UInt8 = 8

    // Scratch storage, grown when a transaction needs more and never shrunk; the counts say what is in use.
    // Per entry (program ids and account metas in instruction order, then the payer).
    private var entryKeys: [Address] = []
    private var entryFlags: [UInt8] = []
    /// Entry → index of its key in `keys`.
    private var entryKey: [Int32] = []
    private var entryCount = 0
    // Sort scratch: (first 7 key bytes ‖ entry number) before and after the counting sort, and the 256 buckets.
    private var packed: [UInt64] = []
    private var sorted: [UInt64] = []
    private var buckets: [Int] = Array(repeating: 0, count: 256)
    /// Unique keys in byte order (like Rust's `BTreeMap<Pubkey, _>`), with merged flags.
    private var keys: [Address] = []
    private var flags: [UInt8] = []
    private var keyCount = 0
    /// Per key: its first index in the table being matched, or -1.
    private var tableHit: [Int] = []
    /// Indexes into `keys` of keys loaded from tables, in message order.
    private var loadedWritable: [Int] = []
    private var loadedReadonly: [Int] = []
    private var loadedWritableCount = 0
    private var loadedReadonlyCount = 0
    /// Per used table: its key and the ranges of `lookupIndexes` holding its writable then readonly indexes.
    private var lookups: [(key: Address, writable: Range<Int>, readonly: Range<Int>)] = []
    private var lookupIndexes: [UInt8] = []
    private var lookupIndexCount = 0
    /// Static keys in message order (indexes into `keys`), and every key's final position.
    private var staticOrder: [Int] = []
    private var positions: [UInt8] = []
    public private(set) var header = MessageHeader(
        numRequiredSignatures: 0, numReadonlySignedAccounts: 0, numReadonlyUnsignedAccounts: 0)

    public init() {}

    /// The i-th required signer of the last compiled message (signature order).
    public func signerAddress(_ i: Int) -> Address {
        precondition(i >= 0 && i < Int(header.numRequiredSignatures), "signer index out of range")
        return keys[staticOrder[i]]
    }

    /// Compiles; afterwards `header`, `writeMessage` and the accessors describe the result.
    public mutating func compile(
        instructions: [Instruction], payer: Address, lookupTables: [AddressLookupTableAccount]
    ) throws(PrimitivesError) {
        gather(instructions, payer: payer)
        lookups.removeAll(keepingCapacity: true)
        // Each key is loaded at most once: `keyCount` bounds all three lists.
        Self.grow(&lookupIndexes, keyCount, 0)
        Self.grow(&loadedWritable, keyCount, 0)
        Self.grow(&loadedReadonly, keyCount, 0)
        lookupIndexCount = 0
        loadedWritableCount = 0
        loadedReadonlyCount = 0
        for table in lookupTables { try extract(table) }
        try layout()
    }

    @inline(__always)
    private static func grow<T>(_ a: inout [T], _ n: Int, _ zero: T) {
        if a.count < n { a = Array(repeating: zero, count: Swift.max(n, 2 * a.count, 64)) }
    }

    private mutating func gather(_ instructions: [Instruction], payer: Address) {
        var n = 1
        instructions.withUnsafeBufferPointer { ixs in
            for k in 0..<ixs.count { n += 1 + ixs[k].accounts.count }
        }
        entryCount = n
        Self.grow(&entryKeys, n, .zero)
        Self.grow(&entryFlags, n, 0)
        Self.grow(&entryKey, n, 0)
        Self.grow(&keys, n, .zero)
        Self.grow(&flags, n, 0)
        Self.grow(&packed, 256, 0)
        Self.grow(&sorted, 256, 0)
        entryKeys.withUnsafeMutableBufferPointer { ek in
            entryFlags.withUnsafeMutableBufferPointer { ef in
                instructions.withUnsafeBufferPointer { ixs in
                    var e = 0
                    for k in 0..<ixs.count {
                        ek[e] = ixs[k].programId
                        ef[e] = Self.invoked
                        e &+= 1
                        ixs[k].accounts.withUnsafeBufferPointer { acc in
                            for a in acc {
                                ek[e] = a.address
                                ef[e] = (a.isSigner ? Self.signer : 0) | (a.isWritable ? Self.writable : 0)
                                e &+= 1
                            }
                        }
                    }
                    ek[e] = payer
                    ef[e] = Self.signer | Self.writable
                }
            }
        }
        if n <= 256 {
            entryKeys.withUnsafeBufferPointer { e in
                packed.withUnsafeMutableBufferPointer { p in
                    sorted.withUnsafeMutableBufferPointer { s in
                        buckets.withUnsafeMutableBufferPointer { b in
                            Self.sort(e.baseAddress!, n, p.baseAddress!, s.baseAddress!, b.baseAddress!)
                        }
                    }
                }
            }
            let order = sorted  // a second reference, no copy (read only while `self` is mutated)
            keyCount = order.withUnsafeBufferPointer { dedupe(n, $0.baseAddress!, mask: 0xFF) }
        } else {
            // Longer than any real transaction: a plain index sort (allocates; compiling then fails on > 256 keys
            // unless the entries repeat).
            let e = entryKeys
            let order = (0..<n).sorted(by: { e[$0] < e[$1] }).map { UInt64($0) }
            keyCount = order.withUnsafeBufferPointer { dedupe(n, $0.baseAddress!, mask: .max) }
        }
    }

    /// Visits the entries in key order (`order[k] & mask` is the k-th entry number), writing unique keys with
    /// merged flags and each entry's key index; returns the number of unique keys.
    @inline(__always)
    private mutating func dedupe(_ n: Int, _ order: UnsafePointer<UInt64>, mask: UInt64) -> Int {
        var u = -1
        entryKeys.withUnsafeBufferPointer { ek in
            entryFlags.withUnsafeBufferPointer { ef in
                entryKey.withUnsafeMutableBufferPointer { ekey in
                    keys.withUnsafeMutableBufferPointer { k in
                        flags.withUnsafeMutableBufferPointer { f in
                            for j in 0..<n {
                                let i = Int(order[j] & mask)
                                let key = ek[i]
                                if u >= 0 && k[u] == key {
                                    f[u] |= ef[i]
                                } else {
                                    u &+= 1
                                    k[u] = key
                                    f[u] = ef[i]
                                }
                                ekey[i] = Int32(truncatingIfNeeded: u)
                            }
                        }
                    }
                }
            }
        }
        return u + 1
    }

    /// Fills `s[0..<n]` with (first 7 key bytes ‖ entry number), in full key order (n ≤ 256).
    private static func sort(
        _ e: UnsafePointer<Address>, _ n: Int, _ p: UnsafeMutablePointer<UInt64>, _ s: UnsafeMutablePointer<UInt64>,
        _ b: UnsafeMutablePointer<Int>
    ) {
        // Counting sort on the first key byte.
        b.update(repeating: 0, count: 256)
        for i in 0..<n {
            let v = (e[i].raw.w0.bigEndian & ~0xFF) | UInt64(i)
            p[i] = v
            b[Int(v &>> 56)] &+= 1
        }
        var sum = 0
        for k in 0..<256 {
            let c = b[k]
            b[k] = sum
            sum &+= c
        }
        for i in 0..<n {
            let v = p[i]
            let k = Int(v &>> 56)
            s[b[k]] = v
            b[k] &+= 1
        }
        // Insertion pass: only keys that shared a bucket move.
        var i = 1
        while i < n {
            let v = s[i]
            var j = i
            while j > 0 && s[j &- 1] > v {
                s[j] = s[j &- 1]
                j &-= 1
            }
            s[j] = v
            i &+= 1
        }
        // Runs that share the first 7 bytes: order by the full key (stable, so equal keys keep entry order).
        var start = 0
        while start < n {
            var end = start &+ 1
            while end < n && s[end] &>> 8 == s[start] &>> 8 { end &+= 1 }
            if end &- start > 1 {
                var k = start &+ 1
                while k < end {
                    let v = s[k]
                    let key = e[Int(v & 0xFF)]
                    var j = k
                    while j > start && key < e[Int(s[j &- 1] & 0xFF)] {
                        s[j] = s[j &- 1]
                        j &-= 1
                    }
                    s[j] = v
                    k &+= 1
                }
            }
            start = end
        }
    }

    /// Moves eligible keys found in `table` out of the static set: one merge of the two sorted lists, then the
    /// writable keys and the readonly keys in key order. A table that supplies no key is not recorded.
    private mutating func extract(_ table: AddressLookupTableAccount) throws(PrimitivesError) {
        let n = keyCount
        Self.grow(&tableHit, n, 0)
        let anyHit = table.sortedFirstIndexes.withUnsafeBufferPointer { sorted in
            keys.withUnsafeBufferPointer { k in
                flags.withUnsafeBufferPointer { f in
                    tableHit.withUnsafeMutableBufferPointer { hits in
                        var any = false
                        var t = 0
                        let m = sorted.count
                        for i in 0..<n {
                            var hit = -1
                            if f[i] & (Self.signer | Self.invoked | Self.loaded) == 0 {
                                let key = k[i]
                                while t < m && sorted[t].address < key { t &+= 1 }
                                if t < m && sorted[t].address == key {
                                    hit = sorted[t].index
                                    any = true
                                }
                            }
                            hits[i] = hit
                        }
                        return any
                    }
                }
            }
        }
        guard anyHit else { return }
        let writableStart = lookupIndexCount
        var writableEnd = writableStart
        var failure: (key: Int, position: Int)?
        flags.withUnsafeMutableBufferPointer { f in
            tableHit.withUnsafeBufferPointer { hits in
                lookupIndexes.withUnsafeMutableBufferPointer { li in
                    loadedWritable.withUnsafeMutableBufferPointer { lw in
                        loadedReadonly.withUnsafeMutableBufferPointer { lr in
                            for pass in 0..<2 {
                                let wantWritable: UInt8 = pass == 0 ? Self.writable : 0
                                for i in 0..<n where hits[i] >= 0 && f[i] & Self.writable == wantWritable {
                                    let position = hits[i]
                                    guard position <= Int(UInt8.max) else {
                                        failure = (i, position)
                                        return
                                    }
                                    f[i] |= Self.loaded
                                    li[lookupIndexCount] = UInt8(truncatingIfNeeded: position)
                                    lookupIndexCount &+= 1
                                    if pass == 0 {
                                        lw[loadedWritableCount] = i
                                        loadedWritableCount &+= 1
                                    } else {
                                        lr[loadedReadonlyCount] = i
                                        loadedReadonlyCount &+= 1
                                    }
                                }
                                if pass == 0 { writableEnd = lookupIndexCount }
                            }
                        }
                    }
                }
            }
        }
        if let (i, position) = failure {
            throw PrimitivesError(
                .indexOutOfBounds, "lookup table \(table.key) holds \(keys[i]) at index \(position) > 255")
        }
        lookups.append((table.key, writableStart..<writableEnd, writableEnd..<lookupIndexCount))
    }

    /// The static keys in message order (payer, then the four groups, each in key order), then every key's final
    /// position (static, then looked-up writable across tables, then looked-up readonly).
    private mutating func layout() throws(PrimitivesError) {
        let n = keyCount
        let payerIndex = Int(entryKey[entryCount - 1])  // the payer is the last entry
        var c = (0, 0, 0, 0)
        flags.withUnsafeBufferPointer { f in
            for i in 0..<n where i != payerIndex && f[i] & Self.loaded == 0 {
                switch f[i] & (Self.signer | Self.writable) {
                case Self.signer | Self.writable: c.0 += 1
                case Self.signer: c.1 += 1
                case Self.writable: c.2 += 1
                default: c.3 += 1
                }
            }
        }
        let staticCount = 1 + c.0 + c.1 + c.2 + c.3
        let readonlyBase = staticCount + loadedWritableCount
        let total = readonlyBase + loadedReadonlyCount
        guard total <= TransactionLimits.maxAccounts else {
            throw PrimitivesError(
                .tooManyAccounts,
                "\(total) accounts: indexes above 255 cannot be encoded (max \(TransactionLimits.maxAccounts))")
        }
        guard 1 + c.0 + c.1 <= 255, c.3 <= 255 else {
            throw PrimitivesError(.tooManyAccounts, "header counts exceed u8")
        }
        var next = (1, 1 + c.0, 1 + c.0 + c.1, 1 + c.0 + c.1 + c.2)
        Self.grow(&positions, n, 0)
        staticOrder.removeAll(keepingCapacity: true)
        staticOrder.append(contentsOf: repeatElement(payerIndex, count: staticCount))
        flags.withUnsafeBufferPointer { f in
            positions.withUnsafeMutableBufferPointer { pos in
                staticOrder.withUnsafeMutableBufferPointer { order in
                    pos[payerIndex] = 0
                    for i in 0..<n where i != payerIndex && f[i] & Self.loaded == 0 {
                        let p: Int
                        switch f[i] & (Self.signer | Self.writable) {
                        case Self.signer | Self.writable:
                            p = next.0
                            next.0 &+= 1
                        case Self.signer:
                            p = next.1
                            next.1 &+= 1
                        case Self.writable:
                            p = next.2
                            next.2 &+= 1
                        default:
                            p = next.3
                            next.3 &+= 1
                        }
                        pos[i] = UInt8(truncatingIfNeeded: p)
                        order[p] = i
                    }
                    loadedWritable.withUnsafeBufferPointer { lw in
                        for k in 0..<loadedWritableCount { pos[lw[k]] = UInt8(truncatingIfNeeded: staticCount + k) }
                    }
                    loadedReadonly.withUnsafeBufferPointer { lr in
                        for k in 0..<loadedReadonlyCount { pos[lr[k]] = UInt8(truncatingIfNeeded: readonlyBase + k) }
                    }
                }
            }
        }
        header = MessageHeader(
            numRequiredSignatures: UInt8(1 + c.0 + c.1), numReadonlySignedAccounts: UInt8(c.1),
            numReadonlyUnsignedAccounts: UInt8(c.3))
    }

    /// Final account index of entry `e`.
    @inline(__always)
    private func position(entry e: Int) -> UInt8 { positions[Int(entryKey[e])] }

    // MARK: Output

    /// The exact size of the compiled message. `instructions` must be the ones last compiled.
    public func messageSize(instructions: [Instruction], version: MessageVersion) -> Int {
        var n = (version == .v0 ? 1 : 0) + 3 + ShortVec.size(staticOrder.count) + 32 * staticOrder.count + 32
        n += ShortVec.size(instructions.count)
        for ix in instructions {
            n +=
                1 + ShortVec.size(ix.accounts.count) + ix.accounts.count + ShortVec.size(ix.data.count)
                + ix.data.count
        }
        if version == .v0 {
            n += ShortVec.size(lookups.count)
            for l in lookups {
                n +=
                    32 + ShortVec.size(l.writable.count) + l.writable.count + ShortVec.size(l.readonly.count)
                    + l.readonly.count
            }
        }
        return n
    }

    /// Writes the compiled message (v0 with the 0x80 prefix, or legacy) at the start of `buffer`, which must hold
    /// `messageSize(instructions:version:)` bytes; returns that size. `instructions` must be the ones last
    /// compiled. No allocation.
    @discardableResult
    public func writeMessage(
        instructions: [Instruction], recentBlockhash: Hash, version: MessageVersion,
        to buffer: UnsafeMutableRawBufferPointer
    ) -> Int {
        let size = messageSize(instructions: instructions, version: version)
        precondition(buffer.count >= size, "message buffer too small")
        guard size > 0, let base = buffer.baseAddress else { return 0 }
        var w = RawWriter(base.assumingMemoryBound(to: UInt8.self))
        if version == .v0 { w.u8(0x80) }
        w.u8(header.numRequiredSignatures)
        w.u8(header.numReadonlySignedAccounts)
        w.u8(header.numReadonlyUnsignedAccounts)
        w.shortVec(staticOrder.count)
        keys.withUnsafeBufferPointer { k in
            for i in staticOrder { w.bytes32(k[i].raw) }
        }
        w.bytes32(recentBlockhash.raw)
        w.shortVec(instructions.count)
        positions.withUnsafeBufferPointer { pos in
            entryKey.withUnsafeBufferPointer { ek in
                var e = 0
                for ix in instructions {
                    w.u8(pos[Int(ek[e])])
                    e += 1
                    let m = ix.accounts.count
                    precondition(e + m < entryCount, "instructions differ from the compiled ones")
                    w.shortVec(m)
                    for _ in 0..<m {
                        w.u8(pos[Int(ek[e])])
                        e += 1
                    }
                    w.shortVec(ix.data.count)
                    w.copy(ix.data)
                }
                precondition(e == entryCount - 1, "instructions differ from the compiled ones")
            }
        }
        if version == .v0 {
            w.shortVec(lookups.count)
            for l in lookups {
                w.bytes32(l.key.raw)
                w.shortVec(l.writable.count)
                w.copy(lookupIndexes[l.writable])
                w.shortVec(l.readonly.count)
                w.copy(lookupIndexes[l.readonly])
            }
        }
        let written = w.p - base.assumingMemoryBound(to: UInt8.self)
        precondition(written == size)
        return size
    }

    /// Appends the compiled message (v0 with the 0x80 prefix, or legacy) to `w`.
    public func writeMessage(
        instructions: [Instruction], recentBlockhash: Hash, version: MessageVersion, into w: inout ByteWriter
    ) {
        let size = messageSize(instructions: instructions, version: version)
        let start = w.bytes.count
        w.bytes.append(contentsOf: repeatElement(0, count: size))
        w.bytes.withUnsafeMutableBytes { raw in
            _ = writeMessage(
                instructions: instructions, recentBlockhash: recentBlockhash, version: version,
                to: UnsafeMutableRawBufferPointer(rebasing: raw[start...]))
        }
    }

    /// An upper bound of the message size, for sizing buffers.
    public func messageSizeBound(instructions: [Instruction]) -> Int {
        messageSize(instructions: instructions, version: .v0)
    }

    // MARK: Values

    var staticKeys: [Address] { staticOrder.map { keys[$0] } }

    func compiledInstructions(_ instructions: [Instruction]) -> [CompiledInstruction] {
        var e = 0
        return instructions.map { ix in
            let program = position(entry: e)
            let accounts = (0..<ix.accounts.count).map { position(entry: e + 1 + $0) }
            e += 1 + ix.accounts.count
            return CompiledInstruction(programIdIndex: program, accounts: accounts, data: ix.data)
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

/// Writes through a pointer into a buffer whose size was computed beforehand.
struct RawWriter {
    var p: UnsafeMutablePointer<UInt8>
    init(_ p: UnsafeMutablePointer<UInt8>) { self.p = p }

    @inline(__always) mutating func u8(_ v: UInt8) {
        p.pointee = v
        p += 1
    }

    @inline(__always) mutating func shortVec(_ n: Int) {
        precondition(n >= 0 && n <= 0xFFFF, "short-vec length out of range")
        var rem = n
        while rem >= 0x80 {
            u8(UInt8(truncatingIfNeeded: rem & 0x7F) | 0x80)
            rem &>>= 7
        }
        u8(UInt8(truncatingIfNeeded: rem))
    }

    @inline(__always) mutating func bytes32(_ b: Bytes32) {
        UnsafeMutableRawPointer(p).storeBytes(of: b, as: Bytes32.self)
        p += 32
    }

    @inline(__always) mutating func copy<C: Collection>(_ c: C) where C.Element == UInt8 {
        let done: Void? = c.withContiguousStorageIfAvailable { b in
            if let src = b.baseAddress { p.update(from: src, count: b.count) }
        }
        if done == nil {
            for v in c { u8(v) }
        } else {
            p += c.count
        }
    }
}

public enum MessageVersion: Sendable, Hashable {
    case legacy
    case v0
}
