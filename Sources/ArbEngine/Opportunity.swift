import ArbVenues
import SolanaPrimitives

/// A sized, costed, risk-checked arbitrage: plain values the execution layer turns into a transaction.
public struct Opportunity: Sendable, Hashable {
    public struct Leg: Sendable, Hashable {
        public var pool: Address
        public var kind: VenueKind
        public var direction: SwapDirection
        public var mintIn: Address
        public var mintOut: Address
        public var amountIn: UInt64
        public var expectedOut: UInt64
        /// Slot of the pool data this leg was quoted on, and the engine's version counter for that pool.
        public var poolSlot: UInt64
        public var poolVersion: UInt64

        public init(
            pool: Address, kind: VenueKind, direction: SwapDirection, mintIn: Address, mintOut: Address,
            amountIn: UInt64,
            expectedOut: UInt64, poolSlot: UInt64, poolVersion: UInt64
        ) {
            self.pool = pool
            self.kind = kind
            self.direction = direction
            self.mintIn = mintIn
            self.mintOut = mintOut
            self.amountIn = amountIn
            self.expectedOut = expectedOut
            self.poolSlot = poolSlot
            self.poolVersion = poolVersion
        }
    }

    /// The token the cycle starts and ends in; profits and `costInBase` are in its base units.
    public var baseMint: Address
    public var legs: [Leg]
    public var amountIn: UInt64
    public var expectedOut: UInt64
    /// Minimum output of the last leg (slippage allowance, never below break-even).
    public var minOutLastLeg: UInt64
    /// expectedOut − amountIn.
    public var grossProfit: UInt64
    /// Base fee + priority fee + tip + rent, in lamports, and converted into the base token.
    public var costLamports: UInt64
    public var costInBase: UInt64
    public var netProfit: UInt64
    /// Net profit valued in lamports (the ranking key across base tokens).
    public var netProfitLamports: UInt64
    public var computeUnits: UInt32
    public var estimatedTransactionBytes: Int
    public var accountCount: Int
    /// Newest slot the engine had seen when it computed this.
    public var slot: UInt64
    public var features: EngineFeatures

    public init(
        baseMint: Address, legs: [Leg], amountIn: UInt64, expectedOut: UInt64, minOutLastLeg: UInt64,
        grossProfit: UInt64, costLamports: UInt64, costInBase: UInt64, netProfit: UInt64, netProfitLamports: UInt64,
        computeUnits: UInt32, estimatedTransactionBytes: Int, accountCount: Int, slot: UInt64,
        features: EngineFeatures
    ) {
        self.baseMint = baseMint
        self.legs = legs
        self.amountIn = amountIn
        self.expectedOut = expectedOut
        self.minOutLastLeg = minOutLastLeg
        self.grossProfit = grossProfit
        self.costLamports = costLamports
        self.costInBase = costInBase
        self.netProfit = netProfit
        self.netProfitLamports = netProfitLamports
        self.computeUnits = computeUnits
        self.estimatedTransactionBytes = estimatedTransactionBytes
        self.accountCount = accountCount
        self.slot = slot
        self.features = features
    }

    /// A canonical byte encoding (little-endian fields in declaration order), for determinism checks and journals.
    public func canonicalBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + legs.count * 120)
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func addr(_ a: Address) { out.append(contentsOf: a.bytes) }
        addr(baseMint)
        u64(UInt64(legs.count))
        for l in legs {
            addr(l.pool)
            out.append(contentsOf: Array(l.kind.rawValue.utf8))
            out.append(l.direction == .aToB ? 0 : 1)
            addr(l.mintIn)
            addr(l.mintOut)
            u64(l.amountIn)
            u64(l.expectedOut)
            u64(l.poolSlot)
            u64(l.poolVersion)
        }
        for v in [amountIn, expectedOut, minOutLastLeg, grossProfit, costLamports, costInBase, netProfit] { u64(v) }
        u64(netProfitLamports)
        u64(UInt64(computeUnits))
        u64(UInt64(estimatedTransactionBytes))
        u64(UInt64(accountCount))
        u64(slot)
        for f in features.vector { u64(f.bitPattern) }
        return out
    }
}

/// Inputs for the AI gate, computed from values the engine already has while sizing (no extra quotes).
/// `Double` because these are model features, not money.
public struct EngineFeatures: Sendable, Hashable {
    /// Cycle return at the probe size, in bps (the marginal spread).
    public var spreadBps: Double
    /// Net profit / input, in bps.
    public var profitBps: Double
    /// Chosen input as a fraction of the capital available for the base token (how deep the opportunity is).
    public var depthFraction: Double
    /// log10 of the chosen input in base units.
    public var log10Input: Double
    public var legs: Double
    /// Slots since the oldest / newest leg pool was updated.
    public var maxPoolAgeSlots: Double
    public var minPoolAgeSlots: Double
    /// Largest recent price volatility of the leg pools (EWMA of |Δprice|, bps per update).
    public var volatilityBps: Double
    /// Costs / gross profit.
    public var costShare: Double
    public var computeUnits: Double

    public init(
        spreadBps: Double, profitBps: Double, depthFraction: Double, log10Input: Double, legs: Double,
        maxPoolAgeSlots: Double, minPoolAgeSlots: Double, volatilityBps: Double, costShare: Double,
        computeUnits: Double
    ) {
        self.spreadBps = spreadBps
        self.profitBps = profitBps
        self.depthFraction = depthFraction
        self.log10Input = log10Input
        self.legs = legs
        self.maxPoolAgeSlots = maxPoolAgeSlots
        self.minPoolAgeSlots = minPoolAgeSlots
        self.volatilityBps = volatilityBps
        self.costShare = costShare
        self.computeUnits = computeUnits
    }

    public static let names: [String] = [
        "spread_bps", "profit_bps", "depth_fraction", "log10_input", "legs", "max_pool_age_slots",
        "min_pool_age_slots", "volatility_bps", "cost_share", "compute_units",
    ]

    public var vector: [Double] {
        [
            spreadBps, profitBps, depthFraction, log10Input, legs, maxPoolAgeSlots, minPoolAgeSlots, volatilityBps,
            costShare, computeUnits,
        ]
    }
}

/// A ranked decision as the hot path keeps it (no heap storage): the cycle and its sizing.
/// `ArbEngine.opportunity(_:)` materializes it into an `Opportunity`.
public struct RankedCandidate: Sendable, Hashable {
    public var cycle: Int32
    public var amountIn: UInt64
    public var expectedOut: UInt64
    public var costLamports: UInt64
    public var costInBase: UInt64
    public var netProfit: UInt64
    public var netProfitLamports: UInt64
    /// Profit at the probe size (for the spread feature).
    public var probeIn: UInt64
    public var probeOut: UInt64
}
