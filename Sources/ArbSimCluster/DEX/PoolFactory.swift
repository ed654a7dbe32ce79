import ArbMath
import ArbVenues
import Foundation
import SolanaPrimitives

/// A token a pool trades: its mint address, decimals and (for mints the factory creates) mint authority.
public struct MintSpec: Sendable, Hashable {
    public var address: Address
    public var decimals: UInt8
    /// Authority of a mint the factory creates (nil: fixed supply). Ignored when the mint already exists.
    public var mintAuthority: Address?

    public init(_ address: Address, decimals: UInt8, mintAuthority: Address? = nil) {
        self.address = address
        self.decimals = decimals
        self.mintAuthority = mintAuthority
    }
}

/// What pool to synthesize at genesis. The start price is `reserveB / reserveA` (base units of B per base unit
/// of A); for the constant-product kinds the reserves are the vault balances, for the concentrated kinds they are
/// the token amounts of one liquidity position spread over `rangeWidth` around the price (the vaults then hold the
/// exact amounts the position needs, rounded up as the programs round deposits).
public struct PoolSpec: Sendable, Hashable {
    public var kind: VenueKind
    public var mintA: MintSpec
    public var mintB: MintSpec
    /// Trade fee in millionths (2,500 = 0.25 %): AMM v4 `swap_fee_numerator / 1e6`, CPMM/CLMM `trade_fee_rate`,
    /// Whirlpool `fee_rate`, DLMM base fee (`base_factor · bin_step · 10`, in 1e-9, = feeRate · 1,000).
    public var feeRate: UInt32
    public var reserveA: UInt64
    public var reserveB: UInt64
    /// CLMM / Whirlpool tick spacing, DLMM bin step (bps). nil: 60 (CLMM), 64 (Whirlpool), 10 (DLMM).
    public var tickSpacing: UInt16?
    /// CLMM / Whirlpool: half-width of the position in ticks (default 2 tick arrays / 1 tick array);
    /// DLMM: bins on each side of the active bin (default 35).
    public var rangeWidth: Int32?
    /// Alternative to `rangeWidth`: the half-width of the range as a price move in basis points (converted to
    /// ticks of 1 bp or to bins of `bin_step` bps). Ignored by the constant-product kinds.
    public var rangeBps: UInt32?
    /// Seeds every address the factory chooses (pool, vaults, configs…): same seed, same addresses.
    public var seed: UInt64

    public init(
        kind: VenueKind, mintA: MintSpec, mintB: MintSpec, feeRate: UInt32, reserveA: UInt64, reserveB: UInt64,
        tickSpacing: UInt16? = nil, rangeWidth: Int32? = nil, rangeBps: UInt32? = nil, seed: UInt64 = 0
    ) {
        self.kind = kind
        self.mintA = mintA
        self.mintB = mintB
        self.feeRate = feeRate
        self.reserveA = reserveA
        self.reserveB = reserveB
        self.tickSpacing = tickSpacing
        self.rangeWidth = rangeWidth
        self.rangeBps = rangeBps
        self.seed = seed
    }
}

/// A pool written into the bank: its address and every account a decoder or swap instruction needs.
public struct CreatedPool: Sendable, Hashable {
    public var kind: VenueKind
    public var address: Address
    /// The pool's token A / B (Whirlpool A/B, CPMM/CLMM token0/1, AMM v4 coin/pc, DLMM X/Y).
    public var mintA: Address
    public var mintB: Address
    public var vaultA: Address
    public var vaultB: Address
    /// Owner of the vaults (AMM v4 / CPMM authority PDA; the pool itself for CLMM, Whirlpool and DLMM).
    public var authority: Address
    /// AMM config / WhirlpoolsConfig, when the kind has one.
    public var config: Address?
    /// Every account the factory wrote (pool, vaults, config, observation, tick/bin arrays, extension, mints).
    public var accounts: [Address]
    /// true when the spec's mintA became the pool's token B (CPMM, CLMM and Whirlpool order mints by key).
    public var flipped: Bool
}

public struct PoolFactoryError: Error, Hashable, Sendable, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}

/// Reads accounts straight from a bank, in the form ArbVenues decoders take.
public struct BankAccountSource: AccountSource {
    public let bank: Bank
    public init(_ bank: Bank) { self.bank = bank }
    public func account(_ address: Address) -> AccountData? {
        guard let a = bank.account(address) else { return nil }
        return AccountData(address: address, owner: a.owner, lamports: a.lamports, data: a.data, slot: bank.slot)
    }
}

extension Bank {
    /// Writes a pool of `spec.kind` in the program's real layout: pool, vaults, config / observation / bitmap
    /// extension, tick or bin arrays covering the liquidity, and mints that do not exist yet.
    public mutating func createPool(_ spec: PoolSpec) throws(PoolFactoryError) -> CreatedPool {
        guard spec.mintA.address != spec.mintB.address else { throw PoolFactoryError("pool needs two mints") }
        guard spec.reserveA > 0, spec.reserveB > 0 else { throw PoolFactoryError("reserves must be positive") }
        guard spec.feeRate < 100_000 else { throw PoolFactoryError("fee rate \(spec.feeRate) ≥ 10 %") }
        var f = PoolWriter(bank: self, spec: spec)
        let created: CreatedPool
        switch spec.kind {
        case .raydiumAmmV4: created = try f.ammV4()
        case .raydiumCpmm: created = try f.cpmm()
        case .raydiumClmm: created = try f.clmm()
        case .orcaWhirlpool: created = try f.whirlpool()
        case .meteoraDlmm: created = try f.dlmm()
        }
        self = f.bank
        return created
    }

    /// Credits `amount` of `mint` to `owner`'s associated token account, creating it (genesis / test setup;
    /// the mint's supply grows accordingly; wSOL also gets the lamports). Returns the token account.
    @discardableResult
    public mutating func fundTokenAccount(owner: Address, mint: Address, amount: UInt64) throws(PoolFactoryError)
        -> Address
    {
        let ata = AssociatedTokenAccount.address(wallet: owner, mint: mint, tokenProgram: ProgramIDs.token)
        var w = PoolWriter(bank: self, spec: nil)
        try w.credit(ata, mint: mint, owner: owner, amount: amount)
        self = w.bank
        return ata
    }

    /// Decodes a created pool with ArbVenues and loads everything its quote needs from this bank.
    public func venue(for pool: CreatedPool) throws(VenueError) -> any Venue {
        let source = BankAccountSource(self)
        guard let account = source.account(pool.address) else {
            throw VenueError(.missingAccount, "pool \(pool.address) not in the bank")
        }
        switch pool.kind {
        case .raydiumAmmV4: return try Self.load(RaydiumAMMv4Pool(pool: account), source)
        case .raydiumCpmm: return try Self.load(RaydiumCPMMPool(pool: account), source)
        case .raydiumClmm: return try Self.load(RaydiumCLMMVenue(pool: account), source)
        case .orcaWhirlpool: return try Self.load(WhirlpoolVenue(pool: account), source)
        case .meteoraDlmm: return try Self.load(MeteoraDLMMPair(pool: account), source)
        }
    }

    static func load<V: Venue>(_ venue: V, _ source: BankAccountSource) throws(VenueError) -> V {
        var v = venue
        // Twice: what a venue needs (tick arrays, bin arrays) follows from what the first pass loaded.
        try v.update(from: source)
        try v.update(from: source)
        return v
    }
}

extension SimCluster {
    public func createPool(_ spec: PoolSpec) throws(PoolFactoryError) -> CreatedPool {
        try bank.createPool(spec)
    }

    @discardableResult
    public func fundTokenAccount(owner: Address, mint: Address, amount: UInt64) throws(PoolFactoryError) -> Address {
        try bank.fundTokenAccount(owner: owner, mint: mint, amount: amount)
    }

    public func venue(for pool: CreatedPool) throws(VenueError) -> any Venue { try bank.venue(for: pool) }
}

/// OpenBook v1 (Serum v3) program: the `market_program` recorded in synthesized AMM v4 pools.
let openBookV1 = Address("srmqPvymJeFKQ4zGQed1GFppgkRHB9kCLp6rKKW5Uq6")

/// Writes one pool's accounts into a copy of the bank.
struct PoolWriter {
    var bank: Bank
    let spec: PoolSpec?
    var written: [Address] = []

    init(bank: Bank, spec: PoolSpec?) {
        self.bank = bank
        self.spec = spec
    }

    var seedBytes: [UInt8] {
        guard let spec else { return [] }
        var w = ByteWriter(capacity: 8)
        w.u64(spec.seed)
        return Array(spec.kind.rawValue.utf8) + w.bytes
    }

    func seeded(_ label: String) -> Address { DEXHash.address(label, seedBytes) }

    /// The spec's half-width in steps of `stepBps` (1 for ticks, the bin step for bins): `rangeWidth` if given,
    /// else `rangeBps` converted, else nil.
    func width(stepBps: Double) -> Int32? {
        guard let s = spec else { return nil }
        if let w = s.rangeWidth { return w }
        guard let bps = s.rangeBps else { return nil }
        let steps = (log(1 + Double(bps) / 10_000) / log(1 + stepBps / 10_000)).rounded()
        return Int32(Swift.max(1, Swift.min(steps, 400_000)))
    }

    /// Writes a program-owned, rent-exempt account.
    mutating func put(_ address: Address, owner: Address, data: [UInt8]) {
        bank.setAccount(
            address, Account(lamports: Rent.minimumBalance(dataLength: data.count), owner: owner, data: data))
        written.append(address)
    }

    /// Creates the mint if missing (else checks its decimals) and adds `supply`.
    mutating func mint(_ m: MintSpec, adding supply: UInt64) throws(PoolFactoryError) {
        if let existing = bank.account(m.address) {
            guard existing.owner == ProgramIDs.token, var layout = try? MintLayout(data: existing.data) else {
                throw PoolFactoryError("\(m.address) exists and is not an SPL Token mint")
            }
            guard layout.decimals == m.decimals else {
                throw PoolFactoryError("mint \(m.address) has \(layout.decimals) decimals, spec says \(m.decimals)")
            }
            if m.address != Mints.wrappedSOL {
                let (s, o) = layout.supply.addingReportingOverflow(supply)
                guard !o else { throw PoolFactoryError("mint \(m.address) supply overflows") }
                layout.supply = s
            }
            var a = existing
            a.data = layout.encoded()
            bank.setAccount(m.address, a)
            return
        }
        let layout = MintLayout(
            mintAuthority: m.mintAuthority, supply: m.address == Mints.wrappedSOL ? 0 : supply, decimals: m.decimals,
            freezeAuthority: nil)
        put(m.address, owner: ProgramIDs.token, data: layout.encoded())
    }

    /// Adds `amount` to the token account at `address` (created for `mint`/`owner` when missing); raises supply.
    mutating func credit(_ address: Address, mint: Address, owner: Address, amount: UInt64) throws(PoolFactoryError) {
        guard let m = bank.account(mint), m.owner == ProgramIDs.token, var ml = try? MintLayout(data: m.data) else {
            throw PoolFactoryError("mint \(mint) does not exist")
        }
        let reserve = Rent.minimumBalance(dataLength: TokenAccountLayout.size)
        let native = mint == Mints.wrappedSOL
        var account =
            bank.account(address)
            ?? Account(
                lamports: reserve, owner: ProgramIDs.token,
                data: TokenAccountLayout(mint: mint, owner: owner, amount: 0, isNative: native ? reserve : nil)
                    .encoded())
        guard account.owner == ProgramIDs.token, var t = try? TokenAccountLayout(data: account.data), t.mint == mint,
            t.owner == owner
        else { throw PoolFactoryError("\(address) is not a \(mint) token account of \(owner)") }
        let (sum, o) = t.amount.addingReportingOverflow(amount)
        guard !o else { throw PoolFactoryError("token account \(address) overflows") }
        t.amount = sum
        account.data = t.encoded()
        if native {
            account.lamports += amount
        } else {
            ml.supply &+= amount
            var mintAccount = m
            mintAccount.data = ml.encoded()
            bank.setAccount(mint, mintAccount)
        }
        bank.setAccount(address, account)
        if !written.contains(address) { written.append(address) }
    }

    /// Mints and vaults of a pool: vault A holds `amountA` of the pool's mint A, owned by `authority`.
    mutating func vaults(
        a: MintSpec, b: MintSpec, vaultA: Address, vaultB: Address, authority: Address, amountA: UInt64,
        amountB: UInt64
    ) throws(PoolFactoryError) {
        for (v, m) in [(vaultA, a), (vaultB, b)] where bank.account(v) != nil {
            throw PoolFactoryError("vault \(v) for \(m.address) already exists (reuse of a seed?)")
        }
        try mint(a, adding: 0)
        try mint(b, adding: 0)
        try credit(vaultA, mint: a.address, owner: authority, amount: amountA)
        try credit(vaultB, mint: b.address, owner: authority, amount: amountB)
    }

    func requireFree(_ address: Address) throws(PoolFactoryError) {
        guard bank.account(address) == nil else {
            throw PoolFactoryError("account \(address) already exists (reuse of a seed?)")
        }
    }

    /// (spec A, spec B, reserves) in the pool's order: CPMM, CLMM and Whirlpool require mint A < mint B.
    func ordered(sort: Bool) -> (a: MintSpec, b: MintSpec, ra: UInt64, rb: UInt64, flipped: Bool) {
        let s = spec!
        if sort && s.mintB.address < s.mintA.address {
            return (s.mintB, s.mintA, s.reserveB, s.reserveA, true)
        }
        return (s.mintA, s.mintB, s.reserveA, s.reserveB, false)
    }

    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }

    /// A config index (u16) derived from the parameters, so pools with the same fee tier share one config.
    static func configIndex(_ parts: UInt64...) -> UInt16 {
        var w = ByteWriter(capacity: 8 * parts.count)
        for p in parts { w.u64(p) }
        let h = DEXHash.sha256([w.bytes])
        return UInt16(h[0]) << 8 | UInt16(h[1])
    }

    // MARK: Raydium AMM v4

    mutating func ammV4() throws(PoolFactoryError) -> CreatedPool {
        typealias L = RaydiumAMMv4Layout
        let s = spec!
        let (a, b, ra, rb, flipped) = ordered(sort: false)
        let pool = seeded("ammv4/pool")
        try requireFree(pool)
        let (authority, nonce) = DEXHash.pda([L.authoritySeed], L.programId)
        let coinVault = seeded("ammv4/coin_vault")
        let pcVault = seeded("ammv4/pc_vault")
        try vaults(a: a, b: b, vaultA: coinVault, vaultB: pcVault, authority: authority, amountA: ra, amountB: rb)
        var d = [UInt8](repeating: 0, count: L.size)
        d.put(UInt64(L.Status.swapOnly.rawValue), at: L.status)
        d.put(UInt64(nonce), at: L.nonce)
        d.put(UInt64(a.decimals), at: L.coinDecimals)
        d.put(UInt64(b.decimals), at: L.pcDecimals)
        d.put(UInt64(5), at: 128)  // min_separate_numerator / denominator (raydium defaults 5/10000)
        d.put(UInt64(10_000), at: 136)
        d.put(UInt64(s.feeRate), at: DEXLayouts.AMMv4Stats.tradeFeeNumerator)
        d.put(UInt64(1_000_000), at: DEXLayouts.AMMv4Stats.tradeFeeDenominator)
        d.put(UInt64(12), at: 160)  // pnl_numerator / denominator (raydium defaults 12/100)
        d.put(UInt64(100), at: 168)
        d.put(UInt64(s.feeRate), at: L.swapFeeNumerator)
        d.put(UInt64(1_000_000), at: L.swapFeeDenominator)
        d.put(coinVault, at: L.coinVault)
        d.put(pcVault, at: L.pcVault)
        d.put(a.address, at: L.coinVaultMint)
        d.put(b.address, at: L.pcVaultMint)
        d.put(seeded("ammv4/lp_mint"), at: L.lpMint)
        d.put(seeded("ammv4/open_orders"), at: L.openOrders)
        d.put(seeded("ammv4/market"), at: L.market)
        d.put(openBookV1, at: L.marketProgram)
        d.put(seeded("ammv4/target_orders"), at: L.targetOrders)
        d.put(seeded("ammv4/owner"), at: L.ammOwner)
        d.put(UInt64((Double(ra) * Double(rb)).squareRoot()), at: L.lpAmount)
        put(pool, owner: L.programId, data: d)
        return CreatedPool(
            kind: .raydiumAmmV4, address: pool, mintA: a.address, mintB: b.address, vaultA: coinVault,
            vaultB: pcVault, authority: authority, config: nil, accounts: written, flipped: flipped)
    }

    // MARK: Raydium CPMM

    mutating func cpmm() throws(PoolFactoryError) -> CreatedPool {
        typealias L = RaydiumCPMMLayout
        let s = spec!
        let (a, b, ra, rb, flipped) = ordered(sort: true)
        let pool = seeded("cpmm/pool")
        try requireFree(pool)
        let (authority, authBump) = DEXHash.pda([L.authoritySeed], L.programId)
        // Fee split of Raydium's live configs: 12 % of the trade fee to protocol, 4 % to the fund.
        let protocolRate: UInt64 = 120_000
        let fundRate: UInt64 = 40_000
        var index = Self.configIndex(1, UInt64(s.feeRate))
        var config: Address
        while true {
            let (c, bump) = DEXHash.pda([Array("amm_config".utf8), Self.be16(index)], L.programId)
            let data = DEXLayouts.cpmmConfig(
                bump: bump, index: index, tradeFeeRate: UInt64(s.feeRate), protocolFeeRate: protocolRate,
                fundFeeRate: fundRate, creatorFeeRate: 0, owner: seeded("cpmm/admin"))
            config = c
            if let existing = bank.account(c) {
                if existing.data == data { break }
                index &+= 1
                continue
            }
            put(c, owner: L.programId, data: data)
            break
        }
        let vault0 = DEXHash.pda([Array("pool_vault".utf8), pool.bytes, a.address.bytes], L.programId).address
        let vault1 = DEXHash.pda([Array("pool_vault".utf8), pool.bytes, b.address.bytes], L.programId).address
        let observation = DEXHash.pda([Array("observation".utf8), pool.bytes], L.programId).address
        let lpMint = DEXHash.pda([Array("pool_lp_mint".utf8), pool.bytes], L.programId).address
        try vaults(a: a, b: b, vaultA: vault0, vaultB: vault1, authority: authority, amountA: ra, amountB: rb)
        var d = [UInt8](repeating: 0, count: L.poolSize)
        d.put(bytes: L.poolDiscriminator, at: 0)
        d.put(config, at: L.ammConfig)
        d.put(seeded("cpmm/creator"), at: L.poolCreator)
        d.put(vault0, at: L.token0Vault)
        d.put(vault1, at: L.token1Vault)
        d.put(lpMint, at: L.lpMint)
        d.put(a.address, at: L.token0Mint)
        d.put(b.address, at: L.token1Mint)
        d.put(ProgramIDs.token, at: L.token0Program)
        d.put(ProgramIDs.token, at: L.token1Program)
        d.put(observation, at: L.observationKey)
        d.put(authBump, at: L.authBump)
        d.put(UInt8(9), at: L.lpMintDecimals)
        d.put(a.decimals, at: L.mint0Decimals)
        d.put(b.decimals, at: L.mint1Decimals)
        d.put(UInt64((Double(ra) * Double(rb)).squareRoot()), at: L.lpSupply)
        put(pool, owner: L.programId, data: d)
        // ObservationState (cp-swap states/oracle.rs, packed): disc, initialized bool, observation_index u16,
        // pool_id @11, 100 × Observation(40), padding [u64; 4] = 4,075 bytes.
        var obs = [UInt8](repeating: 0, count: 4075)
        obs.put(bytes: DEXHash.accountDiscriminator("ObservationState"), at: 0)
        obs.put(pool, at: 11)
        put(observation, owner: L.programId, data: obs)
        return CreatedPool(
            kind: .raydiumCpmm, address: pool, mintA: a.address, mintB: b.address, vaultA: vault0, vaultB: vault1,
            authority: authority, config: config, accounts: written, flipped: flipped)
    }

    // MARK: concentrated liquidity (CLMM, Whirlpool)

    /// Sqrt price (Q64.64) of `price` = B per A in base units, clamped to the programs' bounds.
    static func sqrtPriceX64(_ price: Double, min: UInt128, max: UInt128) -> UInt128 {
        let v = price.squareRoot() * 18_446_744_073_709_551_616.0
        guard v.isFinite, v > Double(min) else { return min }
        guard v < Double(max) else { return max }
        return UInt128(v)
    }

    /// Liquidity of a position over [sqrtLower, sqrtUpper] holding at most (amountA, amountB) at `sqrtPrice`.
    static func liquidity(sqrtPrice: UInt128, lower: UInt128, upper: UInt128, amountA: UInt64, amountB: UInt64)
        -> UInt128
    {
        let q = 18_446_744_073_709_551_616.0
        let sp = Double(sqrtPrice) / q
        let sl = Double(lower) / q
        let su = Double(upper) / q
        let la = Double(amountA) * sp * su / (su - sp)
        let lb = Double(amountB) / (sp - sl)
        let l = Swift.min(la, lb) * 0.999_999  // stay inside both budgets after rounding
        guard l.isFinite, l >= 1 else { return 1 }
        return UInt128(Swift.min(l, 1e36))
    }

    static func alignDown(_ t: Int32, _ spacing: Int32) -> Int32 { FullMath.floorDiv(t, spacing) * spacing }

    mutating func concentratedRange(
        tick: Int32, spacing: UInt16, width: Int32, minTick: Int32, maxTick: Int32
    ) throws(PoolFactoryError) -> (lower: Int32, upper: Int32) {
        let sp = Int32(spacing)
        let lower = Swift.max(Self.alignDown(tick - width, sp), Self.alignDown(minTick, sp) + sp)
        let upper = Swift.min(Self.alignDown(tick + width, sp) + sp, Self.alignDown(maxTick, sp))
        guard lower <= tick, tick < upper else {
            throw PoolFactoryError("price at tick \(tick) leaves no room for a range")
        }
        return (lower, upper)
    }

    /// The concentrated pools' liquidity: a wide position over `width` ticks around the price and, when it fits
    /// strictly inside, a narrow one over a quarter of it (so swaps cross initialized ticks as on mainnet), each
    /// funded with half of the reserves. Amounts are what the programs' deposits round up to.
    struct Liquidity {
        var ticks: [Int32: (net: Int128, gross: UInt128)] = [:]
        var active: UInt128 = 0
        var amountA: UInt64 = 0
        var amountB: UInt64 = 0
        var lower: Int32 = 0
        var upper: Int32 = 0
    }

    mutating func layPositions(
        tick: Int32, sqrtPrice: UInt128, spacing: UInt16, width: Int32, minTick: Int32, maxTick: Int32,
        amountA: UInt64, amountB: UInt64, sqrtAt: (Int32) -> UInt128?
    ) throws(PoolFactoryError) -> Liquidity {
        let wide = try concentratedRange(tick: tick, spacing: spacing, width: width, minTick: minTick, maxTick: maxTick)
        var ranges = [wide]
        if let narrow = try? concentratedRange(
            tick: tick, spacing: spacing, width: width / 4, minTick: minTick, maxTick: maxTick),
            narrow.lower > wide.lower, narrow.upper < wide.upper
        {
            ranges.append(narrow)
        }
        var out = Liquidity(lower: wide.lower, upper: wide.upper)
        let share = UInt64(ranges.count)
        for (lower, upper) in ranges {
            guard let sl = sqrtAt(lower), let su = sqrtAt(upper) else {
                throw PoolFactoryError("range [\(lower), \(upper)) out of bounds")
            }
            let l = Self.liquidity(
                sqrtPrice: sqrtPrice, lower: sl, upper: su, amountA: amountA / share, amountB: amountB / share)
            do {
                out.amountA += try WhirlpoolMath.amountDeltaA(sqrtPrice, su, liquidity: l, roundUp: true)
                out.amountB += try WhirlpoolMath.amountDeltaB(sl, sqrtPrice, liquidity: l, roundUp: true)
            } catch { throw PoolFactoryError("position amounts overflow (\(error))") }
            out.active += l
            for (t, net) in [(lower, Int128(l)), (upper, -Int128(l))] {
                let old = out.ticks[t] ?? (0, 0)
                out.ticks[t] = (old.net + net, old.gross + l)
            }
        }
        return out
    }

    mutating func clmm() throws(PoolFactoryError) -> CreatedPool {
        typealias L = RaydiumCLMMLayout
        typealias O = RaydiumCLMMLayout.Offset
        let s = spec!
        let (a, b, ra, rb, flipped) = ordered(sort: true)
        let spacing = s.tickSpacing ?? 60
        guard spacing > 0 else { throw PoolFactoryError("tick spacing 0") }
        let arrayTicks = Int32(spacing) * ClmmMath.tickArraySize
        let pool = seeded("clmm/pool")
        try requireFree(pool)
        let protocolRate: UInt32 = 120_000
        let fundRate: UInt32 = 40_000
        var index = Self.configIndex(2, UInt64(s.feeRate), UInt64(spacing))
        var config: Address
        while true {
            let (c, bump) = DEXHash.pda([Array("amm_config".utf8), Self.be16(index)], L.programId)
            let data = DEXLayouts.clmmConfig(
                bump: bump, index: index, owner: seeded("clmm/admin"), protocolFeeRate: protocolRate,
                tradeFeeRate: s.feeRate, tickSpacing: spacing, fundFeeRate: fundRate)
            config = c
            if let existing = bank.account(c) {
                if existing.data == data { break }
                index &+= 1
                continue
            }
            put(c, owner: L.programId, data: data)
            break
        }
        let sqrtPrice = Self.sqrtPriceX64(
            Double(rb) / Double(ra), min: ClmmMath.minSqrtPrice + 1, max: ClmmMath.maxSqrtPrice - 1)
        let tick: Int32
        do { tick = try ClmmMath.tickAtSqrtPrice(sqrtPrice) } catch {
            throw PoolFactoryError("CLMM: price out of range (\(error))")
        }
        let laid = try layPositions(
            tick: tick, sqrtPrice: sqrtPrice, spacing: spacing, width: width(stepBps: 1) ?? 2 * arrayTicks,
            minTick: ClmmMath.minTick, maxTick: ClmmMath.maxTick, amountA: ra, amountB: rb,
            sqrtAt: { try? ClmmMath.sqrtPriceAtTick($0) })
        let liquidity = laid.active
        let vault0 = L.vaultAddress(pool: pool, mint: a.address)
        let vault1 = L.vaultAddress(pool: pool, mint: b.address)
        try vaults(
            a: a, b: b, vaultA: vault0, vaultB: vault1, authority: pool, amountA: laid.amountA + 1,
            amountB: laid.amountB + 1)

        // Tick arrays holding the positions' ticks, flagged in the pool's default bitmap.
        var arrays: [Int32: ClmmTickArray] = [:]
        var bitmap = [UInt64](repeating: 0, count: 16)
        for (t, v) in laid.ticks.sorted(by: { $0.key < $1.key }) {
            let start = ClmmMath.tickArrayStartIndex(t, tickSpacing: spacing)
            var arr =
                arrays[start] ?? ClmmTickArray(startTickIndex: start, ticks: Array(repeating: ClmmTick(), count: 60))
            let i = Int((t - start) / Int32(spacing))
            arr.ticks[i] = ClmmTick(tick: t, liquidityNet: v.net, liquidityGross: v.gross)
            arrays[start] = arr
            let bit = Int(start / arrayTicks) + 512
            guard bit >= 0 && bit < 1024 else { throw PoolFactoryError("CLMM: tick array \(start) beyond the bitmap") }
            bitmap[bit / 64] |= 1 << UInt64(bit % 64)
        }
        for (start, arr) in arrays.sorted(by: { $0.key < $1.key }) {
            var d = [UInt8](repeating: 0, count: L.tickArraySize)
            DEXLayouts.write(arr, pool: pool, into: &d)
            put(L.tickArrayAddress(pool: pool, startTickIndex: start), owner: L.programId, data: d)
        }
        let observation = L.observationAddress(pool: pool)
        var d = [UInt8](repeating: 0, count: L.poolStateSize)
        d.put(bytes: L.poolStateDiscriminator, at: 0)
        d.put(UInt8(255), at: O.bump)
        d.put(config, at: O.ammConfig)
        d.put(seeded("clmm/creator"), at: O.owner)
        d.put(a.address, at: O.tokenMint0)
        d.put(b.address, at: O.tokenMint1)
        d.put(vault0, at: O.tokenVault0)
        d.put(vault1, at: O.tokenVault1)
        d.put(observation, at: O.observationKey)
        d.put(a.decimals, at: O.mintDecimals0)
        d.put(b.decimals, at: O.mintDecimals1)
        d.put(spacing, at: O.tickSpacing)
        d.put(liquidity, at: O.liquidity)
        d.put(sqrtPrice, at: O.sqrtPriceX64)
        d.put(tick, at: O.tickCurrent)
        for (i, w) in bitmap.enumerated() { d.put(w, at: O.tickArrayBitmap + 8 * i) }
        put(pool, owner: L.programId, data: d)
        // ObservationState (raydium-clmm states/oracle.rs): disc, initialized, recent_epoch u64,
        // observation_index u16, pool_id @19, 100 × Observation(44), padding [u64; 4] = 4,483 bytes.
        var obs = [UInt8](repeating: 0, count: 4483)
        obs.put(bytes: DEXHash.accountDiscriminator("ObservationState"), at: 0)
        obs.put(pool, at: 19)
        put(observation, owner: L.programId, data: obs)
        var ext = [UInt8](repeating: 0, count: L.bitmapExtensionSize)
        ext.put(bytes: L.bitmapExtensionDiscriminator, at: 0)
        ext.put(pool, at: 8)
        put(L.bitmapExtensionAddress(pool: pool), owner: L.programId, data: ext)
        return CreatedPool(
            kind: .raydiumClmm, address: pool, mintA: a.address, mintB: b.address, vaultA: vault0, vaultB: vault1,
            authority: pool, config: config, accounts: written, flipped: flipped)
    }

    mutating func whirlpool() throws(PoolFactoryError) -> CreatedPool {
        typealias L = WhirlpoolLayout
        typealias O = WhirlpoolLayout.Offset
        let s = spec!
        let (a, b, ra, rb, flipped) = ordered(sort: true)
        let spacing = s.tickSpacing ?? 64
        guard spacing > 0, spacing < WhirlpoolMath.fullRangeOnlyTickSpacingThreshold else {
            throw PoolFactoryError("Whirlpool tick spacing \(spacing) not supported by the factory")
        }
        let arrayTicks = Int32(spacing) * WhirlpoolMath.tickArraySize
        let pool = seeded("whirlpool/pool")
        try requireFree(pool)
        let config = DEXHash.address("whirlpool/config", [])
        if bank.account(config) == nil {
            put(
                config, owner: L.programId,
                data: DEXLayouts.whirlpoolsConfig(
                    authority: DEXHash.address("whirlpool/admin", []), defaultProtocolFeeRate: 300))
        }
        let sqrtPrice = Self.sqrtPriceX64(
            Double(rb) / Double(ra), min: WhirlpoolMath.minSqrtPrice + 1, max: WhirlpoolMath.maxSqrtPrice - 1)
        let tick = WhirlpoolMath.tickIndexFromSqrtPrice(sqrtPrice)
        let laid = try layPositions(
            tick: tick, sqrtPrice: sqrtPrice, spacing: spacing, width: width(stepBps: 1) ?? arrayTicks,
            minTick: WhirlpoolMath.minTickIndex, maxTick: WhirlpoolMath.maxTickIndex, amountA: ra, amountB: rb,
            sqrtAt: { WhirlpoolMath.sqrtPriceFromTickIndex($0) })
        let (lower, upper, liquidity) = (laid.lower, laid.upper, laid.active)
        let vaultA = seeded("whirlpool/vault_a")
        let vaultB = seeded("whirlpool/vault_b")
        try vaults(
            a: a, b: b, vaultA: vaultA, vaultB: vaultB, authority: pool, amountA: laid.amountA + 1,
            amountB: laid.amountB + 1)
        // Every tick array a swap sequence can reach from anywhere in the range (3 arrays each way), so that any
        // swap the position allows finds its arrays initialized, as on a well-used mainnet pool.
        let first = WhirlpoolMath.tickArrayStartIndex(lower, tickSpacing: spacing) - 2 * arrayTicks
        let last = WhirlpoolMath.tickArrayStartIndex(upper, tickSpacing: spacing) + 2 * arrayTicks
        var start = Swift.max(
            first, WhirlpoolMath.tickArrayStartIndex(WhirlpoolMath.minTickIndex, tickSpacing: spacing))
        let end = Swift.min(last, WhirlpoolMath.tickArrayStartIndex(WhirlpoolMath.maxTickIndex, tickSpacing: spacing))
        while start <= end {
            var arr = WhirlpoolTickArray.zeroed(startTickIndex: start)
            for (t, v) in laid.ticks where t >= start && t < start + arrayTicks {
                arr.ticks[Int((t - start) / Int32(spacing))] = WhirlpoolTick(
                    initialized: true, liquidityNet: v.net, liquidityGross: v.gross)
            }
            var d = [UInt8](repeating: 0, count: L.fixedTickArraySize)
            DEXLayouts.write(arr, whirlpool: pool, into: &d)
            put(L.tickArrayAddress(whirlpool: pool, startTickIndex: start), owner: L.programId, data: d)
            start += arrayTicks
        }
        var d = [UInt8](repeating: 0, count: L.whirlpoolSize)
        d.put(bytes: L.whirlpoolDiscriminator, at: 0)
        d.put(config, at: O.whirlpoolsConfig)
        d.put(UInt8(255), at: O.whirlpoolBump)
        d.put(spacing, at: O.tickSpacing)
        d.put(spacing, at: O.feeTierIndexSeed)
        d.put(UInt16(s.feeRate), at: O.feeRate)
        d.put(UInt16(300), at: O.protocolFeeRate)
        d.put(liquidity, at: O.liquidity)
        d.put(sqrtPrice, at: O.sqrtPrice)
        d.put(tick, at: O.tickCurrentIndex)
        d.put(a.address, at: O.tokenMintA)
        d.put(vaultA, at: O.tokenVaultA)
        d.put(b.address, at: O.tokenMintB)
        d.put(vaultB, at: O.tokenVaultB)
        put(pool, owner: L.programId, data: d)
        return CreatedPool(
            kind: .orcaWhirlpool, address: pool, mintA: a.address, mintB: b.address, vaultA: vaultA,
            vaultB: vaultB, authority: pool, config: config, accounts: written, flipped: flipped)
    }

    // MARK: Meteora DLMM

    mutating func dlmm() throws(PoolFactoryError) -> CreatedPool {
        typealias L = MeteoraDLMMLayout
        let s = spec!
        let (a, b, ra, rb, flipped) = ordered(sort: false)
        let binStep = s.tickSpacing ?? 10
        guard binStep > 0 else { throw PoolFactoryError("bin step 0") }
        let width = self.width(stepBps: Double(binStep)) ?? 35
        guard width >= 0 else { throw PoolFactoryError("negative range width") }
        // Base fee = base_factor · bin_step · 10 · 10^power (1e-9 units) = feeRate · 1,000.
        var baseFactor = UInt64(s.feeRate) * 100 / UInt64(binStep)
        var power: UInt8 = 0
        while baseFactor > UInt64(UInt16.max) {
            baseFactor /= 10
            power += 1
        }
        let pair = seeded("dlmm/pair")
        try requireFree(pair)
        let reserveX = DEXHash.pda([pair.bytes, a.address.bytes], L.programId).address
        let reserveY = DEXHash.pda([pair.bytes, b.address.bytes], L.programId).address
        let oracle = DEXHash.pda([Array("oracle".utf8), pair.bytes], L.programId).address
        let activeD = (log(Double(rb) / Double(ra)) / log(1 + Double(binStep) / 10_000)).rounded()
        guard activeD.isFinite, activeD > Double(DLMM.minBinId + width), activeD < Double(DLMM.maxBinId - width)
        else { throw PoolFactoryError("DLMM: price out of range") }
        let active = Int32(activeD)
        // X in the active bin and `width` bins above it, Y in the active bin and `width` bins below.
        let perX = ra / UInt64(width + 1)
        let perY = rb / UInt64(width + 1)
        guard perX > 0, perY > 0 else { throw PoolFactoryError("DLMM: reserves too small for \(width + 1) bins") }
        var arrays: [Int32: [DLMM.Bin]] = [:]
        var totalX: UInt64 = 0
        var totalY: UInt64 = 0
        for id in (active - width)...(active + width) {
            let index = DLMM.binArrayIndex(binId: id)
            var bins =
                arrays[index]
                ?? Array(
                    repeating: DLMM.Bin(
                        amountX: 0, amountY: 0, price: 0, openOrderAmount: 0, processedOrderRemainingAmount: 0,
                        limitOrderAskSide: false), count: Int(DLMM.maxBinPerArray))
            guard let price = DLMM.price(binId: id, binStep: binStep) else {
                throw PoolFactoryError("DLMM: no price for bin \(id)")
            }
            let x = id >= active ? perX : 0
            let y = id <= active ? perY : 0
            totalX += x
            totalY += y
            bins[Int(id - DLMM.binArrayBounds(index: index).lower)] = DLMM.Bin(
                amountX: x, amountY: y, price: price, openOrderAmount: 0, processedOrderRemainingAmount: 0,
                limitOrderAskSide: false)
            arrays[index] = bins
        }
        try vaults(a: a, b: b, vaultA: reserveX, vaultB: reserveY, authority: pair, amountA: totalX, amountB: totalY)
        var bitmap = [UInt64](repeating: 0, count: 16)
        for (index, bins) in arrays.sorted(by: { $0.key < $1.key }) {
            let bit = Int(index) + 512
            guard bit >= 0 && bit < 1024 else { throw PoolFactoryError("DLMM: bin array \(index) beyond the bitmap") }
            bitmap[bit / 64] |= 1 << UInt64(bit % 64)
            guard let address = L.binArrayAddress(pair: pair, index: Int64(index)) else {
                throw PoolFactoryError("DLMM: bin array \(index) PDA")
            }
            var d = [UInt8](repeating: 0, count: L.binArraySize)
            d.put(bytes: L.binArrayDiscriminator, at: 0)
            d.put(Int64(index), at: 8)
            d.put(UInt8(1), at: 16)
            d.put(pair, at: 24)
            for (i, bin) in bins.enumerated() { DEXLayouts.writeBin(bin, index: i, version: 1, into: &d) }
            put(address, owner: L.programId, data: d)
        }
        var d = [UInt8](repeating: 0, count: L.lbPairSize)
        d.put(bytes: L.lbPairDiscriminator, at: 0)
        d.put(UInt16(baseFactor), at: L.baseFactor)
        d.put(UInt16(30), at: L.filterPeriod)
        d.put(UInt16(600), at: L.decayPeriod)
        d.put(UInt16(5_000), at: L.reductionFactor)
        d.put(UInt32(0), at: L.variableFeeControl)  // static fee: no volatility component
        d.put(UInt32(350_000), at: L.maxVolatilityAccumulator)
        d.put(DLMM.minBinId, at: L.minBinId)
        d.put(DLMM.maxBinId, at: L.maxBinId)
        d.put(UInt16(500), at: L.protocolShare)  // 5 % of the fee to the protocol
        d.put(power, at: L.baseFeePowerFactor)
        d.put(UInt8(255), at: L.bumpSeed)
        d.put(binStep, at: L.binStepSeed)
        d.put(active, at: L.activeId)
        d.put(binStep, at: L.binStep)
        d.put(a.address, at: L.tokenXMint)
        d.put(b.address, at: L.tokenYMint)
        d.put(reserveX, at: L.reserveX)
        d.put(reserveY, at: L.reserveY)
        d.put(oracle, at: L.oracle)
        for (i, w) in bitmap.enumerated() { d.put(w, at: L.binArrayBitmap + 8 * i) }
        d.put(seeded("dlmm/base"), at: L.baseKey)
        d.put(seeded("dlmm/creator"), at: L.creator)
        put(pair, owner: L.programId, data: d)
        // Oracle (lb_clmm state/oracle.rs): disc, idx u64, active_size u64, length u64, then `length`
        // observations of 32 bytes (cumulative_active_bin_id i128, created_at i64, last_updated_at i64).
        var o = [UInt8](repeating: 0, count: 32 + 100 * 32)
        o.put(bytes: DEXHash.accountDiscriminator("Oracle"), at: 0)
        o.put(UInt64(100), at: 24)
        put(oracle, owner: L.programId, data: o)
        return CreatedPool(
            kind: .meteoraDlmm, address: pair, mintA: a.address, mintB: b.address, vaultA: reserveX,
            vaultB: reserveY, authority: pair, config: nil, accounts: written, flipped: flipped)
    }
}
