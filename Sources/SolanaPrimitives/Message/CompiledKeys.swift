/// Gathers every key an instruction list touches, merging signer/writable flags, then splits them the way
/// `solana-message`'s `CompiledKeys` does: payer first, then keys in byte order within each of the four groups
/// [writable signers | readonly signers | writable non-signers | readonly non-signers].
struct CompiledKeys {
    struct Meta {
        var isSigner = false
        var isWritable = false
        var isInvoked = false
    }

    var payer: Address?
    /// Sorted by key bytes, like Rust's `BTreeMap<Pubkey, _>`.
    var keys: [Address]
    var metas: [Address: Meta]

    init(instructions: [Instruction], payer: Address?) {
        var metas: [Address: Meta] = [:]
        metas.reserveCapacity(instructions.count * 8 + 1)
        for ix in instructions {
            metas[ix.programId, default: Meta()].isInvoked = true
            for account in ix.accounts {
                var m = metas[account.address, default: Meta()]
                m.isSigner = m.isSigner || account.isSigner
                m.isWritable = m.isWritable || account.isWritable
                metas[account.address] = m
            }
        }
        if let payer {
            var m = metas[payer, default: Meta()]
            m.isSigner = true
            m.isWritable = true
            metas[payer] = m
        }
        self.payer = payer
        self.metas = metas
        self.keys = metas.keys.sorted()
    }

    /// Moves keys that are neither signers nor invoked programs and appear in `table` out of the static set;
    /// writable ones first, then readonly, each in key order, each at its first index in the table.
    mutating func extractLookup(_ table: AddressLookupTableAccount) throws(PrimitivesError)
        -> (lookup: MessageAddressTableLookup, writable: [Address], readonly: [Address])?
    {
        var firstIndex: [Address: Int] = [:]
        firstIndex.reserveCapacity(table.addresses.count)
        for (i, a) in table.addresses.enumerated() where firstIndex[a] == nil { firstIndex[a] = i }

        func drain(writable: Bool) throws(PrimitivesError) -> ([UInt8], [Address]) {
            var indexes: [UInt8] = []
            var drained: [Address] = []
            for key in keys {
                guard let m = metas[key], !m.isSigner, !m.isInvoked, m.isWritable == writable,
                    let i = firstIndex[key]
                else { continue }
                guard i <= Int(UInt8.max) else {
                    throw PrimitivesError(
                        .indexOutOfBounds, "lookup table \(table.key) holds \(key) at index \(i) > 255")
                }
                indexes.append(UInt8(i))
                drained.append(key)
            }
            return (indexes, drained)
        }
        let (wIdx, wKeys) = try drain(writable: true)
        let (rIdx, rKeys) = try drain(writable: false)
        if wIdx.isEmpty && rIdx.isEmpty { return nil }
        let removed = Set(wKeys).union(rKeys)
        keys.removeAll { removed.contains($0) }
        for k in removed { metas[k] = nil }
        return (MessageAddressTableLookup(accountKey: table.key, writableIndexes: wIdx, readonlyIndexes: rIdx), wKeys, rKeys)
    }

    func messageComponents() throws(PrimitivesError) -> (MessageHeader, [Address]) {
        var writableSigners: [Address] = []
        var readonlySigners: [Address] = []
        var writableNonSigners: [Address] = []
        var readonlyNonSigners: [Address] = []
        if let payer { writableSigners.append(payer) }
        for key in keys where key != payer {
            let m = metas[key]!
            switch (m.isSigner, m.isWritable) {
            case (true, true): writableSigners.append(key)
            case (true, false): readonlySigners.append(key)
            case (false, true): writableNonSigners.append(key)
            case (false, false): readonlyNonSigners.append(key)
            }
        }
        let signers = writableSigners.count + readonlySigners.count
        guard signers <= 255, readonlySigners.count <= 255, readonlyNonSigners.count <= 255 else {
            throw PrimitivesError(.tooManyAccounts, "header counts exceed u8 (\(signers) signers)")
        }
        let header = MessageHeader(
            numRequiredSignatures: UInt8(signers),
            numReadonlySignedAccounts: UInt8(readonlySigners.count),
            numReadonlyUnsignedAccounts: UInt8(readonlyNonSigners.count))
        return (header, writableSigners + readonlySigners + writableNonSigners + readonlyNonSigners)
    }
}

/// Replaces addresses by their index in `allKeys` (static keys, then looked-up writable, then looked-up readonly).
func compileInstructions(_ instructions: [Instruction], allKeys: [Address]) throws(PrimitivesError) -> [CompiledInstruction] {
    var index: [Address: UInt8] = [:]
    index.reserveCapacity(allKeys.count)
    for (i, k) in allKeys.enumerated() where index[k] == nil {
        guard i <= Int(UInt8.max) else {
            throw PrimitivesError(.tooManyAccounts, "\(allKeys.count) accounts: indexes above 255 cannot be encoded")
        }
        index[k] = UInt8(i)
    }
    var out: [CompiledInstruction] = []
    out.reserveCapacity(instructions.count)
    for ix in instructions {
        guard let p = index[ix.programId] else {
            throw PrimitivesError(.indexOutOfBounds, "program id \(ix.programId) missing from account keys")
        }
        var accounts: [UInt8] = []
        accounts.reserveCapacity(ix.accounts.count)
        for a in ix.accounts {
            guard let i = index[a.address] else {
                throw PrimitivesError(.indexOutOfBounds, "account \(a.address) missing from account keys")
            }
            accounts.append(i)
        }
        out.append(CompiledInstruction(programIdIndex: p, accounts: accounts, data: ix.data))
    }
    return out
}
