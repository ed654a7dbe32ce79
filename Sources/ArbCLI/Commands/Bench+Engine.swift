import ArbEngine
import ArbVenues
import ArgumentParser
import Foundation
import SolanaPrimitives

/// `solarb bench engine`: latency from a pool update to the ranked decision, on synthetic markets with realistic
/// token overlap, at several market sizes; plus heap allocations per steady-state update (AllocationCounter).
struct BenchEngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Pool update → ranked decision latency (p50/p99) at 100, 1,000 and 10,000 pools; allocations.",
        discussion: """
            Build with -c release for meaningful numbers (scripts/bench-engine.sh builds and runs it). Allocations
            are counted on the measuring thread by libSolArbMallocCounter.so (preloaded when built). The reference is
            one constant-product quote measured in the same run.
            """
    )

    @Option(help: "Comma-separated market sizes (pools).")
    var pools = "100,1000,10000"
    @Option(help: "Measured updates per market size.")
    var updates = 20_000
    @Option(help: "Warm-up updates per market size (not measured).")
    var warmup = 2_000
    @Option(help: "Longest cycle indexed and traded.")
    var maxLegs = 3
    @Option(help: "Cap on indexed cycles (EngineConfig.maxIndexedCycles); the table marks a truncated index.")
    var maxCycles = 2_000_000
    @Option(help: "Largest random trade, in bps of the pool's input reserve (trades are uniform in 1...max).")
    var maxTradeBps: UInt64 = 10
    @Option(help: "Seed of the synthetic market and its trades.")
    var seed: UInt64 = 1
    @Flag(help: "Exit non-zero if a steady-state update allocates (needs glibc's malloc counter).")
    var assertNoAllocations = false

    func run() throws {
        let sizes = pools.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 >= 3 }) else { throw ValidationError("--pools: sizes >= 3") }
        AllocationCounter.preloadIfAvailable()  // re-executes once with the counter preloaded, if it is built
        let counter = MallocCounter.find()
        let quoteNs = referenceQuoteNs()
        let emptyCPU = Self.emptyIntervalCPU()
        print(
            "engine bench: max legs \(maxLegs), \(updates) measured updates per size, trades up to \(maxTradeBps) bps "
                + "of a reserve, seed \(seed)")
        print(
            String(
                format: "reference: one constant-product quote = %.1f ns (a dependent chain of quotes, same run)",
                quoteNs))
        print(
            String(
                format:
                    "thread CPU clock: an empty measured interval costs %.0f ns (median), subtracted from cpu columns",
                emptyCPU))
        print("load average at start: \(Self.loadAverage())")
        print(
            "malloc counter: "
                + (counter == nil ? AllocationCounter.unavailableReason : "libSolArbMallocCounter.so, measuring thread")
        )
        print(
            "   pools  tokens    cycles  max cyc/pool  cyc/update   p50 ns   p90 ns   p99 ns   max ns  cpu p50  cpu p99  "
                + "cpu p99/quote  cpu ns/cycle  opp/update  allocs/update")
        var failed = false
        var results: [(Int, Result)] = []
        for n in sizes {
            let r = measure(poolCount: n, counter: counter, emptyCPU: emptyCPU)
            results.append((n, r))
            let allocText = r.allocsPerUpdate.map { String(format: "%.3f", $0) } ?? "n/a"
            let head = String(format: "%8d %7d %9d", n, r.tokens, r.cycles) + (r.truncated ? "+" : " ")
            let body = String(
                format: " %12d %11.1f %8.0f %8.0f %8.0f %8.0f %8.0f %8.0f %14.1f %13.1f %11.3f  ",
                r.maxCyclesPerPool, r.cyclesPerUpdate, r.p50, r.p90, r.p99, r.max, r.cpuP50, r.cpuP99,
                r.cpuP99 / quoteNs, r.nsPerCycle, r.opportunitiesPerUpdate)
            print(head + body + allocText)
            if assertNoAllocations, let a = r.allocsPerUpdate, a > 0 { failed = true }
        }
        print("load average at end: \(Self.loadAverage())")
        print("latency by cycles through the updated pool (growth follows the work per update, not the pool count):")
        print("   pools  cycles through pool   updates   p50 ns   p99 ns  cpu p50  cpu p99  cpu ns/cycle")
        for (n, r) in results {
            for b in r.buckets where b.count > 0 {
                let label = String(repeating: " ", count: max(0, 19 - b.label.count)) + b.label
                print(
                    String(format: "%8d  ", n) + label
                        + String(
                            format: " %9d %8.0f %8.0f %8.0f %8.0f %13.1f", b.count, b.p50, b.p99, b.cpuP50, b.cpuP99,
                            b.nsPerCycle))
            }
        }
        if assertNoAllocations {
            guard counter != nil else { throw ValidationError("--assert-no-allocations needs the malloc counter") }
            if failed { throw ExitCode(1) }
            print("steady-state updates allocated nothing")
        }
    }

    struct Result {
        var tokens: Int
        var cycles: Int
        var maxCyclesPerPool: Int
        var truncated: Bool
        var cyclesPerUpdate: Double
        var p50: Double
        var p90: Double
        var p99: Double
        var max: Double
        var cpuP50: Double
        var cpuP99: Double
        var nsPerCycle: Double
        var opportunitiesPerUpdate: Double
        var allocsPerUpdate: Double?
        var buckets: [Bucket]
    }

    struct Bucket {
        var label: String
        var count: Int
        var p50: Double
        var p99: Double
        var cpuP50: Double
        var cpuP99: Double
        var nsPerCycle: Double
    }

    /// Load average from /proc/loadavg (Linux), to report next to every number measured on a shared machine.
    static func loadAverage() -> String {
        guard let s = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "n/a" }
        return s.split(separator: " ").prefix(3).joined(separator: " ")
    }

    func config() -> EngineConfig {
        var c = EngineConfig(
            baseTokens: [EngineConfig.wrappedSol, SyntheticMarket.usdc],
            capital: [EngineConfig.wrappedSol: 1_000_000_000_000, SyntheticMarket.usdc: 200_000_000_000])
        c.maxCycleLegs = maxLegs
        c.maxIndexedCycles = maxCycles
        c.risk.maxLegs = maxLegs
        c.costs.computeUnitPriceMicroLamports = 10_000
        c.costs.tipLamports = 10_000
        // The synthetic feed advances one slot per 100 updates and every pool is live; a real feed confirms
        // quiet accounts, so staleness is not what this measures.
        c.risk.maxStaleSlots = 1 << 40
        return c
    }

    func measure(poolCount: Int, counter: MallocCounter?, emptyCPU: Double) -> Result {
        var market = SyntheticMarket(poolCount: poolCount, seed: seed)
        var engine = ArbEngine<ConstantProductQuoter>(config: config())
        for p in market.pools { engine.insert(p, slot: 1) }
        engine.rebuildIndex()
        let stats = engine.stats
        // Equilibrium: arbitrage the synthetic market until no cycle pays, as competing bots would.
        engine.evaluateAll()
        var rounds = 0
        while !engine.ranked.isEmpty, rounds < 100_000 {
            execute(engine.ranked[0], &engine, &market, slot: 1)
            engine.evaluateAll()
            rounds += 1
        }
        var slot: UInt64 = 2
        for k in 0..<warmup {
            let (i, p) = market.randomTrade(maxBps: maxTradeBps)
            engine.update(poolAt: i, p, slot: slot + UInt64(k / 100))
            arbitrageAway(&engine, &market, slot: slot + UInt64(k / 100))
        }
        slot += UInt64(warmup / 100) + 1
        var times = [Double](repeating: 0, count: updates)
        var work = [Int](repeating: 0, count: updates)
        var cpu = [Double](repeating: 0, count: updates)
        var cyclesTouched = 0
        var opportunities = 0
        var allocations: UInt64 = 0
        let clock = ContinuousClock()
        for k in 0..<updates {
            let (i, p) = market.randomTrade(maxBps: maxTradeBps)
            let s = slot + UInt64(k / 100)
            let through = engine.cyclesThrough(poolAt: i)
            cyclesTouched += through
            work[k] = through
            let before = counter?.count() ?? 0
            let c0 = Self.threadCPUTime()
            let t0 = clock.now
            let n = engine.update(poolAt: i, p, slot: s)
            let t1 = clock.now
            let c1 = Self.threadCPUTime()
            allocations += (counter?.count() ?? 0) - before
            opportunities += n
            times[k] = ns(t1 - t0)
            cpu[k] = max(0, Double(c1 &- c0) - emptyCPU)
            // Not measured: the opportunities found are taken (by us or a competitor), which moves the pools.
            arbitrageAway(&engine, &market, slot: s)
        }
        let limits: [(String, Int, Int)] = [
            ("0-15", 0, 15), ("16-63", 16, 63), ("64-255", 64, 255), ("256-1023", 256, 1_023),
            ("1024-4095", 1_024, 4_095), ("4096-16383", 4_096, 16_383), ("16384+", 16_384, Int.max),
        ]
        var buckets: [Bucket] = []
        for (label, lo, hi) in limits {
            var t: [Double] = []
            var u: [Double] = []
            var cyc = 0
            for k in 0..<updates where work[k] >= lo && work[k] <= hi {
                t.append(times[k])
                u.append(cpu[k])
                cyc += work[k]
            }
            t.sort()
            u.sort()
            func q(_ v: [Double], _ f: Int) -> Double { v.isEmpty ? 0 : v[min(v.count - 1, v.count * f / 100)] }
            buckets.append(
                Bucket(
                    label: label, count: t.count, p50: q(t, 50), p99: q(t, 99), cpuP50: q(u, 50), cpuP99: q(u, 99),
                    nsPerCycle: u.reduce(0, +) / Double(max(cyc, 1))))
        }
        times.sort()
        let total = cpu.reduce(0, +)
        cpu.sort()
        return Result(
            tokens: stats.tokens, cycles: stats.cycles, maxCyclesPerPool: stats.maxCyclesPerPool,
            truncated: stats.indexTruncated,
            cyclesPerUpdate: Double(cyclesTouched) / Double(updates),
            p50: times[updates / 2], p90: times[updates * 9 / 10], p99: times[updates * 99 / 100],
            max: times[updates - 1], cpuP50: cpu[updates / 2], cpuP99: cpu[updates * 99 / 100],
            nsPerCycle: total / Double(max(cyclesTouched, 1)),
            opportunitiesPerUpdate: Double(opportunities) / Double(updates),
            allocsPerUpdate: counter == nil ? nil : Double(allocations) / Double(updates), buckets: buckets)
    }

    /// Executes a ranked decision on the synthetic pools and feeds the changed pools back (not measured).
    func execute(
        _ r: RankedCandidate, _ engine: inout ArbEngine<ConstantProductQuoter>, _ market: inout SyntheticMarket,
        slot: UInt64
    ) {
        let legs = engine.opportunity(r).legs
        for leg in legs {
            guard let i = engine.poolHandle(leg.pool),
                let next = market.pools[i].afterSwap(amountIn: leg.amountIn, direction: leg.direction)
            else { continue }
            market.pools[i] = next
        }
        for leg in legs {
            if let i = engine.poolHandle(leg.pool) { engine.insert(market.pools[i], slot: slot) }
        }
    }

    /// Takes the best opportunity until none is left (at most 20 rounds), re-evaluating the touched pools.
    func arbitrageAway(_ engine: inout ArbEngine<ConstantProductQuoter>, _ market: inout SyntheticMarket, slot: UInt64)
    {
        var rounds = 0
        while !engine.ranked.isEmpty, rounds < 20 {
            let r = engine.ranked[0]
            let legs = engine.legs(of: r)
            execute(r, &engine, &market, slot: slot)
            var best = 0
            for leg in legs {
                if let i = engine.poolHandle(leg.pool) {
                    best = max(best, engine.update(poolAt: i, market.pools[i], slot: slot))
                    if best > 0 { break }
                }
            }
            rounds += 1
        }
    }

    /// One exact constant-product quote, timed as a dependent chain (each input derives from the previous
    /// output, so the optimizer can neither hoist nor overlap them): median of 50 rounds of 10,000.
    func referenceQuoteNs() -> Double {
        let pool = ConstantProductQuoter(
            address: .zero, mintA: .zero, mintB: .zero, reserveA: 1_000_000_000_000, reserveB: 200_000_000_000,
            feeBps: 25)
        let clock = ContinuousClock()
        var samples: [Double] = []
        var amount: UInt64 = 1_000_000
        for _ in 0..<50 {
            let t0 = clock.now
            amount = Self.quoteChain(pool, start: amount, count: 10_000)
            samples.append(ns(clock.now - t0) / 10_000)
        }
        if amount == 42 { print("") }
        samples.sort()
        return samples[samples.count / 2]
    }

    @inline(never)
    static func quoteChain(_ pool: ConstantProductQuoter, start: UInt64, count: Int) -> UInt64 {
        var amount = start
        for _ in 0..<count {
            let out = pool.quote(amountIn: amount, direction: .aToB) ?? 0
            amount = 1_000_000 + (out & 0xFFFFF) &* 7
        }
        return amount
    }

    /// This thread's CPU time in ns (CLOCK_THREAD_CPUTIME_ID): time the thread was not running — preempted by the
    /// other processes of a loaded machine — is not counted.
    static func threadCPUTime() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Median thread-CPU cost of an empty measured interval (the clock reads themselves).
    static func emptyIntervalCPU() -> Double {
        let clock = ContinuousClock()
        var samples: [Double] = []
        for _ in 0..<10_001 {
            let c0 = threadCPUTime()
            let t0 = clock.now
            let t1 = clock.now
            let c1 = threadCPUTime()
            if t1 < t0 { print("") }
            samples.append(Double(c1 &- c0))
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    func ns(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1e9 + Double(d.components.attoseconds) / 1e9
    }
}

/// The per-thread allocation counter (see `AllocationCounter`), when it is loaded.
struct MallocCounter {
    static func find() -> MallocCounter? { AllocationCounter.isCounting ? MallocCounter() : nil }

    func count() -> UInt64 { AllocationCounter.count() }
}
