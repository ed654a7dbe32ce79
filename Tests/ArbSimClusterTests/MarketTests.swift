import ArbVenues
import Foundation
import SolanaKeys
import SolanaPrimitives
import Testing

@testable import ArbSimCluster

/// Path of a file in the repository (scenarios/…), from this source file.
func repoFile(_ relative: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(relative)
}

@Suite struct ScenarioTests {
    static let minimal = """
        {"seed": 1, "slotMilliseconds": 400, "baseTokens": ["SOL"],
         "tokens": [{"symbol": "SOL", "decimals": 9, "price": "150.25"}, {"symbol": "USDC", "decimals": 6, "priceMicroUsd": 1000000}],
         "pools": [{"kind": "raydiumCpmm", "pair": ["SOL", "USDC"], "feeBps": 25, "depthUsd": "1000000"}]}
        """

    func load(_ text: String) throws(ScenarioError) -> Scenario { try Scenario.load(Data(text.utf8)) }

    /// Replaces `old` in the minimal scenario and expects a typed error naming `field`.
    func expectError(_ old: String, _ new: String, code: ScenarioError.Code, field: String) {
        let text = Self.minimal.replacingOccurrences(of: old, with: new)
        #expect(text != Self.minimal, "replacement \(old) did not apply")
        do {
            _ = try load(text)
            Issue.record("expected \(code) at \(field)")
        } catch {
            #expect(error.code == code, "\(error)")
            #expect(error.field == field, "\(error)")
        }
    }

    @Test func minimalParses() throws {
        let s = try load(Self.minimal)
        #expect(s.tokens[0].initialPriceMicroUsd == 150_250_000)
        #expect(s.tokens[1].initialPriceMicroUsd == 1_000_000)
        #expect(s.pools[0].kind == .raydiumCpmm)
        #expect(s.pools[0].depthUsd.micro == 1_000_000_000_000)
    }

    @Test func errorsAreTypedAndNameTheField() {
        expectError("\"seed\": 1,", "", code: .missingField, field: "seed")
        expectError("\"seed\": 1", "\"seed\": \"one\"", code: .wrongType, field: "seed")
        expectError("\"feeBps\": 25", "\"feeBps\": 25, \"fee\": 3", code: .unknownField, field: "pools[0].fee")
        expectError("\"feeBps\": 25", "\"feeBps\": 5000", code: .invalidValue, field: "pools[0].feeBps")
        expectError("\"raydiumCpmm\"", "\"uniswap\"", code: .invalidValue, field: "pools[0].kind")
        expectError("[\"SOL\", \"USDC\"]", "[\"SOL\", \"DOGE\"]", code: .unknownToken, field: "pools[0].pair[1]")
        expectError("\"150.25\"", "\"1.5e2\"", code: .invalidValue, field: "tokens[0].price")
        expectError("\"150.25\"", "\"150.1234567\"", code: .invalidValue, field: "tokens[0].price")
        expectError("\"decimals\": 9", "\"decimals\": 6", code: .invalidValue, field: "tokens[0].decimals")
        expectError("\"symbol\": \"USDC\"", "\"symbol\": \"SOL\"", code: .duplicate, field: "tokens[1].symbol")
        expectError("[\"SOL\"]", "[\"ETH\"]", code: .unknownToken, field: "baseTokens[0]")
        expectError(
            "\"depthUsd\": \"1000000\"", "\"depthUsd\": \"1000000\", \"rangeBps\": 100", code: .invalidValue,
            field: "pools[0].rangeBps")
        expectError(
            "\"slotMilliseconds\": 400", "\"slotMilliseconds\": 0", code: .invalidValue, field: "slotMilliseconds")
        expectError(
            "\"price\": \"150.25\"", "\"price\": \"150.25\", \"priceMicroUsd\": 5", code: .invalidValue,
            field: "tokens[0].price")
        expectError(
            "\"pools\"",
            "\"searchers\": {\"count\": 1, \"gridUsd\": [\"10\", \"5\", \"20\"], \"priorityMicroLamports\": 1}, \"pools\"",
            code: .invalidValue, field: "searchers.gridUsd[1]")
        do {
            _ = try load("{ not json")
            Issue.record("malformed JSON accepted")
        } catch {
            #expect(error.code == .malformedJSON)
        }
    }

    @Test func committedScenariosParse() throws {
        let d = try Scenario.load(path: repoFile("scenarios/default.json").path)
        #expect(Set(d.pools.map(\.kind)) == Set(VenueKind.allCases))
        #expect((20...30).contains(d.pools.count))
        #expect(d.tokens.count == 6)
        #expect(Scenario.builtInDefault() == d)
        let t = try Scenario.load(path: repoFile("scenarios/throughput.json").path)
        #expect(t.pools.count == 50)
        #expect(t.noiseTraders?.count == 20)
        #expect(t.slotMilliseconds == 1)
    }

    @Test func randomIsDeterministicAndInRange() {
        var a = MarketRandom(seed: 9)
        var b = MarketRandom(seed: 9)
        var c = MarketRandom(seed: 10)
        let xa = (0..<100).map { _ in a.next() }
        #expect(xa == (0..<100).map { _ in b.next() })
        #expect(xa != (0..<100).map { _ in c.next() })
        for _ in 0..<1_000 {
            let v = a.logUniform(50, 25_000)
            #expect((50...25_000).contains(v))
            #expect((3...7).contains(a.uniform(3...7)))
            #expect(abs(a.normalish(sd: 10)) <= 30)
        }
    }
}

/// A constant-product pool with a fee, rounding like Raydium CPMM (fee on input, floor).
struct CPPool: GroundTruthPool {
    var address: Address
    var mintA: Address
    var mintB: Address
    var reserveA: UInt64
    var reserveB: UInt64
    var feeBps: UInt64
    func amountOut(_ amountIn: UInt64, _ direction: SwapDirection) -> UInt64? {
        let (rin, rout) = direction == .aToB ? (reserveA, reserveB) : (reserveB, reserveA)
        let fee = (UInt128(amountIn) * UInt128(feeBps) + 9_999) / 10_000
        let x = UInt128(amountIn) - fee
        let out = x * UInt128(rout) / (UInt128(rin) + x)
        return out == 0 ? nil : UInt64(out)
    }
}

@Suite struct GroundTruthTests {
    static func addr(_ n: UInt8) -> Address { try! Address(bytes: [UInt8](repeating: n, count: 32)) }

    /// Brute force over every integer input in 1…limit.
    static func bruteForce(_ cycle: ArbCycle, _ pools: [CPPool], limit: UInt64) -> (UInt64, Int128) {
        var best: (UInt64, Int128) = (0, 0)
        for x in 1...limit {
            guard let out = GroundTruth.cycleOut(cycle, pools: pools, amountIn: x) else { continue }
            let p = Int128(out) - Int128(x)
            if p > best.1 { best = (x, p) }
        }
        return best
    }

    @Test func twoPoolDislocationMatchesBruteForce() {
        let base = Self.addr(1)
        let usd = Self.addr(2)
        // Pool 0 prices the base token at 100, pool 1 at 103: buy in 0, sell in 1.
        let pools = [
            CPPool(
                address: Self.addr(10), mintA: base, mintB: usd, reserveA: 100_000, reserveB: 10_000_000, feeBps: 25),
            CPPool(
                address: Self.addr(11), mintA: usd, mintB: base, reserveA: 10_300_000, reserveB: 100_000, feeBps: 30),
        ]
        let cycles = GroundTruth.cycles(pools: pools, bases: [base])
        #expect(cycles.count == 2)  // both directions
        var bestOverall: Int128 = 0
        for cycle in cycles {
            let brute = Self.bruteForce(cycle, pools, limit: 20_000)
            let found = GroundTruth.best(cycle, pools: pools, probe: 100, options: .init(maxWalk: 1_000_000))
            if brute.1 <= 0 {
                #expect(found == nil)
                continue
            }
            guard let found else {
                Issue.record("profitable cycle not found (brute force \(brute))")
                continue
            }
            #expect(Int128(found.amountOut) - Int128(found.amountIn) == brute.1, "found \(found) brute \(brute)")
            bestOverall = max(bestOverall, brute.1)
        }
        #expect(bestOverall > 0)
        let r = GroundTruth.bestOpportunity(
            pools: pools, cycles: cycles, probe: { _ in 100 }, microUsd: { _, p in p },
            options: .init(maxWalk: 1_000_000)
        )
        #expect(Int128(r.best?.profit ?? 0) == bestOverall)
        #expect(r.profitableCycles == 1)
    }

    @Test func threePoolCycleMatchesBruteForce() {
        let a = Self.addr(1)
        let b = Self.addr(2)
        let c = Self.addr(3)
        let pools = [
            CPPool(address: Self.addr(10), mintA: a, mintB: b, reserveA: 50_000, reserveB: 100_000, feeBps: 25),
            CPPool(address: Self.addr(11), mintA: b, mintB: c, reserveA: 100_000, reserveB: 300_000, feeBps: 5),
            CPPool(address: Self.addr(12), mintA: c, mintB: a, reserveA: 300_000, reserveB: 53_000, feeBps: 30),
        ]
        let cycles = GroundTruth.cycles(pools: pools, bases: [a])
        #expect(cycles.count == 2)  // a→b→c→a and a→c→b→a
        let r = GroundTruth.bestOpportunity(
            pools: pools, cycles: cycles, probe: { _ in 100 }, microUsd: { _, p in p },
            options: .init(maxWalk: 1_000_000)
        )
        let brute = cycles.map { Self.bruteForce($0, pools, limit: 10_000).1 }.max() ?? 0
        #expect(brute > 0)
        #expect(Int128(r.best?.profit ?? 0) == brute)
        #expect(r.best?.pools.count == 3)
    }

    @Test func noDislocationNoProfit() {
        let base = Self.addr(1)
        let usd = Self.addr(2)
        let pools = [
            CPPool(
                address: Self.addr(10), mintA: base, mintB: usd, reserveA: 100_000, reserveB: 10_000_000, feeBps: 25),
            CPPool(
                address: Self.addr(11), mintA: base, mintB: usd, reserveA: 100_000, reserveB: 10_040_000, feeBps: 25),
        ]
        let cycles = GroundTruth.cycles(pools: pools, bases: [base, usd])
        let r = GroundTruth.bestOpportunity(pools: pools, cycles: cycles, probe: { _ in 1 }, microUsd: { _, p in p })
        #expect(r.best == nil)
        for cycle in cycles { #expect(Self.bruteForce(cycle, pools, limit: 20_000).1 <= 0) }
    }
}

@Suite struct BundleTests {
    static let payer = T.key(41)
    static let other = T.key(42)

    static func bank() -> Bank {
        Bank(configuration: .init(seed: 3, genesisAccounts: [payer.address: Account(lamports: 10 * T.sol)]))
    }

    static func transfer(_ lamports: UInt64, to: Address, _ bank: Bank, memo: String? = nil) throws -> [UInt8] {
        var ixs = [SystemProgram.transfer(from: payer.address, to: to, lamports: lamports)]
        if let memo { ixs.append(MemoProgram.memo(memo, signers: [])) }
        return try T.legacy(ixs, payer: payer, blockhash: bank.latestBlockhash)
    }

    @Test func allLandInOrder() throws {
        var bank = Self.bank()
        let tip = JitoTipAccounts.all[3]
        let tipBefore = bank.account(tip)!.lamports
        let txs = [
            try Self.transfer(2 * T.sol, to: Self.other.address, bank),
            try Self.transfer(1 * T.sol, to: Self.other.address, bank, memo: "second"),
            try Self.transfer(10_000, to: tip, bank),
        ]
        let id = try bank.submitBundle(txs)
        // An ordinary transaction with a priority fee, sent after the bundle, still lands after it (bundles go
        // first): run first, its 1-lamport transfer would create `other` below rent exemption and fail.
        let plain = try T.legacy(
            [
                ComputeBudgetProgram.setComputeUnitPrice(microLamports: 1_000),
                SystemProgram.transfer(from: Self.payer.address, to: Self.other.address, lamports: 1),
            ], payer: Self.payer, blockhash: bank.latestBlockhash)
        let plainSig = try bank.submit(plain)
        #expect(id.count == 64)
        #expect(bank.bundleOutcome(id)?.state == .pending)
        let block = bank.produceBlock()
        let sigs = try txs.map { try VersionedTransaction.deserialize($0).signatures[0] }
        #expect(block.transactions.map(\.signature) == sigs + [plainSig])
        #expect(block.transactions.allSatisfy { $0.error == nil })
        #expect(bank.account(Self.other.address)?.lamports == 3 * T.sol + 1)
        #expect(bank.account(tip)!.lamports == tipBefore + 10_000)
        #expect(bank.bundleOutcome(id)?.state == .landed(slot: 0))
        #expect(Bank.bundleID(sigs) == id)
        for s in sigs { #expect(bank.record(s)?.slot == 0) }
    }

    @Test func oneFailingTransactionDropsTheBundle() throws {
        var bank = Self.bank()
        let good = try Self.transfer(2 * T.sol, to: Self.other.address, bank)
        let bad = try Self.transfer(100 * T.sol, to: Self.other.address, bank, memo: "too much")
        let id = try bank.submitBundle([good, bad])
        let before = bank.account(Self.payer.address)!.lamports
        let block = bank.produceBlock()
        #expect(block.transactions.isEmpty)
        #expect(bank.account(Self.other.address) == nil)
        #expect(bank.account(Self.payer.address)!.lamports == before)  // not even a fee
        #expect(
            bank.bundleOutcome(id)?.state == .failed(slot: 0, index: 1, error: .instructionError(index: 0, .custom(1))))
        let sig = try VersionedTransaction.deserialize(good).signatures[0]
        #expect(bank.record(sig) == nil)
    }

    @Test func rejectsMalformedBundles() throws {
        var bank = Self.bank()
        let t = try Self.transfer(1, to: Self.other.address, bank)
        #expect(throws: BundleError.self) { try bank.submitBundle([]) }
        #expect(throws: BundleError.self) { try bank.submitBundle([t, t]) }
        #expect(throws: BundleError.self) { try bank.submitBundle(Array(repeating: t, count: 6)) }
        var forged = t
        forged[10] ^= 1
        #expect(throws: BundleError.self) { try bank.submitBundle([forged]) }
    }

    @Test func jsonRPCSendBundleAndStatuses() async throws {
        let cluster = SimCluster(
            configuration: .init(seed: 3, genesisAccounts: [Self.payer.address: Account(lamports: 10 * T.sol)]))
        let bank = await cluster.bank
        let txs = [
            try Self.transfer(T.sol, to: Self.other.address, bank),
            try Self.transfer(T.sol, to: JitoTipAccounts.all[0], bank),
        ]
        let encoded = txs.map { "\"" + Data($0).base64EncodedString() + "\"" }.joined(separator: ",")
        let send = await cluster.handleHTTP(
            Array(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sendBundle\",\"params\":[[\(encoded)],{\"encoding\":\"base64\"}]}"
                    .utf8))
        let sent = try SimJSON.parse(Array(send.utf8))
        let id = try #require(sent["result"]?.stringValue, "\(send)")
        let tips = try SimJSON.parse(
            Array(
                await cluster.handleHTTP(Array("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"getTipAccounts\"}".utf8))
                    .utf8))
        #expect(tips["result"]?.arrayValue?.count == 8)
        await cluster.advanceSlot()
        let status = try SimJSON.parse(
            Array(
                await cluster.handleHTTP(
                    Array(
                        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"getBundleStatuses\",\"params\":[[\"\(id)\"]]}".utf8)
                ).utf8))
        let v = try #require(status["result"]?["value"]?.arrayValue?.first)
        #expect(v["bundle_id"]?.stringValue == id)
        #expect(v["slot"]?.uint64Value == 0)
        #expect(v["transactions"]?.arrayValue?.count == 2)
        #expect(v["err"]?["Ok"] != nil)
        let inflight = try SimJSON.parse(
            Array(
                await cluster.handleHTTP(
                    Array(
                        "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"getInflightBundleStatuses\",\"params\":[[\"\(id)\", \"00\"]]}"
                            .utf8)
                ).utf8))
        let list = try #require(inflight["result"]?["value"]?.arrayValue)
        #expect(list[0]["status"]?.stringValue == "Landed")
        #expect(list[1]["status"]?.stringValue == "Invalid")
    }
}

/// The fast ground-truth search against brute force (every integer size) and against the first search.
@Suite struct GroundTruthSearchTests {
    static func addr(_ n: UInt8) -> Address { GroundTruthTests.addr(n) }

    /// Random constant-product markets (3 tokens, 4 pools: two parallel a/b pools and an a–b–c triangle), every
    /// cycle: the search's profit equals the best over every integer input (with a long walk over the flat top;
    /// with the runtime options it is at most a few units lower).
    @Test func randomMarketsMatchBruteForce() {
        var rng = MarketRandom(seed: 2026)
        var compared = 0
        var profitable = 0
        var worst: Int128 = 0
        let (a, b, c) = (Self.addr(1), Self.addr(2), Self.addr(3))
        for _ in 0..<30 {
            // Prices: b per a = 3, c per b = 2, so c per a = 6; every pool skewed by up to 4 % either way.
            func skewed(_ v: UInt64) -> UInt64 { v * rng.uniform(9_600...10_400) / 10_000 }
            var pools: [CPPool] = []
            for (n, x, y, price) in [(10, a, b, 3), (11, a, b, 3), (12, b, c, 2), (13, a, c, 6)]
                as [(UInt8, Address, Address, UInt64)]
            {
                let rx = rng.uniform(20_000...60_000)
                pools.append(
                    CPPool(
                        address: Self.addr(n), mintA: x, mintB: y, reserveA: rx, reserveB: skewed(rx * price),
                        feeBps: rng.uniform(1...25)))
            }
            for cycle in GroundTruth.cycles(pools: pools, bases: [a, b]) {
                compared += 1
                let probe: UInt64 = 1_000
                let found = GroundTruth.best(cycle, pools: pools, probe: probe, options: .init(maxWalk: 1_000_000))
                let quick = GroundTruth.best(cycle, pools: pools, probe: probe)
                let atProbe = GroundTruth.cycleOut(cycle, pools: pools, amountIn: probe).map {
                    Int128($0) - Int128(probe)
                }
                guard let atProbe, atProbe > 0 else {
                    #expect(found == nil)
                    continue
                }
                profitable += 1
                // Beyond a tenth of the first pool's input reserve a ≤ 4 % dislocation cannot pay (profit concave).
                let first = pools[cycle.legs[0].pool]
                let limit = (cycle.legs[0].direction == .aToB ? first.reserveA : first.reserveB) / 10
                let brute = GroundTruthTests.bruteForce(cycle, pools, limit: limit)
                guard let found else {
                    Issue.record("profitable at the probe but not found: \(cycle), brute \(brute)")
                    continue
                }
                #expect(
                    Int128(found.amountOut) - Int128(found.amountIn) == brute.1,
                    "cycle \(cycle.legs): found \(found), brute force \(brute)")
                #expect(GroundTruth.cycleOut(cycle, pools: pools, amountIn: found.amountIn) == found.amountOut)
                // Runtime options (short walk): within a few units of the optimum (the integer profit is a
                // sawtooth of ±1–2 units from floor rounding on a wide flat top).
                let q = quick.map { Int128($0.amountOut) - Int128($0.amountIn) } ?? 0
                #expect(q <= brute.1 && q + 4 >= brute.1, "runtime options: \(String(describing: quick)) vs \(brute)")
                worst = max(worst, brute.1 - q)
            }
        }
        print(
            "random constant-product markets: \(profitable) profitable cycles of \(compared); runtime options at most \(worst) units below the optimum"
        )
        #expect(compared > 100)
        #expect(profitable > 10, "the random markets must contain profitable cycles (\(profitable))")
    }

    /// Two dislocations on disjoint pools and a cycle overlapping both: the set holds the two disjoint ones
    /// (greedy by profit), the available profit is their sum, the screen skips the unprofitable cycles unquoted.
    @Test func disjointSetAndScreen() throws {
        let (a, b, c) = (Self.addr(1), Self.addr(2), Self.addr(3))
        let pools = [
            // a/b: 2 % apart.
            CPPool(address: Self.addr(10), mintA: a, mintB: b, reserveA: 10_000_000, reserveB: 30_000_000, feeBps: 5),
            CPPool(address: Self.addr(11), mintA: a, mintB: b, reserveA: 10_000_000, reserveB: 30_600_000, feeBps: 5),
            // a/c: 4 % apart.
            CPPool(address: Self.addr(12), mintA: a, mintB: c, reserveA: 10_000_000, reserveB: 20_000_000, feeBps: 5),
            CPPool(address: Self.addr(13), mintA: a, mintB: c, reserveA: 10_000_000, reserveB: 20_800_000, feeBps: 5),
        ]
        let cycles = GroundTruth.cycles(pools: pools, bases: [a])
        let r = GroundTruth.solve(pools: pools, cycles: cycles, probe: { _ in 50_000 }, microUsd: { _, p in p })
        let best = try #require(r.best)
        #expect(Set(best.pools) == [Self.addr(12), Self.addr(13)])
        #expect(r.selected.count == 2)
        #expect(Set(r.selected[1].pools) == [Self.addr(10), Self.addr(11)])
        #expect(r.availableMicroUsd == r.selected[0].profitMicroUsd + r.selected[1].profitMicroUsd)
        #expect(r.selected[0].profitMicroUsd > r.selected[1].profitMicroUsd)
        // Each selected cycle is the brute-force best of its own cycle.
        for o in r.selected {
            let cycle = try #require(
                cycles.first { c in
                    c.legs.map { pools[$0.pool].address } == o.pools && c.legs.map(\.direction) == o.directions
                })
            // Brute force around the optimum (±20,000 units; the profit is concave, so this window decides).
            var bruteBest: Int128 = 0
            for x in (o.amountIn - 20_000)...(o.amountIn + 20_000) {
                guard let out = GroundTruth.cycleOut(cycle, pools: pools, amountIn: x) else { continue }
                bruteBest = max(bruteBest, Int128(out) - Int128(x))
            }
            #expect(Int128(o.profit) == bruteBest)
        }
        // The wrong-way 2-pool cycles cannot profit: screened out without quoting a size.
        #expect(r.screenedOut >= 2)
        // With the screen disabled the result is the same.
        var noScreen = GroundTruth.Options()
        noScreen.screenSlack = 1e9
        let all = GroundTruth.solve(
            pools: pools, cycles: cycles, probe: { _ in 50_000 }, microUsd: { _, p in p }, options: noScreen)
        #expect(all.screenedOut == 0)
        #expect(all.selected == r.selected)
        #expect(all.profitableCycles == r.profitableCycles)
    }

    /// The fast search and the first one (long walk) agree on the toy markets.
    @Test func agreesWithLegacy() {
        let base = Self.addr(1)
        let usd = Self.addr(2)
        let pools = [
            CPPool(
                address: Self.addr(10), mintA: base, mintB: usd, reserveA: 100_000, reserveB: 10_000_000, feeBps: 25),
            CPPool(
                address: Self.addr(11), mintA: usd, mintB: base, reserveA: 10_300_000, reserveB: 100_000, feeBps: 30),
        ]
        let cycles = GroundTruth.cycles(pools: pools, bases: [base, usd])
        let fast = GroundTruth.solve(pools: pools, cycles: cycles, probe: { _ in 100 }, microUsd: { _, p in p })
        let legacy = GroundTruth.Legacy.bestOpportunity(
            pools: pools, cycles: cycles, probe: { _ in 100 }, microUsd: { _, p in p },
            options: .init(maxWalk: 1_000_000))
        #expect(fast.best?.profit == legacy.best?.profit)
        #expect(fast.profitableCycles == legacy.profitableCycles)
    }
}
