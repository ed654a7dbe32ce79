/// A legacy (unversioned) message: every account is listed statically.
public struct LegacyMessage: Hashable, Sendable {
    public var header: MessageHeader
    public var accountKeys: [Address]
    public var recentBlockhash: Hash
    public var instructions: [CompiledInstruction]

    public init(
        header: MessageHeader, accountKeys: [Address], recentBlockhash: Hash, instructions: [CompiledInstruction]
    ) {
        self.header = header
        self.accountKeys = accountKeys
        self.recentBlockhash = recentBlockhash
        self.instructions = instructions
    }

    /// Compiles instructions as `Message::new_with_blockhash` does (payer first, flags merged, keys sorted by group).
    public init(instructions: [Instruction], payer: Address, recentBlockhash: Hash) throws(PrimitivesError) {
        let keys = CompiledKeys(instructions: instructions, payer: payer)
        let (header, staticKeys, positions) = try keys.layout()
        self.header = header
        self.accountKeys = staticKeys
        self.recentBlockhash = recentBlockhash
        self.instructions = keys.compile(instructions, positions: positions)
    }
}

/// A version-0 message: static keys plus accounts loaded through address lookup tables.
public struct V0Message: Hashable, Sendable {
    public var header: MessageHeader
    public var accountKeys: [Address]
    public var recentBlockhash: Hash
    public var instructions: [CompiledInstruction]
    public var addressTableLookups: [MessageAddressTableLookup]

    public init(
        header: MessageHeader, accountKeys: [Address], recentBlockhash: Hash, instructions: [CompiledInstruction],
        addressTableLookups: [MessageAddressTableLookup]
    ) {
        self.header = header
        self.accountKeys = accountKeys
        self.recentBlockhash = recentBlockhash
        self.instructions = instructions
        self.addressTableLookups = addressTableLookups
    }

    /// Compiles as `v0::Message::try_compile`: a key may come from a table only if it is not a signer (so never
    /// the payer) and not an invoked program id; tables are tried in the given order, writable keys before
    /// readonly ones; a table that supplies no key is omitted.
    public init(
        instructions: [Instruction], payer: Address, recentBlockhash: Hash,
        lookupTables: [AddressLookupTableAccount] = []
    ) throws(PrimitivesError) {
        var keys = CompiledKeys(instructions: instructions, payer: payer)
        var lookups: [MessageAddressTableLookup] = []
        for table in lookupTables {
            if let lookup = try keys.extractLookup(table) { lookups.append(lookup) }
        }
        let (header, staticKeys, positions) = try keys.layout()
        self.header = header
        self.accountKeys = staticKeys
        self.recentBlockhash = recentBlockhash
        self.instructions = keys.compile(instructions, positions: positions)
        self.addressTableLookups = lookups
    }
}

/// Either message format, as carried by a `VersionedTransaction`.
public enum VersionedMessage: Hashable, Sendable {
    case legacy(LegacyMessage)
    case v0(V0Message)

    public var header: MessageHeader {
        switch self {
        case .legacy(let m): m.header
        case .v0(let m): m.header
        }
    }

    public var staticAccountKeys: [Address] {
        switch self {
        case .legacy(let m): m.accountKeys
        case .v0(let m): m.accountKeys
        }
    }

    public var recentBlockhash: Hash {
        get {
            switch self {
            case .legacy(let m): m.recentBlockhash
            case .v0(let m): m.recentBlockhash
            }
        }
        set {
            switch self {
            case .legacy(var m):
                m.recentBlockhash = newValue
                self = .legacy(m)
            case .v0(var m):
                m.recentBlockhash = newValue
                self = .v0(m)
            }
        }
    }

    public var instructions: [CompiledInstruction] {
        switch self {
        case .legacy(let m): m.instructions
        case .v0(let m): m.instructions
        }
    }

    public var addressTableLookups: [MessageAddressTableLookup] {
        switch self {
        case .legacy: []
        case .v0(let m): m.addressTableLookups
        }
    }

    /// The signer keys, in signature order.
    public var signerKeys: ArraySlice<Address> {
        staticAccountKeys.prefix(Int(header.numRequiredSignatures))
    }

    /// Whether the account at `index` (in static + looked-up order) is writable per the header and lookups.
    public func isWritable(index: Int) -> Bool {
        let h = header
        let staticCount = staticAccountKeys.count
        if index < staticCount {
            let signers = Int(h.numRequiredSignatures)
            if index < signers { return index < signers - Int(h.numReadonlySignedAccounts) }
            return index < staticCount - Int(h.numReadonlyUnsignedAccounts)
        }
        let writableLoaded = addressTableLookups.reduce(0) { $0 + $1.writableIndexes.count }
        return index - staticCount < writableLoaded
    }
}
