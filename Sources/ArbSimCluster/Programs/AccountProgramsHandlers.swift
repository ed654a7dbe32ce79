import SolanaPrimitives

/// Associated Token Account program: Create (0, also empty data) and CreateIdempotent (1). Accounts: payer,
/// associated account, wallet, mint, System program, token program (spl-associated-token-account `processor.rs`).
struct AssociatedTokenHandler: NativeProgram {
    var loader: Address { LoaderIDs.bpfLoader2 }
    /// `AssociatedTokenAccountError::InvalidOwner`.
    static let invalidOwner: UInt32 = 0

    func process(_ ctx: inout InvocationContext) throws(InstructionError) {
        let tag = ctx.data.first ?? 0
        guard tag <= 1, ctx.data.count <= 1 else { throw .invalidInstructionData }
        try ctx.require(accounts: 6)
        let wallet = ctx.key(2)
        let mintKey = ctx.key(3)
        let tokenProgram = ctx.key(5)
        ctx.log(tag == 1 ? "CreateIdempotent" : "Create")
        guard tokenProgram == ProgramIDs.token else { throw .incorrectProgramId }
        let expected = AssociatedTokenAccount.address(wallet: wallet, mint: mintKey, tokenProgram: tokenProgram)
        guard expected == ctx.key(1) else {
            ctx.log("Error: Associated address does not match seed derivation")
            throw .invalidSeeds
        }
        var ata = ctx.account(1)
        if tag == 1, ata.owner == tokenProgram, !ata.data.isEmpty {
            try ctx.consume(ComputeCosts.ataIdempotentExisting)
            let t = try TokenAccountLayout(data: ata.data)
            guard t.owner == wallet, t.mint == mintKey else {
                ctx.log("Error: owner does not match")
                throw .custom(Self.invalidOwner)
            }
            return
        }
        try ctx.consume(ComputeCosts.ataCreate)
        // An account already owned by another program: IllegalOwner (checked against LiteSVM,
        // conformance/simcluster); a System-owned one with data: the System program's Allocate refuses it.
        guard ata.owner == ProgramIDs.system else { throw .illegalOwner }
        guard ata.data.isEmpty else {
            ctx.log("Allocate: account \(ctx.key(1)) already in use")
            throw .custom(SystemErrorCode.accountAlreadyInUse)
        }
        let mint = ctx.account(3)
        guard mint.owner == tokenProgram else { throw .incorrectProgramId }
        try ctx.requireSigner(0)
        let reserve = Rent.minimumBalance(dataLength: TokenAccountLayout.size)
        if ata.lamports < reserve {
            let need = reserve - ata.lamports
            var payer = ctx.account(0)
            guard payer.lamports >= need else {
                ctx.log("Transfer: insufficient lamports \(payer.lamports), need \(need)")
                throw .custom(SystemErrorCode.resultWithNegativeLamports)
            }
            payer.lamports -= need
            try ctx.set(0, payer)
            ata.lamports += need
        }
        let isNative = mintKey == Mints.wrappedSOL
        if !isNative {
            guard let layout = try? MintLayout(data: mint.data), layout.isInitialized else {
                throw .custom(TokenErrorCode.invalidMint)
            }
        }
        ata.owner = tokenProgram
        ata.data = TokenAccountLayout(
            mint: mintKey, owner: wallet, amount: isNative ? ata.lamports - reserve : 0,
            isNative: isNative ? reserve : nil
        ).encoded()
        try ctx.set(1, ata)
    }
}

/// Address Lookup Table program: CreateLookupTable (0), FreezeLookupTable (1), ExtendLookupTable (2),
/// DeactivateLookupTable (3), CloseLookupTable (4). Encodings and checks: solana address-lookup-table `processor.rs`.
struct AddressLookupTableHandler: NativeProgram {
    var loader: Address { LoaderIDs.native }
    /// `MAX_ENTRIES` of the slot hashes sysvar: how far back a "recent slot" (and a deactivating table) reaches.
    static let slotHashesDepth: UInt64 = 512

    func process(_ ctx: inout InvocationContext) throws(InstructionError) {
        try ctx.consume(ComputeCosts.addressLookupTable)
        var r = ByteReader(ctx.data)
        guard let tag = try? r.u32() else { throw .invalidInstructionData }
        switch tag {
        case 0:
            guard let recentSlot = try? r.u64(), let bump = try? r.u8() else { throw .invalidInstructionData }
            try create(&ctx, recentSlot: recentSlot, bump: bump)
        case 1:
            try ctx.require(accounts: 2)
            var (account, table) = try loadForAuthority(&ctx)
            guard !table.addresses.isEmpty else { throw .invalidInstructionData }
            table.authority = nil
            account.data = Self.encode(table)
            try ctx.set(0, account)
        case 2:
            guard let n = try? r.u64(), n <= 256, let raw = try? r.take(Int(n) * 32) else {
                throw .invalidInstructionData
            }
            var addresses: [Address] = []
            var a = ByteReader(Array(raw))
            for _ in 0..<n {
                guard let x = try? a.address() else { throw .invalidInstructionData }
                addresses.append(x)
            }
            try extend(&ctx, addresses: addresses)
        case 3:
            try ctx.require(accounts: 2)
            var (account, table) = try loadForAuthority(&ctx)
            guard table.isActive else {
                ctx.log("Lookup table is already deactivated")
                throw .invalidArgument
            }
            table.deactivationSlot = ctx.slot
            account.data = Self.encode(table)
            try ctx.set(0, account)
        case 4:
            try ctx.require(accounts: 3)
            var (account, table) = try loadForAuthority(&ctx)
            guard !table.isActive, ctx.slot > table.deactivationSlot + Self.slotHashesDepth else {
                ctx.log("Lookup table is not deactivated or still deactivating")
                throw .invalidArgument
            }
            guard ctx.key(2) != ctx.key(0) else { throw .invalidArgument }
            var recipient = ctx.account(2)
            recipient.lamports += account.lamports
            account = Account(lamports: 0)
            try ctx.set(0, account)
            try ctx.set(2, recipient)
        default:
            throw .invalidInstructionData
        }
    }

    func create(_ ctx: inout InvocationContext, recentSlot: UInt64, bump: UInt8) throws(InstructionError) {
        try ctx.require(accounts: 4)
        var table = ctx.account(0)
        if table.owner == ProgramIDs.addressLookupTable {
            ctx.log("Table account must not be allocated")
            throw .accountAlreadyInitialized
        }
        try ctx.requireSigner(2)
        guard recentSlot < ctx.slot, ctx.slot - recentSlot <= Self.slotHashesDepth else {
            ctx.log("\(recentSlot) is not a recent slot")
            throw .invalidInstructionData
        }
        var slotBytes = ByteWriter(capacity: 8)
        slotBytes.u64(recentSlot)
        guard
            let derived = try? ProgramDerivedAddress.create(
                seeds: [ctx.key(1).bytes, slotBytes.bytes, [bump]], programId: ProgramIDs.addressLookupTable),
            derived == ctx.key(0)
        else {
            ctx.log("Table address must match derived address: \(ctx.key(0))")
            throw .invalidArgument
        }
        let state = AddressLookupTableMeta(
            deactivationSlot: .max, lastExtendedSlot: 0, lastExtendedSlotStartIndex: 0, authority: ctx.key(1),
            addresses: [])
        let need = Rent.minimumBalance(dataLength: AddressLookupTableProgram.metaSize)
        if table.lamports < need { try pay(&ctx, payer: 2, to: &table, lamports: need - table.lamports) }
        table.owner = ProgramIDs.addressLookupTable
        table.data = Self.encode(state)
        try ctx.set(0, table)
    }

    func extend(_ ctx: inout InvocationContext, addresses: [Address]) throws(InstructionError) {
        try ctx.require(accounts: 2)
        var (account, table) = try loadForAuthority(&ctx)
        guard table.isActive else {
            ctx.log("Deactivated tables cannot be extended")
            throw .invalidArgument
        }
        guard !addresses.isEmpty else {
            ctx.log("Must extend with at least one address")
            throw .invalidInstructionData
        }
        guard table.addresses.count + addresses.count <= AddressLookupTableProgram.maxAddresses else {
            ctx.log("Extended lookup table length would exceed max capacity")
            throw .invalidInstructionData
        }
        if table.lastExtendedSlot != ctx.slot {
            table.lastExtendedSlot = ctx.slot
            table.lastExtendedSlotStartIndex = UInt8(table.addresses.count)
        }
        table.addresses += addresses
        account.data = Self.encode(table)
        let need = Rent.minimumBalance(dataLength: account.data.count)
        if account.lamports < need {
            try ctx.require(accounts: 4)
            try pay(&ctx, payer: 2, to: &account, lamports: need - account.lamports)
        }
        try ctx.set(0, account)
    }

    /// Loads the table at position 0 and checks the authority at position 1 signed.
    func loadForAuthority(_ ctx: inout InvocationContext) throws(InstructionError) -> (
        Account, AddressLookupTableMeta
    ) {
        let account = ctx.account(0)
        guard account.owner == ProgramIDs.addressLookupTable else { throw .invalidAccountOwner }
        let table = try AddressLookupTableMeta(data: account.data)
        guard let authority = table.authority else {
            ctx.log("Lookup table is frozen")
            throw .immutable
        }
        guard authority == ctx.key(1) else { throw .incorrectAuthority }
        try ctx.requireSigner(1)
        return (account, table)
    }

    func pay(_ ctx: inout InvocationContext, payer: Int, to: inout Account, lamports: UInt64) throws(InstructionError) {
        try ctx.requireSigner(payer)
        var p = ctx.account(payer)
        guard p.data.isEmpty else { throw .invalidArgument }
        guard p.lamports >= lamports else {
            ctx.log("Transfer: insufficient lamports \(p.lamports), need \(lamports)")
            throw .custom(SystemErrorCode.resultWithNegativeLamports)
        }
        p.lamports -= lamports
        try ctx.set(payer, p)
        to.lamports += lamports
    }

    static func encode(_ t: AddressLookupTableMeta) -> [UInt8] {
        var w = ByteWriter(capacity: AddressLookupTableProgram.metaSize + 32 * t.addresses.count)
        w.u32(1)
        w.u64(t.deactivationSlot)
        w.u64(t.lastExtendedSlot)
        w.u8(t.lastExtendedSlotStartIndex)
        if let a = t.authority {
            w.u8(1)
            w.address(a)
        } else {
            w.u8(0)
        }
        while w.bytes.count < AddressLookupTableProgram.metaSize { w.u8(0) }
        for a in t.addresses { w.address(a) }
        return w.bytes
    }
}

/// A lookup table's state, as the runtime and the program see it.
struct AddressLookupTableMeta {
    var deactivationSlot: UInt64
    var lastExtendedSlot: UInt64
    var lastExtendedSlotStartIndex: UInt8
    var authority: Address?
    var addresses: [Address]

    var isActive: Bool { deactivationSlot == .max }

    init(
        deactivationSlot: UInt64, lastExtendedSlot: UInt64, lastExtendedSlotStartIndex: UInt8, authority: Address?,
        addresses: [Address]
    ) {
        self.deactivationSlot = deactivationSlot
        self.lastExtendedSlot = lastExtendedSlot
        self.lastExtendedSlotStartIndex = lastExtendedSlotStartIndex
        self.authority = authority
        self.addresses = addresses
    }

    init(data: [UInt8]) throws(InstructionError) {
        guard let s = try? AddressLookupTableState(data: data) else { throw .invalidAccountData }
        self.init(
            deactivationSlot: s.deactivationSlot, lastExtendedSlot: s.lastExtendedSlot,
            lastExtendedSlotStartIndex: s.lastExtendedSlotStartIndex, authority: s.authority, addresses: s.addresses)
    }

    /// How many addresses a transaction at `slot` may use: entries appended in the current slot are not yet active
    /// (`LookupTableMeta::get_active_addresses_len`).
    func activeCount(at slot: UInt64) -> Int {
        slot > lastExtendedSlot ? addresses.count : Int(lastExtendedSlotStartIndex)
    }
}
