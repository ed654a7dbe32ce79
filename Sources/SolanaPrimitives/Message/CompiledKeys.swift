/// Gathers every key an instruction list touches, merging signer/writable flags, then orders them the way
/// `solana-message`'s `CompiledKeys` does: payer first, then keys in byte order within each of the four groups
/// [writable signers | readonly signers | writable non-signers | readonly non-signers]; v0 messages first move
/// eligible keys out to lookup tables.
///
/// Hot path (every arbitrage transaction): keys live in one sorted array with parallel flags, found by binary
/// search; no hashing, no per-key allocation.
struct CompiledKeys {
    static let signer: UInt8 = 1
    static let writable: UInt8 = 2
    static let invoked: UInt8 = 4
    static let loaded: UInt8 = 8

    let payer: Address?
    /// Unique keys in byte order (like Rust's `BTreeMap<Pubkey, _>`).
    private(set) var keys: [Address]
    private(set) var flags: [UInt8]
    /// Indexes (into `keys`) of keys loaded from tables, in message order.
    private(set) var loadedWritable: [Int] = []
    private(set) var loadedReadonly: [Int] = []

    init(instructions: [Instruction], payer: Address?) {
        var count = payer == nil ? 0 : 1
        for ix in instructions { count += 1 + ix.accounts.count }
        // Sort (first 8 bytes big-endian, entry number) pairs: plain integer compares, ties broken on the full key.
        var addresses: [Address] = []
        var entryFlags: [UInt8] = []
        addresses.reserveCapacity(count)
        entryFlags.reserveCapacity(count)
        for ix in instructions {
            addresses.append(ix.programId)
            entryFlags.append(Self.invoked)
            for a in ix.accounts {
                addresses.append(a.address)
                entryFlags.append((a.isSigner ? Self.signer : 0) | (a.isWritable ? Self.writable : 0))
            }
        }
        if let payer {
            addresses.append(payer)
            entryFlags.append(Self.signer | Self.writable)
        }
        let order = Self.sortedOrder(addresses)
        var keys: [Address] = []
        var flags: [UInt8] = []
        keys.reserveCapacity(count)
        flags.reserveCapacity(count)
        for i in order {
            let key = addresses[i]
            if let last = keys.last, last == key {
                flags[flags.count - 1] |= entryFlags[i]
            } else {
                keys.append(key)
                flags.append(entryFlags[i])
            }
        }
        self.payer = payer
        self.keys = keys
        self.flags = flags
    }

    /// Entry numbers in key order. Up to 256 entries (every real transaction) sort as plain integers — first
    /// 7 key bytes above an 8-bit entry number — with equal 7-byte prefixes then ordered on the full key.
    static func sortedOrder(_ addresses: [Address]) -> [Int] {
        let n = addresses.count
        guard n <= 256 else {
            return addresses.indices.sorted { addresses[$0] < addresses[$1] }
        }
        var packed = [UInt64]()
        packed.reserveCapacity(n)
        for (i, a) in addresses.enumerated() { packed.append((a.raw.w0.bigEndian & ~0xFF) | UInt64(i)) }
        packed.sort()
        var order = packed.map { Int($0 & 0xFF) }
        var start = 0
        while start < n {
            var end = start + 1
            while end < n && packed[end] >> 8 == packed[start] >> 8 { end += 1 }
            if end - start > 1 { order[start..<end].sort { addresses[$0] < addresses[$1] } }
            start = end
        }
        return order
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

    /// Moves keys that are neither signers nor invoked programs and appear in `table` out of the static set:
    /// writable ones first, then readonly, each in key order, each at its first index in the table.
    /// Returns nil (and changes nothing) when the table supplies no key.
    mutating func extractLookup(_ table: AddressLookupTableAccount) throws(PrimitivesError)
        -> MessageAddressTableLookup?
    {
        let tableKey = table.key
        var writableIndexes: [UInt8] = []
        var readonlyIndexes: [UInt8] = []
        writableIndexes.reserveCapacity(keys.count)
        readonlyIndexes.reserveCapacity(keys.count)
        loadedWritable.reserveCapacity(keys.count)
        loadedReadonly.reserveCapacity(keys.count)
        let table = table.sortedFirstIndexes
        for pass in 0..<2 {
            let wantWritable: UInt8 = pass == 0 ? Self.writable : 0
            // Both lists are sorted by key: walk them together.
            var t = 0
            for i in keys.indices {
                let f = flags[i]
                guard f & (Self.signer | Self.invoked | Self.loaded) == 0, f & Self.writable == wantWritable else {
                    continue
                }
                let key = keys[i]
                while t < table.count && table[t].address < key { t += 1 }
                guard t < table.count, table[t].address == key else { continue }
                let position = table[t].index
                guard position <= Int(UInt8.max) else {
                    throw PrimitivesError(.indexOutOfBounds, "a lookup table holds \(key) at index \(position) > 255")
                }
                flags[i] |= Self.loaded
                if pass == 0 {
                    writableIndexes.append(UInt8(position))
                    loadedWritable.append(i)
                } else {
                    readonlyIndexes.append(UInt8(position))
                    loadedReadonly.append(i)
                }
            }
        }
        if writableIndexes.isEmpty && readonlyIndexes.isEmpty { return nil }
        return MessageAddressTableLookup(
            accountKey: tableKey, writableIndexes: writableIndexes, readonlyIndexes: readonlyIndexes)
    }

    /// The header, the static keys in message order, and every key's final index (static, then looked-up
    /// writable, then looked-up readonly), parallel to `keys`.
    func layout() throws(PrimitivesError) -> (header: MessageHeader, staticKeys: [Address], positions: [Int]) {
        // Counting sort into the four groups; keys stay in byte order within each group.
        let n = keys.count
        var group = [UInt8](repeating: 4, count: n)  // 4 = not static (payer or loaded)
        var c0 = 0
        var c1 = 0
        var c2 = 0
        var c3 = 0
        let payerIndex = payer.flatMap { index(of: $0) }
        for i in 0..<n where i != payerIndex && flags[i] & Self.loaded == 0 {
            let f = flags[i]
            if f & Self.signer != 0 {
                if f & Self.writable != 0 {
                    group[i] = 0
                    c0 += 1
                } else {
                    group[i] = 1
                    c1 += 1
                }
            } else {
                if f & Self.writable != 0 {
                    group[i] = 2
                    c2 += 1
                } else {
                    group[i] = 3
                    c3 += 1
                }
            }
        }
        let first = payerIndex == nil ? 0 : 1
        var next = (first, first + c0, first + c0 + c1, first + c0 + c1 + c2)
        let staticCount = first + c0 + c1 + c2 + c3
        var positions = [Int](repeating: 0, count: n)
        var staticKeys = [Address](repeating: .zero, count: staticCount)
        if let payerIndex {
            positions[payerIndex] = 0
            staticKeys[0] = keys[payerIndex]
        }
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
            staticKeys[p] = keys[i]
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
        let header = MessageHeader(
            numRequiredSignatures: UInt8(first + c0 + c1), numReadonlySignedAccounts: UInt8(c1),
            numReadonlyUnsignedAccounts: UInt8(c3))
        return (header, staticKeys, positions)
    }

    /// Replaces addresses by their final index.
    func compile(_ instructions: [Instruction], positions: [Int]) -> [CompiledInstruction] {
        var out: [CompiledInstruction] = []
        out.reserveCapacity(instructions.count)
        for ix in instructions {
            // Every key was collected from these very instructions, so each lookup succeeds.
            let program = UInt8(positions[index(of: ix.programId)!])
            var accounts: [UInt8] = []
            accounts.reserveCapacity(ix.accounts.count)
            for a in ix.accounts { accounts.append(UInt8(positions[index(of: a.address)!])) }
            out.append(CompiledInstruction(programIdIndex: program, accounts: accounts, data: ix.data))
        }
        return out
    }
}
