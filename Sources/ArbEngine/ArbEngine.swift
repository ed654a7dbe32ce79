import ArbVenues
import SolanaPrimitives

/// The arbitrage engine: a market graph over tokens and pools, an index from each pool to the cycles through it,
/// and on each pool update the exact sizing, costing and risk check of only those cycles.
///
/// Pure: no IO, no clock (time is the slot numbers passed in), no randomness. Same sequence of calls → same
/// results, byte for byte. The steady-state `update` performs no heap allocation (see docs/engine.md).
public struct ArbEngine<Pool: PoolQuoter>: Sendable {
    public private(set) var config: EngineConfig

    // Tokens.
    var tokens: [Address] = []
    var tokenIndex: [Address: Int32] = [:]
    // Per token (filled at index build): capital bound (0 = not a base), min profit, probe size.
    var tokenMaxIn: [UInt64] = []
    var tokenMinProfit: [UInt64] = []
    var tokenProbe: [UInt64] = []
    var tokenNeedsAccount: [Bool] = []
    /// For each base token, the direct wSOL pools (index, direction wSOL → base) used to price costs.
    var tokenSolPools: [[(pool: Int32, direction: SwapDirection)]] = []

    // Pools.
    var pools: [Pool] = []
    var poolIndex: [Address: Int32] = [:]
    var poolTokenA: [Int32] = []
    var poolTokenB: [Int32] = []
    var poolSlot: [UInt64] = []
    var poolVersion: [UInt64] = []
    var poolLastPrice: [UInt64] = []
    var poolVolatilityBps: [Double] = []
    /// log2 of the marginal rate per direction (aToB, bToA) in fixed point (units of 2^-32; `noRateLog` without
    /// liquidity). Integer so that the per-cycle sums below can be kept up to date by exact increments.
    var poolLogFixed: [(Int64, Int64)] = []
    /// The marginal rate per direction as a `Double` (0 without liquidity): sizing guess and profit bound.
    var poolRate: [(Double, Double)] = []
    /// `PoolQuoter.curvatureBound` per direction (0 = no bound).
    var poolCurvature: [(Double, Double)] = []

    // Cycle index (flat): cycle c has legs legStart[c] ..< legStart[c + 1].
    var cycleBase: [Int32] = []
    var cycleLegStart: [Int32] = [0]
    var legPool: [Int32] = []
    var legDirection: [SwapDirection] = []
    var cycleCostLamports: [UInt64] = []
    var cycleComputeUnits: [UInt32] = []
    var cycleTxBytes: [Int32] = []
    var cycleAccounts: [Int32] = []
    /// Σ over the cycle's legs of `poolLogFixed` (the leg's direction), plus `blockedLog` when a risk limit known
    /// without quoting (legs, transaction bytes, accounts) rules the cycle out. Kept exact by adding each
    /// updated pool's change to the cycles through it, so screening a cycle is one load and one compare.
    var cycleLogSum: [Int64] = []
    // Pool → cycles through it (CSR). Entry = cycle << 1 | (1 if the pool is used B → A in that cycle).
    var poolCycleStart: [Int32] = [0]
    var poolCycleList: [Int32] = []
    var indexDirty = true
    var indexTruncated = false
    // Scalar risk limits copied out of `config` at index build (the hot path reads no collections of config).
    var limitLegs = 0
    var limitTxBytes: Int32 = 0
    var limitAccounts: Int32 = 0
    var limitStaleSlots: UInt64 = 0

    /// Newest slot seen in any update.
    public private(set) var currentSlot: UInt64 = 0
    /// The ranked decisions of the last `update` / `evaluateAll`, best first.
    public private(set) var ranked: [RankedCandidate] = []
    // Per-evaluation cache of "base units per 1 SOL" by token (0 = not computed yet, UInt64.max = unpriceable).
    var solPriceCache: [UInt64] = []
    var solPriceTouched: [Int32] = []
    /// Cycles of the current update that passed the screen (reused buffer).
    var candidateScratch: [Int32] = []

    public init(config: EngineConfig) {
        self.config = config
        ranked.reserveCapacity(1024)
        solPriceTouched.reserveCapacity(16)
        candidateScratch.reserveCapacity(1024)
    }

    public struct Stats: Sendable, Hashable {
        public var tokens: Int
        public var pools: Int
        public var cycles: Int
        public var indexTruncated: Bool
        /// Largest number of cycles through one pool.
        public var maxCyclesPerPool: Int
    }

    public var stats: Stats {
        var m = 0
        if poolCycleStart.count > 1 {
            for p in 0..<(poolCycleStart.count - 1) { m = max(m, Int(poolCycleStart[p + 1] - poolCycleStart[p])) }
        }
        return Stats(
            tokens: tokens.count, pools: pools.count, cycles: cycleBase.count, indexTruncated: indexTruncated,
            maxCyclesPerPool: m)
    }

    // MARK: - Graph maintenance (not the hot path)

    /// Adds a pool (or replaces one with the same address) without evaluating anything. The cycle index is
    /// rebuilt lazily on the next update or `rebuildIndex()`.
    public mutating func insert(_ pool: Pool, slot: UInt64) {
        currentSlot = max(currentSlot, slot)
        if let i = poolIndex[pool.address] {
            let idx = Int(i)
            if pool.mintA != pools[idx].mintA || pool.mintB != pools[idx].mintB { indexDirty = true }
            pools[idx] = pool
            poolSlot[idx] = slot
            poolVersion[idx] &+= 1
            setRates(idx, pool)
            poolTokenA[idx] = token(pool.mintA)
            poolTokenB[idx] = token(pool.mintB)
            return
        }
        poolIndex[pool.address] = Int32(pools.count)
        pools.append(pool)
        poolTokenA.append(token(pool.mintA))
        poolTokenB.append(token(pool.mintB))
        poolSlot.append(slot)
        poolVersion.append(1)
        poolLastPrice.append(0)
        poolVolatilityBps.append(0)
        let r = Self.rates(pool)
        poolLogFixed.append(r.log)
        poolRate.append(r.rate)
        poolCurvature.append(r.curvature)
        indexDirty = true
    }

    /// Changes the configuration (deny lists, capital, costs…); the index is rebuilt on the next update.
    public mutating func reconfigure(_ newConfig: EngineConfig) {
        config = newConfig
        indexDirty = true
    }

    mutating func token(_ mint: Address) -> Int32 {
        if let t = tokenIndex[mint] { return t }
        let t = Int32(tokens.count)
        tokens.append(mint)
        tokenIndex[mint] = t
        return t
    }

    /// Rebuilds the cycle index from the current graph and configuration.
    public mutating func rebuildIndex() {
        let tokenCount = tokens.count
        tokenMaxIn = Array(repeating: 0, count: tokenCount)
        tokenMinProfit = Array(repeating: 1, count: tokenCount)
        tokenProbe = Array(repeating: 1, count: tokenCount)
        tokenNeedsAccount = Array(repeating: false, count: tokenCount)
        tokenSolPools = Array(repeating: [], count: tokenCount)
        solPriceCache = Array(repeating: 0, count: tokenCount)
        for t in 0..<tokenCount {
            tokenNeedsAccount[t] = config.costs.tokensWithoutAccount.contains(tokens[t])
        }
        limitLegs = config.risk.maxLegs
        limitTxBytes = Int32(clamping: config.risk.maxTransactionBytes)
        limitAccounts = Int32(clamping: config.risk.maxAccounts)
        limitStaleSlots = config.risk.maxStaleSlots
        let deniedTokens = config.risk.deniedTokens
        let deniedPools = config.risk.deniedPools
        var bases: [Int32] = []
        for b in config.baseTokens {
            guard let t = tokenIndex[b], !deniedTokens.contains(b), let cap = config.capital[b], cap > 0,
                !bases.contains(t)
            else { continue }
            let notional = config.risk.maxNotional[b] ?? cap
            tokenMaxIn[Int(t)] = min(cap, notional)
            tokenMinProfit[Int(t)] = max(1, config.minProfit[b] ?? 1)
            tokenProbe[Int(t)] = max(1, min(config.probeAmount[b] ?? max(1, cap / 10_000), tokenMaxIn[Int(t)]))
            bases.append(t)
        }
        // Adjacency: usable pools per token, in pool order (deterministic).
        var adjacency = Array(repeating: [Int32](), count: tokenCount)
        for p in 0..<pools.count {
            let a = Int(poolTokenA[p])
            let b = Int(poolTokenB[p])
            if a == b || deniedPools.contains(pools[p].address) || deniedTokens.contains(tokens[a])
                || deniedTokens.contains(tokens[b])
            {
                continue
            }
            adjacency[a].append(Int32(p))
            adjacency[b].append(Int32(p))
        }
        // wSOL pricing pools for each base.
        if let sol = tokenIndex[EngineConfig.wrappedSol] {
            for b in bases where b != sol {
                for p in adjacency[Int(b)] {
                    let other = poolTokenA[Int(p)] == b ? poolTokenB[Int(p)] : poolTokenA[Int(p)]
                    if other == sol {
                        tokenSolPools[Int(b)].append((p, poolTokenA[Int(p)] == sol ? .aToB : .bToA))
                    }
                }
            }
        }

        cycleBase = []
        cycleLegStart = [0]
        legPool = []
        legDirection = []
        cycleCostLamports = []
        cycleComputeUnits = []
        cycleTxBytes = []
        cycleAccounts = []
        cycleLogSum = []
        indexTruncated = false
        let maxLegs = max(2, config.maxCycleLegs)
        var pathPools: [Int32] = []
        var pathDirs: [SwapDirection] = []
        var pathTokens: [Int32] = []
        var perPoolCount = Array(repeating: Int32(0), count: pools.count)

        func dfs(base: Int32, at token: Int32) {
            for p in adjacency[Int(token)] {
                if indexTruncated { return }
                if pathPools.contains(p) { continue }
                let a = poolTokenA[Int(p)]
                let dir: SwapDirection = a == token ? .aToB : .bToA
                let next = dir == .aToB ? poolTokenB[Int(p)] : a
                if next == base {
                    if pathPools.count + 1 >= 2 {
                        pathPools.append(p)
                        pathDirs.append(dir)
                        recordCycle(base: base)
                        pathPools.removeLast()
                        pathDirs.removeLast()
                    }
                } else if pathPools.count + 1 < maxLegs, !pathTokens.contains(next) {
                    pathPools.append(p)
                    pathDirs.append(dir)
                    pathTokens.append(next)
                    dfs(base: base, at: next)
                    pathPools.removeLast()
                    pathDirs.removeLast()
                    pathTokens.removeLast()
                }
            }
        }

        func recordCycle(base: Int32) {
            if cycleBase.count >= config.maxIndexedCycles {
                indexTruncated = true
                return
            }
            cycleBase.append(base)
            legPool.append(contentsOf: pathPools)
            legDirection.append(contentsOf: pathDirs)
            cycleLegStart.append(Int32(legPool.count))
            for p in pathPools { perPoolCount[Int(p)] += 1 }
            let shape = transactionShape(pools: pathPools, directions: pathDirs)
            cycleCostLamports.append(shape.costLamports)
            cycleComputeUnits.append(shape.computeUnits)
            cycleTxBytes.append(Int32(clamping: shape.bytes))
            cycleAccounts.append(Int32(clamping: shape.accounts))
            let allowed =
                pathPools.count <= limitLegs && Int32(clamping: shape.bytes) <= limitTxBytes
                && Int32(clamping: shape.accounts) <= limitAccounts
            var sum: Int64 = allowed ? 0 : Self.blockedLog
            for (p, d) in zip(pathPools, pathDirs) {
                sum &+= d == .aToB ? poolLogFixed[Int(p)].0 : poolLogFixed[Int(p)].1
            }
            cycleLogSum.append(sum)
        }

        for b in bases {
            pathTokens = [b]
            dfs(base: b, at: b)
        }

        // CSR pool → cycles.
        poolCycleStart = Array(repeating: 0, count: pools.count + 1)
        for p in 0..<pools.count { poolCycleStart[p + 1] = poolCycleStart[p] + perPoolCount[p] }
        poolCycleList = Array(repeating: 0, count: Int(poolCycleStart[pools.count]))
        var fill = Array(poolCycleStart.dropLast())
        for c in 0..<cycleBase.count {
            for l in Int(cycleLegStart[c])..<Int(cycleLegStart[c + 1]) {
                let p = Int(legPool[l])
                // A pool appears at most once per cycle.
                poolCycleList[Int(fill[p])] = Int32(c) << 1 | (legDirection[l] == .aToB ? 0 : 1)
                fill[p] += 1
            }
        }
        indexDirty = false
    }

    struct Shape {
        var computeUnits: UInt32
        var costLamports: UInt64
        var bytes: Int
        var accounts: Int
    }

    /// Compute, fee and size estimate of the v0 transaction for a cycle: compute-budget instructions, the legs
    /// (pool accounts loaded from a lookup table), a tip transfer, token accounts created where missing.
    func transactionShape(pools path: [Int32], directions: [SwapDirection]) -> Shape {
        let c = config.costs
        var cu = UInt64(c.baseComputeUnits)
        var kinds: [VenueKind] = []
        var loaded = 0
        var ixBytes = 0
        var created = 0
        var touchedTokens: [Int32] = []
        for (i, p) in path.enumerated() {
            let kind = pools[Int(p)].kind
            cu += UInt64(c.computeUnitsPerLeg[kind] ?? 100_000)
            if !kinds.contains(kind) { kinds.append(kind) }
            let shape = c.legShape[kind] ?? LegShape(poolAccounts: 16, dataBytes: 48)
            loaded += shape.poolAccounts
            // program index, account count, (pool accounts + wallet, source, destination, token program), data.
            ixBytes += 1 + 1 + shape.poolAccounts + 4 + 1 + shape.dataBytes
            let out = directions[i] == .aToB ? poolTokenB[Int(p)] : poolTokenA[Int(p)]
            if !touchedTokens.contains(out) {
                touchedTokens.append(out)
                if tokenNeedsAccount[Int(out)] { created += 1 }
            }
        }
        // Static keys: payer, user token accounts, venue programs, token, compute budget, system (tip),
        // associated-token program when an account is created.
        let staticKeys = 1 + touchedTokens.count + kinds.count + 3 + (created > 0 ? 1 : 0)
        // Compute budget: SetComputeUnitLimit (5 data bytes) and SetComputeUnitPrice (9), tip: system transfer.
        ixBytes += (1 + 1 + 0 + 1 + 5) + (1 + 1 + 0 + 1 + 9) + (1 + 1 + 2 + 1 + 12)
        ixBytes += created * (1 + 1 + 6 + 1 + 1)
        let signatures = Int(c.signatures)
        let bytes =
            1 + 64 * signatures + 1 + 3 + 1 + 32 * staticKeys + 32 + 1 + ixBytes + 1 + (32 + 1 + 1 + loaded)
        let computeUnits = UInt32(clamping: cu)
        let priority = (UInt128(c.computeUnitPriceMicroLamports) * UInt128(computeUnits) + 999_999) / 1_000_000
        let cost =
            UInt128(c.signatures) * UInt128(c.lamportsPerSignature) + priority + UInt128(c.tipLamports)
            + UInt128(created) * UInt128(c.rentLamportsPerCreatedAccount)
        return Shape(
            computeUnits: computeUnits, costLamports: UInt64(clamping: cost), bytes: bytes,
            accounts: staticKeys + loaded)
    }

    // MARK: - Hot path

    /// Applies a pool update and re-evaluates only the cycles through that pool. Returns how many ranked
    /// opportunities `ranked` now holds (best first). An unknown pool is inserted (which rebuilds the index).
    @discardableResult
    public mutating func update(_ pool: Pool, slot: UInt64) -> Int {
        guard let i = poolIndex[pool.address], pool.mintA == pools[Int(i)].mintA,
            pool.mintB == pools[Int(i)].mintB
        else {
            insert(pool, slot: slot)
            return update(pool, slot: slot)
        }
        return update(poolAt: Int(i), pool, slot: slot)
    }

    /// The index of a known pool, for callers that keep it to skip the address lookup.
    public func poolHandle(_ address: Address) -> Int? { poolIndex[address].map(Int.init) }

    /// How many indexed cycles pass through the pool at `index` (the work an update of it costs).
    public mutating func cyclesThrough(poolAt index: Int) -> Int {
        if indexDirty { rebuildIndex() }
        return Int(poolCycleStart[index + 1] - poolCycleStart[index])
    }

    /// `update` for a pool already known at `index` (same mints).
    /// Specialized here for the pool types the engine ships with, so callers in other modules get
    /// direct (not witness-table) quote calls on the hot path.
    @discardableResult
    @_specialize(exported:true,where Pool == ConstantProductQuoter)
    @_specialize(exported:true,where Pool == AnyPoolQuoter)
    public mutating func update(poolAt index: Int, _ pool: Pool, slot: UInt64) -> Int {
        precondition(pools[index].address == pool.address, "pool handle does not match the pool")
        pools[index] = pool
        poolSlot[index] = max(poolSlot[index], slot)
        poolVersion[index] &+= 1
        currentSlot = max(currentSlot, slot)
        var (deltaA, deltaB) = storeRates(index, pool)
        if indexDirty {
            rebuildIndex()  // the sums are recomputed from the new rates
            (deltaA, deltaB) = (0, 0)
        }
        observePrice(index)
        ranked.removeAll(keepingCapacity: true)
        let start = Int(poolCycleStart[index])
        let end = Int(poolCycleStart[index + 1])
        let floor = -Self.screenSlackFixed
        // One pass over the cycles through the pool: bring each cycle's log-rate sum up to date and screen it.
        // Only cycles whose product of marginal rates exceeds 1 (minus the slack) are quoted.
        // The buffers are moved out of `self` for the loop (no copy: each stays uniquely referenced).
        var sums = cycleLogSum
        cycleLogSum = []
        var candidates = candidateScratch
        candidateScratch = []
        poolCycleList.withUnsafeBufferPointer { list in
            sums.withUnsafeMutableBufferPointer { sums in
                for k in start..<end {
                    let e = Int(list[k])
                    let c = e >> 1
                    let s = sums[c] &+ (e & 1 == 0 ? deltaA : deltaB)
                    sums[c] = s
                    if s > floor { candidates.append(Int32(c)) }
                }
            }
        }
        cycleLogSum = sums
        for c in candidates { evaluateScreened(cycle: Int(c)) }
        candidates.removeAll(keepingCapacity: true)
        candidateScratch = candidates
        finishRanking()
        return ranked.count
    }

    /// Evaluates every indexed cycle (start-up, tests). Returns the ranked count.
    @discardableResult
    @_specialize(exported:true,where Pool == ConstantProductQuoter)
    @_specialize(exported:true,where Pool == AnyPoolQuoter)
    public mutating func evaluateAll() -> Int {
        if indexDirty { rebuildIndex() }
        ranked.removeAll(keepingCapacity: true)
        for c in 0..<cycleBase.count { evaluate(cycle: c) }
        finishRanking()
        return ranked.count
    }

    /// Marginal rates per direction, as fixed-point log2 (screen) and as `Double` (sizing guess).
    static func rates(_ pool: Pool) -> (log: (Int64, Int64), rate: (Double, Double), curvature: (Double, Double)) {
        func one(_ r: Double?) -> (Int64, Double) {
            guard let r, r > 0, r.isFinite else { return (noRateLog, 0) }
            // Rounded up: the screen may only over-estimate a rate.
            let v = (log2Approx(r) * 4_294_967_296).rounded(.up)
            return (Int64(max(-1e15, min(1e15, v))), r)
        }
        let a = one(pool.marginalRate(direction: .aToB))
        let b = one(pool.marginalRate(direction: .bToA))
        func curvature(_ d: SwapDirection) -> Double {
            let c = pool.curvatureBound(direction: d)
            return c > 0 && c.isFinite ? c : 0
        }
        return ((a.0, b.0), (a.1, b.1), (curvature(.aToB), curvature(.bToA)))
    }

    /// Stores the pool's new marginal rates and returns the change of its log-rates per direction.
    mutating func storeRates(_ p: Int, _ pool: Pool) -> (Int64, Int64) {
        let r = Self.rates(pool)
        let old = poolLogFixed[p]
        poolLogFixed[p] = r.log
        poolRate[p] = r.rate
        poolCurvature[p] = r.curvature
        return (r.log.0 &- old.0, r.log.1 &- old.1)
    }

    /// `storeRates` plus the change applied to the sums of the cycles through the pool (off the hot path).
    mutating func setRates(_ p: Int, _ pool: Pool) {
        let (dA, dB) = storeRates(p, pool)
        guard !indexDirty else { return }
        for k in Int(poolCycleStart[p])..<Int(poolCycleStart[p + 1]) {
            let e = Int(poolCycleList[k])
            cycleLogSum[e >> 1] &+= e & 1 == 0 ? dA : dB
        }
    }

    /// Volatility feature: EWMA (1/8) of the relative change of the pool's A→B price, probed with a fixed input.
    mutating func observePrice(_ p: Int) {
        let probe = max(tokenProbe.isEmpty ? 1 : tokenProbe[Int(poolTokenA[p])], 1_000)
        guard let out = pools[p].quote(amountIn: probe, direction: .aToB) else { return }
        let last = poolLastPrice[p]
        poolLastPrice[p] = out
        guard last > 0 else { return }
        let change = Double(out > last ? out - last : last - out) / Double(last) * 10_000
        poolVolatilityBps[p] += (change - poolVolatilityBps[p]) / 8
    }

    mutating func finishRanking() {
        // The wSOL prices are valid for one evaluation only.
        for t in solPriceTouched { solPriceCache[Int(t)] = 0 }
        solPriceTouched.removeAll(keepingCapacity: true)
        // Insertion sort (stable, allocation-free; the list is short): profit in lamports desc, then cycle asc.
        if ranked.count < 2 { return }
        for i in 1..<ranked.count {
            let x = ranked[i]
            var j = i - 1
            while j >= 0, ArbEngine.before(x, ranked[j]) {
                ranked[j + 1] = ranked[j]
                j -= 1
            }
            ranked[j + 1] = x
        }
    }

    static func before(_ a: RankedCandidate, _ b: RankedCandidate) -> Bool {
        if a.netProfitLamports != b.netProfitLamports { return a.netProfitLamports > b.netProfitLamports }
        return a.cycle < b.cycle
    }

    /// Output of the whole cycle for `amountIn`, or nil if some leg cannot fill.
    @inline(__always)
    func cycleOut(_ c: Int, _ amountIn: UInt64) -> UInt64? {
        var amount = amountIn
        var l = Int(cycleLegStart[c])
        let end = Int(cycleLegStart[c + 1])
        while l < end {
            guard let out = pools[Int(legPool[l])].quote(amountIn: amount, direction: legDirection[l]) else {
                return nil
            }
            amount = out
            l += 1
        }
        return amount
    }

    /// Profit (output − input) as a signed value; nil when the cycle cannot fill (treated as −∞).
    @inline(__always)
    func profit(_ c: Int, _ x: UInt64) -> Int128? {
        guard let out = cycleOut(c, x) else { return nil }
        return Int128(out) - Int128(x)
    }

    /// Screens (the maintained log-rate sum, which also carries the risk limits known without quoting) and,
    /// if the cycle passes, evaluates it.
    mutating func evaluate(cycle c: Int) {
        guard cycleLogSum[c] > -Self.screenSlackFixed else { return }
        evaluateScreened(cycle: c)
    }

    /// A cycle that passed the screen: staleness, probe, sizing, costs, minimum profit.
    mutating func evaluateScreened(cycle c: Int) {
        let base = Int(cycleBase[c])
        var l = Int(cycleLegStart[c])
        let end = Int(cycleLegStart[c + 1])
        // m = Π marginal rates and C = c1 + m1·c2 + m1·m2·c3 + …: the cycle's output is at most m·x / (1 + C·x)
        // (each leg's is at most its own such curve, and these curves compose), so its gross profit is at most
        // (√m − 1)² / C. 0 curvature anywhere = no bound.
        var spot = 1.0
        var curvature = 0.0
        var bounded = true
        let oldest = currentSlot > limitStaleSlots ? currentSlot - limitStaleSlots : 0
        while l < end {
            let p = Int(legPool[l])
            if poolSlot[p] < oldest { return }
            let aToB = legDirection[l] == .aToB
            let k = aToB ? poolCurvature[p].0 : poolCurvature[p].1
            if k == 0 { bounded = false }
            curvature += spot * k
            spot *= aToB ? poolRate[p].0 : poolRate[p].1
            l += 1
        }
        let hi = tokenMaxIn[base]
        guard hi > 0 else { return }
        if bounded {
            // Every leg's marginal rate is then a true bound on its average rate: m ≤ 1 cannot pay.
            guard spot > 1, curvature > 0 else { return }
            let root = spot.squareRoot() - 1
            let bound = root * root / curvature
            // Costs in base units (as below) plus the minimum profit; a margin for Double rounding.
            let perSol = solPrice(base: base)
            guard perSol != UInt64.max else { return }
            let lamports = Double(cycleCostLamports[c])
            let need = (perSol == 0 ? lamports : lamports * Double(perSol) / 1e9) + Double(tokenMinProfit[base])
            if bound * (1 + 1e-9) + 2 < need { return }
        }
        let probe = tokenProbe[base]
        guard let probeOut = cycleOut(c, probe), probeOut > probe else { return }
        let (x, out) = size(
            cycle: c, probe: probe, probeOut: probeOut, hi: hi, spotRate: spot, curvature: bounded ? curvature : 0)
        guard out > x else { return }
        let gross = out - x
        // Costs in lamports → base units with the graph's own wSOL price.
        let costLamports = cycleCostLamports[c]
        let perSol = solPrice(base: base)
        guard perSol != UInt64.max else { return }
        let costInBase: UInt64
        let profitLamports: UInt64
        if perSol == 0 {  // the base is wSOL itself
            costInBase = costLamports
            guard gross > costInBase else { return }
            profitLamports = gross - costInBase
        } else {
            costInBase = UInt64(
                clamping: (UInt128(costLamports) * UInt128(perSol) + 999_999_999) / 1_000_000_000)
            guard gross > costInBase else { return }
            profitLamports = UInt64(clamping: UInt128(gross - costInBase) * 1_000_000_000 / UInt128(perSol))
        }
        let net = gross - costInBase
        guard net >= tokenMinProfit[base] else { return }
        ranked.append(
            RankedCandidate(
                cycle: Int32(c), amountIn: x, expectedOut: out, costLamports: costLamports, costInBase: costInBase,
                netProfit: net, netProfitLamports: profitLamports, probeIn: probe, probeOut: probeOut))
    }

    /// Base units of `base` per 1 SOL (1e9 lamports), from the best direct wSOL pool; 0 when the base is wSOL,
    /// UInt64.max when it cannot be priced (then the base is not traded: costs would be unknown).
    mutating func solPrice(base: Int) -> UInt64 {
        if tokens[base] == EngineConfig.wrappedSol { return 0 }
        let cached = solPriceCache[base]
        if cached != 0 { return cached }
        var best: UInt64 = 0
        for (p, dir) in tokenSolPools[base] {
            if let out = pools[Int(p)].quote(amountIn: 1_000_000_000, direction: dir), out > best { best = out }
        }
        let value = best == 0 ? UInt64.max : best
        solPriceCache[base] = value
        solPriceTouched.append(Int32(base))
        return value
    }

    /// First guess of the best input: the cycle seen as one curve f(x) = m·x / (1 + C·x) — exact for a chain of
    /// constant-product legs up to rounding, since each such leg is of that form and the form is closed under
    /// composition. m is the product of the legs' marginal rates, C is the composed curvature bound when every
    /// leg has one (exact for constant-product legs) or else follows from the probe's exact output, and
    /// f(x) − x is largest at (√m − 1) / C. Only a starting point: the search below brackets the true maximum
    /// from wherever it starts, so a poor guess (CLMM ticks, DLMM bins, an over-estimated rate) costs quotes,
    /// never correctness. 0 when there is no usable guess.
    static func sizeGuess(probe: UInt64, probeOut: UInt64, spotRate m: Double, curvature known: Double, hi: UInt64)
        -> UInt64
    {
        guard m > 1, m.isFinite, probeOut > probe else { return 0 }
        let p = Double(probe)
        let curvature = known > 0 ? known : (m * p / Double(probeOut) - 1) / p
        guard curvature > 0, curvature.isFinite else { return 0 }
        let x = (m.squareRoot() - 1) / curvature
        guard x.isFinite, x >= 1 else { return 0 }
        return x >= Double(hi) ? hi : UInt64(x)
    }

    /// Maximizes out(x) − x over integers in [1, hi]. Profit is concave in input for these pools (see
    /// docs/engine.md), so it is unimodal: bracket the maximum — around the first guess (`sizeGuess`), expanding
    /// geometrically toward the rising side, or by doubling from the probe when there is no guess — then a
    /// golden-section search on integers down to a relative tolerance, then compare the best point's neighbours
    /// and move to the left end of its output plateau.
    func size(cycle c: Int, probe: UInt64, probeOut: UInt64, hi: UInt64, spotRate: Double, curvature: Double) -> (
        UInt64, UInt64
    ) {
        var bestX = probe
        var bestOut = probeOut
        var bestP = Int128(probeOut) - Int128(probe)
        let probeProfit = bestP
        @inline(__always) func consider(_ x: UInt64) -> Int128 {
            guard let out = cycleOut(c, x) else { return Int128.min }
            let p = Int128(out) - Int128(x)
            if p > bestP || (p == bestP && x < bestX) {
                bestP = p
                bestX = x
                bestOut = out
            }
            return p
        }
        let shift = UInt64(config.sizingToleranceShift)
        @inline(__always) func tolerance(_ v: UInt64) -> UInt64 { max(4, v >> shift) }
        @inline(__always) func times4(_ v: UInt64) -> UInt64 {
            let (r, o) = v.multipliedReportingOverflow(by: 4)
            return o ? UInt64.max : r
        }
        let floorX: UInt64 = probe > 1 ? probe / 2 : 1
        var a: UInt64
        var b: UInt64
        /// Doubles from the probe while profit rises (at most to `cap`): brackets the maximum in [x/2, 2x].
        func doubling(cap: UInt64) -> (UInt64, UInt64) {
            var x = probe
            var lo = floorX
            var fx = probeProfit
            while true {
                let (next, overflow) = x.multipliedReportingOverflow(by: 2)
                if overflow || next > cap { return (lo, max(cap, lo)) }
                let fn = consider(next)
                guard fn > fx else { return (lo, next) }
                lo = x
                x = next
                fx = fn
            }
        }
        // The guess is used only when every leg bounds its curvature (then m and C are exact up to rounding):
        // a guess from estimated rates can be off by several times, and near a flat maximum a step of g/1024
        // changes the profit by less than the rounding noise, so the side that "rises" would be noise.
        let guess =
            curvature > 0
            ? Self.sizeGuess(probe: probe, probeOut: probeOut, spotRate: spotRate, curvature: curvature, hi: hi) : 0
        let g = guess > 0 ? max(guess, floorX) : 0
        let fg = g > 0 ? consider(g) : Int128.min
        if fg == Int128.min {
            // No guess, or the cycle cannot fill at the guess (a leg runs out of liquidity): the maximum is
            // below it. Doubling steps change the profit far more than rounding does, so they bracket reliably.
            (a, b) = doubling(cap: g > probe ? g : hi)
        } else {
            let s = max(2 * tolerance(g), g >> 10)
            let rightX = hi - g > s ? g + s : hi
            let fr = rightX > g ? consider(rightX) : Int128.min
            if fr > fg {
                // Rising to the right: f(lo) < f(x); step out ×4 until f stops rising (or hi).
                var lo = g
                var x = rightX
                var fx = fr
                var step = s
                while true {
                    if x == hi {
                        a = lo
                        b = hi
                        break
                    }
                    step = times4(step)
                    let nx = hi - x > step ? x + step : hi
                    let fn = consider(nx)
                    if fn > fx {
                        lo = x
                        x = nx
                        fx = fn
                    } else {
                        a = lo
                        b = nx
                        break
                    }
                }
            } else {
                let leftX = g - floorX > s ? g - s : floorX  // g ≥ floorX
                let fl = leftX == probe ? probeProfit : consider(leftX)
                if fl > fg {
                    // Rising to the left: f(x) > f(up); step out ×4 until f stops rising (or the floor).
                    var up = g
                    var x = leftX
                    var fx = fl
                    var step = s
                    while true {
                        if x == floorX {
                            a = floorX
                            b = up
                            break
                        }
                        step = times4(step)
                        let nx = x - floorX > step ? x - step : floorX
                        let fn = nx == probe ? probeProfit : consider(nx)
                        if fn > fx {
                            up = x
                            x = nx
                            fx = fn
                        } else {
                            a = nx
                            b = up
                            break
                        }
                    }
                } else {
                    // f(g) ≥ both sides: the maximum lies in [leftX, rightX].
                    a = leftX
                    b = rightX
                }
            }
        }
        if b > a {
            // Golden-section search on [a, b] for the maximum.
            @inline(__always) func golden(_ a: UInt64, _ b: UInt64) -> (UInt64, UInt64) {
                // w·k / 10^6 with k < 10^6: the quotient is below w, so one 128÷64 divide (no UInt128 division).
                let w = b - a
                let c1 = a + UInt64(1_000_000).dividingFullWidth(w.multipliedFullWidth(by: 381_966)).quotient
                let d1 = a + UInt64(1_000_000).dividingFullWidth(w.multipliedFullWidth(by: 618_034)).quotient
                return (c1, max(d1, c1 + 1))
            }
            var (cx, dx) = golden(a, b)
            var fc = consider(cx)
            var fd = consider(dx)
            while b - a > tolerance(a) {
                if fc >= fd {
                    b = dx
                    dx = cx
                    fd = fc
                    let (nc, _) = golden(a, b)
                    cx = min(nc, dx - 1)
                    if cx <= a { break }
                    fc = consider(cx)
                } else {
                    a = cx
                    cx = dx
                    fc = fd
                    let (_, nd) = golden(a, b)
                    dx = max(nd, cx + 1)
                    if dx >= b { break }
                    fd = consider(dx)
                }
            }
        }
        // Confirm: x + 1 and x ± one tolerance step must not be better (rounding makes the curve a sawtooth at
        // that scale); x − 1 is covered by the trim below: it earns more exactly when its output is not lower.
        let center = bestX
        let step = tolerance(center)
        if center > step { _ = consider(center - step) }
        if center < hi { _ = consider(center + 1) }
        if hi - center >= step { _ = consider(center + step) }
        // Trim: output is monotone in input and flat between rounding steps, so the smallest input that still
        // yields the best output earns more. Step down 1, 2, 4, … (at most 2 tolerance steps) while the output
        // holds, then bisect the last step.
        var keep = bestX
        var low: UInt64 = 1
        var down: UInt64 = 1
        let limit = 2 * step
        while true {
            guard keep > down, bestX - (keep - down) <= limit else {
                low = bestX > limit ? bestX - limit : 1
                break
            }
            let y = keep - down
            if let out = cycleOut(c, y), out >= bestOut {
                keep = y
                down = down << 1
            } else {
                low = y + 1
                break
            }
        }
        while low < keep {
            let mid = low + (keep - low) / 2
            if let out = cycleOut(c, mid), out >= bestOut {
                keep = mid
            } else {
                low = mid + 1
            }
        }
        // out(keep) ≥ bestOut by the search and ≤ bestOut by monotonicity: the same output for less input.
        return (keep, bestOut)
    }

    // MARK: - Output

    /// Materializes a ranked decision into plain values (allocates; call it for the decisions you act on).
    public func opportunity(_ r: RankedCandidate) -> Opportunity {
        let c = Int(r.cycle)
        let base = Int(cycleBase[c])
        var legs: [Opportunity.Leg] = []
        var amount = r.amountIn
        var maxAge: UInt64 = 0
        var minAge = UInt64.max
        var vol = 0.0
        for l in Int(cycleLegStart[c])..<Int(cycleLegStart[c + 1]) {
            let p = Int(legPool[l])
            let dir = legDirection[l]
            let out = pools[p].quote(amountIn: amount, direction: dir) ?? 0
            let (mi, mo) = dir == .aToB ? (poolTokenA[p], poolTokenB[p]) : (poolTokenB[p], poolTokenA[p])
            legs.append(
                Opportunity.Leg(
                    pool: pools[p].address, kind: pools[p].kind, direction: dir, mintIn: tokens[Int(mi)],
                    mintOut: tokens[Int(mo)], amountIn: amount, expectedOut: out, poolSlot: poolSlot[p],
                    poolVersion: poolVersion[p]))
            amount = out
            let age = currentSlot &- poolSlot[p]
            maxAge = max(maxAge, age)
            minAge = min(minAge, age)
            vol = max(vol, poolVolatilityBps[p])
        }
        let gross = r.expectedOut - r.amountIn
        let breakEven = UInt128(r.amountIn) + UInt128(r.costInBase) + UInt128(tokenMinProfit[base])
        let slippageFloor = UInt128(r.expectedOut) * UInt128(10_000 - min(config.slippageBps, 10_000)) / 10_000
        let minOut = UInt64(clamping: min(max(breakEven, slippageFloor), UInt128(r.expectedOut)))
        let features = EngineFeatures(
            spreadBps: (Double(r.probeOut) - Double(r.probeIn)) / Double(r.probeIn) * 10_000,
            profitBps: Double(r.netProfit) / Double(r.amountIn) * 10_000,
            depthFraction: Double(r.amountIn) / Double(max(tokenMaxIn[base], 1)),
            log10Input: log10Approx(r.amountIn),
            legs: Double(legs.count),
            maxPoolAgeSlots: Double(maxAge),
            minPoolAgeSlots: Double(minAge == .max ? 0 : minAge),
            volatilityBps: vol,
            costShare: gross == 0 ? 0 : Double(r.costInBase) / Double(gross),
            computeUnits: Double(cycleComputeUnits[c]))
        return Opportunity(
            baseMint: tokens[base], legs: legs, amountIn: r.amountIn, expectedOut: r.expectedOut,
            minOutLastLeg: minOut, grossProfit: gross, costLamports: r.costLamports, costInBase: r.costInBase,
            netProfit: r.netProfit, netProfitLamports: r.netProfitLamports, computeUnits: cycleComputeUnits[c],
            estimatedTransactionBytes: Int(cycleTxBytes[c]), accountCount: Int(cycleAccounts[c]), slot: currentSlot,
            features: features)
    }

    /// All ranked decisions of the last update, materialized, best first.
    public func opportunities() -> [Opportunity] { ranked.map(opportunity) }

    // MARK: - Introspection (tests, tools)

    /// The cycles through a pool, as (base mint, [(pool, direction)]), in index order.
    public func cycles(through address: Address) -> [[(pool: Address, direction: SwapDirection)]] {
        guard let p = poolIndex[address], !indexDirty else { return [] }
        let range = Int(poolCycleStart[Int(p)])..<Int(poolCycleStart[Int(p) + 1])
        return range.map { k in cycleLegs(Int(poolCycleList[k] >> 1)) }
    }

    /// Every indexed cycle's legs, in index order.
    public func allCycles() -> [[(pool: Address, direction: SwapDirection)]] {
        (0..<cycleBase.count).map(cycleLegs)
    }

    func cycleLegs(_ c: Int) -> [(pool: Address, direction: SwapDirection)] {
        (Int(cycleLegStart[c])..<Int(cycleLegStart[c + 1])).map { l in
            (pools[Int(legPool[l])].address, legDirection[l])
        }
    }

    /// The legs of a ranked decision (pool addresses and directions).
    public func legs(of r: RankedCandidate) -> [(pool: Address, direction: SwapDirection)] { cycleLegs(Int(r.cycle)) }
}

extension ArbEngine {
    /// log2 slack of the marginal-rate screen, in the 2^-32 fixed point of `poolLogFixed`: 0.0002 · 2^32, i.e.
    /// 2^-0.0002 ≈ 1 − 1.4e-4, well above the 1e-5 error of the default rate estimate and Double rounding.
    static var screenSlackFixed: Int64 { 858_994 }
    /// Fixed-point log-rate of a direction without liquidity (a cycle through it never passes the screen, and
    /// sums of up to thousands of legs stay far from overflow).
    static var noRateLog: Int64 { -(1 << 50) }
    /// Added to the log-rate sum of a cycle that a risk limit known without quoting rules out.
    static var blockedLog: Int64 { -(1 << 58) }
}

/// log2 without Foundation (screening only): exponent from the bit pattern, mantissa by a short series.
func log2Approx(_ v: Double) -> Double {
    let e = Double(Int(v.exponent))
    let m = v.significand  // [1, 2)
    let y = (m - 1) / (m + 1)
    let y2 = y * y
    let ln = 2 * y * (1 + y2 / 3 + y2 * y2 / 5 + y2 * y2 * y2 / 7 + y2 * y2 * y2 * y2 / 9 + y2 * y2 * y2 * y2 * y2 / 11)
    return e + ln / 0.6931471805599453
}

/// log10 without Foundation (features only; exactness not needed).
func log10Approx(_ v: UInt64) -> Double {
    guard v > 0 else { return 0 }
    var x = Double(v)
    var e = 0.0
    while x >= 10 {
        x /= 10
        e += 1
    }
    // log10(x) for x in [1, 10): ln(x)/ln(10) via a short series on y = (x−1)/(x+1).
    let y = (x - 1) / (x + 1)
    let y2 = y * y
    let ln = 2 * y * (1 + y2 / 3 + y2 * y2 / 5 + y2 * y2 * y2 / 7 + y2 * y2 * y2 * y2 / 9)
    return e + ln / 2.302585092994046
}
