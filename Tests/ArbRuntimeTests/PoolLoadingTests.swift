import ArbRPC
import ArbSimCluster
import ArbState
import ArbVenues
import Foundation
import Logging
import SolanaPrimitives
import Testing

@testable import ArbRuntime

/// The pools of the default scenario (all five kinds) load: optional dependencies the cluster reports as absent
/// (the DLMM bin-array bitmap extension, which pairs without far bins never create) resolve instead of leaving
/// the pool "missing dependencies".
@Suite struct PoolLoadingTests {
    @Test func everyPoolOfTheDefaultScenarioLoads() async throws {
        let cluster = SimCluster(configuration: BankConfiguration(seed: 42, programs: ProgramRegistry.standard))
        let market = try await cluster.installMarket(Scenario.builtInDefault())
        let pools = market.pools.map(\.address)
        #expect(pools.count == 25)
        let world = E2E.World(cluster: cluster, pools: [], programs: ProgramRegistry.standard)
        try await E2E.withServer(world) { endpoints in
            let rpc = RPCClient(
                configuration: .init(endpoints: [RPCEndpoint(url: endpoints.rpcURL, name: "sim")]), logger: E2E.logger)
            let snap = try await PoolDiscovery.snapshot(
                pools: pools, rpc: rpc, commitment: .processed, logger: E2E.logger)
            #expect(snap.rejected.map { "\($0.0): \($0.1)" } == [])
            #expect(snap.venues.count == 25)
            // Each DLMM pair's extension is reported absent and resolved, not fetched forever.
            let dlmm = snap.venues.filter { type(of: $0).kind == .meteoraDlmm }
            #expect(dlmm.count == 5)
            let absent = Set(snap.absences.map(\.address))
            for v in dlmm {
                let ext = try #require(MeteoraDLMMLayout.bitmapExtensionAddress(pair: v.address))
                #expect(absent.contains(ext))
            }
            // Every loaded venue quotes both directions on the snapshot.
            for v in snap.venues {
                for d in [SwapDirection.aToB, .bToA] {
                    let q = try v.quote(QuoteRequest(amount: 1_000_000, direction: d))
                    #expect(q.amountOut > 0, "\(type(of: v).kind) \(v.address) \(d)")
                }
            }
        }
    }

    @Test func theFeedStoreShowsAnAbsentAccountAsAnEmptySystemAccount() {
        var store = AccountStore()
        let a = E2E.key(40).address
        #expect(StoreSource(store: store).account(a) == nil)  // unknown: to be fetched
        _ = store.applyAbsence(AccountAbsence(address: a, slot: 7))
        let seen = StoreSource(store: store).account(a)
        #expect(seen?.isEmptySystemAccount == true)
        #expect(seen?.slot == 7)
    }
}

/// The busy-pool policy: a candidate on a pool with a trade in flight is skipped but remembered, and its pools
/// are handed back for evaluation when that trade finishes.
@Suite struct BusyPoolsTests {
    static let p = (1...6).map { E2E.key(UInt8(50 + $0)).address }

    @Test func aSkippedCandidateIsReevaluatedWhenTheBlockingTradeFinishes() {
        var b = BusyPools()
        let r1 = b.acquire([Self.p[0], Self.p[1]])
        #expect(r1)
        // Overlaps the trade in flight: refused, deferred.
        let r2 = b.acquire([Self.p[1], Self.p[2]])
        #expect(!r2)
        #expect(b.deferred == [Self.p[1], Self.p[2]])
        // Disjoint: taken.
        let r3 = b.acquire([Self.p[3], Self.p[4]])
        #expect(r3)
        // The first trade finishes: both deferred pools are free again and come back once.
        let retry = b.release([Self.p[0], Self.p[1]])
        #expect(Set(retry) == [Self.p[1], Self.p[2]])
        #expect(b.deferred.isEmpty)
        let r4 = b.release([Self.p[0], Self.p[1]])
        #expect(r4.isEmpty)
        #expect(b.busy == [Self.p[3], Self.p[4]])
    }

    @Test func aDeferredPoolStillBusyWaitsForItsOwnTrade() {
        var b = BusyPools()
        let r5 = b.acquire([Self.p[0], Self.p[1]])
        #expect(r5)
        let r6 = b.acquire([Self.p[2], Self.p[3]])
        #expect(r6)
        // Spans both trades in flight.
        let r7 = b.acquire([Self.p[1], Self.p[2]])
        #expect(!r7)
        // The first finishes: p1 is free and re-evaluated; p2 is still busy and stays deferred.
        let r8 = b.release([Self.p[0], Self.p[1]])
        #expect(r8 == [Self.p[1]])
        #expect(b.deferred == [Self.p[2]])
        let r9 = b.release([Self.p[2], Self.p[3]])
        #expect(r9 == [Self.p[2]])
        #expect(b.busy.isEmpty && b.deferred.isEmpty)
    }

    @Test func aCancelledClaimFreesWithoutReevaluation() {
        var b = BusyPools()
        let r10 = b.acquire([Self.p[0]])
        #expect(r10)
        b.cancel([Self.p[0]])
        #expect(b.busy.isEmpty)
        let r11 = b.acquire([Self.p[0], Self.p[5]])
        #expect(r11)
    }
}
