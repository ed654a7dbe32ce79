import ArbVenues
import SolanaPrimitives

/// Everything the engine is told instead of discovering: which tokens a cycle starts and ends at, how much it may
/// spend, what a transaction costs, and the risk limits checked before anything is signed. Integers throughout.
public struct EngineConfig: Sendable, Hashable {
    /// The wrapped-SOL mint: fees, tips and rent are paid in lamports and converted with SOL pools of the graph.
    public static let wrappedSol: Address = "So11111111111111111111111111111111111111112"

    /// Tokens at which a cycle starts and ends (e.g. wSOL, USDC), in priority order.
    public var baseTokens: [Address]
    /// Longest cycle indexed (2 = round trip between two pools, 3 = triangle, …).
    public var maxCycleLegs: Int = 4
    /// Available capital per base token, in its base units (no entry → that base is not traded).
    public var capital: [Address: UInt64]
    /// Minimum net profit per base token, in its base units (no entry → 1).
    public var minProfit: [Address: UInt64] = [:]
    /// Probe size per base token: a cycle not profitable at this input is not sized (profit is concave in
    /// input, so it is then unprofitable for every larger input; only trades smaller than the probe, earning
    /// less than probe × spread, are given up). It must be large against one base unit of every token on the
    /// way, or floor rounding hides a real spread. No entry → max(1, capital / 10_000).
    public var probeAmount: [Address: UInt64] = [:]
    /// Slippage allowed on the last leg's minimum output, in bps of the expected output. The minimum output is
    /// never below break-even (input + costs + minimum profit).
    public var slippageBps: UInt64 = 50
    /// Sizing stops when the golden-section bracket is narrower than max(4, size >> this); then the bracket's
    /// points and their neighbours are compared.
    public var sizingToleranceShift: Int = 12
    /// Safety cap on the cycle index; `ArbEngine.stats.indexTruncated` says when it was hit.
    public var maxIndexedCycles: Int = 2_000_000

    public var costs = CostModel()
    public var risk = RiskLimits()

    public init(baseTokens: [Address], capital: [Address: UInt64]) {
        self.baseTokens = baseTokens
        self.capital = capital
    }
}

/// Transaction costs, in lamports, and the compute estimates they are computed from.
public struct CostModel: Sendable, Hashable {
    /// Signatures per transaction (base fee is charged per signature).
    public var signatures: UInt64 = 1
    public var lamportsPerSignature: UInt64 = 5_000
    /// Compute-unit price in micro-lamports (ComputeBudget SetComputeUnitPrice).
    public var computeUnitPriceMicroLamports: UInt64 = 0
    /// Jito (or other) tip per transaction.
    public var tipLamports: UInt64 = 0
    /// Rent-exempt minimum of an SPL token account (165 bytes): 2,039,280 lamports on mainnet.
    public var rentLamportsPerCreatedAccount: UInt64 = 2_039_280
    /// Tokens for which the wallet has no token account yet: a cycle through one creates it and pays its rent.
    public var tokensWithoutAccount: Set<Address> = []
    /// Compute units outside the swaps (compute-budget instructions, tip transfer, profit guard).
    public var baseComputeUnits: UInt32 = 15_000
    /// Estimated compute units per swap leg, per venue kind (typical mainnet consumption with headroom;
    /// tick/bin crossings make CLMM/DLMM legs vary — the execution layer simulates before sending).
    public var computeUnitsPerLeg: [VenueKind: UInt32] = [
        .raydiumAmmV4: 45_000,
        .raydiumCpmm: 50_000,
        .orcaWhirlpool: 80_000,
        .raydiumClmm: 90_000,
        .meteoraDlmm: 90_000,
    ]
    /// Accounts a swap instruction of each kind references besides the wallet, its two token accounts and the
    /// token program (pool, vaults, config, oracle, tick/bin arrays…), and its instruction data size.
    public var legShape: [VenueKind: LegShape] = [
        .raydiumAmmV4: LegShape(poolAccounts: 14, dataBytes: 17),
        .raydiumCpmm: LegShape(poolAccounts: 10, dataBytes: 24),
        .orcaWhirlpool: LegShape(poolAccounts: 11, dataBytes: 43),
        .raydiumClmm: LegShape(poolAccounts: 12, dataBytes: 41),
        .meteoraDlmm: LegShape(poolAccounts: 14, dataBytes: 24),
    ]

    public init() {}
}

public struct LegShape: Sendable, Hashable {
    public var poolAccounts: Int
    public var dataBytes: Int
    public init(poolAccounts: Int, dataBytes: Int) {
        self.poolAccounts = poolAccounts
        self.dataBytes = dataBytes
    }
}

/// Limits checked before anything is signed.
public struct RiskLimits: Sendable, Hashable {
    /// Longest cycle traded (may be below `maxCycleLegs` to index more than is traded).
    public var maxLegs: Int = 4
    /// Per-trade notional cap per base token, in its base units; sizing never goes above it.
    public var maxNotional: [Address: UInt64] = [:]
    /// Serialized transaction limit (packet size).
    public var maxTransactionBytes: Int = 1_232
    /// Account keys a transaction may reference (static + loaded from lookup tables).
    public var maxAccounts: Int = 64
    /// A pool whose last update is more than this many slots behind the newest slot seen is stale: no trade.
    public var maxStaleSlots: UInt64 = 4
    public var deniedPools: Set<Address> = []
    public var deniedTokens: Set<Address> = []

    public init() {}
}
