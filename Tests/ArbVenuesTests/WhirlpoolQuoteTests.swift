import ArbMath
import ArbTestSupport
import ArbVenues
import Foundation
import SolanaPrimitives
import Testing

/// Quotes on the real SOL/USDC whirlpool HJPjo… (whirlpool-essentials snapshot: pool, 7 tick arrays, vaults,
/// mints captured together).
@Suite(.enabled(if: Fixtures.root != nil, Comment(rawValue: Fixtures.skipMessage)))
struct WhirlpoolQuoteTests {
    static let pool = Address("HJPjoWUrhoZzkNfRpHuieeFk9WcZWjwy6PBjZ81ngndJ")

    static func accounts() throws -> [Address: AccountData] {
        var all = try fixtureFolder("mainnet/whirlpool/whirlpool-essentials")
        all.merge(try fixtureFolder("mainnet/spl-token/whirlpool-essentials")) { a, _ in a }
        return all
    }

    static func venue() throws -> (WhirlpoolVenue, [Address: AccountData]) {
        let all = try accounts()
        var v = try WhirlpoolVenue(pool: try #require(all[pool]))
        try v.update(from: all)
        return (v, all)
    }

    @Test func loadsEverythingTheQuoteNeeds() throws {
        let (v, all) = try Self.venue()
        // aToB from tick -32101 (ts 64): arrays -33792, -39424, -45056; bToA: -33792, -28160, -22528.
        #expect(v.tickArrays.keys.sorted() == [-45056, -39424, -33792, -28160, -22528])
        #expect(v.vaultA?.amount == 101_826_710_217_770)
        #expect(v.vaultB?.amount == 1_806_982_724_843)
        for a in v.accountsToUpdate() where a != SysvarIDs.clock {
            // The one array not in the snapshot is beyond both swap sequences' needs here.
            if all[a] == nil { #expect(v.neighbourhoodStarts.map(v.tickArrayAddress).contains(a)) }
        }
    }

    /// Price sanity against an independent float computation: a small swap pays ~price × (1 − fee).
    @Test func smallSwapMatchesSpotPrice() throws {
        let (v, _) = try Self.venue()
        let s = v.state
        let spot = pow(Double(s.sqrtPrice) / 18_446_744_073_709_551_616.0, 2)  // USDC base units per lamport
        let q = try v.quote(QuoteRequest(amount: 1_000_000_000, direction: .aToB))  // 1 SOL
        let expected = 1e9 * spot * (1 - Double(s.feeRate) / 1e6)
        #expect(abs(Double(q.amountOut) - expected) / expected < 1e-4, "out \(q.amountOut) vs \(expected)")
        #expect(q.fee == 2_000_000)  // 0.2% of 1 SOL, exact: ceil(amount_in * 2000 / 998000) summed per step
        let back = try v.quote(QuoteRequest(amount: 10_000_000, direction: .bToA))  // 10 USDC
        let expectedBack = 1e7 / spot * (1 - Double(s.feeRate) / 1e6)
        #expect(abs(Double(back.amountOut) - expectedBack) / expectedBack < 1e-4)
    }

    @Test func largeSwapsCrossTicksAndStayConsistent() throws {
        let (v, _) = try Self.venue()
        let d = try v.quoteDetail(QuoteRequest(amount: 20_000_000_000_000, direction: .aToB))  // 20k SOL
        #expect(d.quote.crossings > 0)
        #expect(d.swap.nextTickIndex < v.state.tickCurrentIndex)
        // Exact-out for the same output costs no more than the exact-in input.
        let out = try v.quote(QuoteRequest(amount: d.quote.amountOut, direction: .aToB, exactIn: false))
        #expect(out.amountOut == d.quote.amountOut)
        #expect(out.amountIn <= d.quote.amountIn)
        // Far beyond the three arrays: refused, not mis-quoted.
        #expect(throws: VenueError.self) { try v.quote(QuoteRequest(amount: UInt64.max / 2, direction: .aToB)) }
    }

    @Test func conformance() throws {
        let (v, all) = try Self.venue()
        let report = try VenueConformance.check(
            WhirlpoolVenue.self, pool: try #require(all[Self.pool]), accounts: all,
            outputVault: { venue, dir in dir == .aToB ? venue.state.tokenVaultB : venue.state.tokenVaultA },
            amounts: [10, 1_000, 1_000_000, 1_000_000_000, 100_000_000_000, 10_000_000_000_000, 1_000_000_000_000_000])
        #expect(report.quotes >= 10)
        _ = v
    }

    @Test func zeroedArraysWhenUninitializedAndMissingWhenUnknown() throws {
        var all = try Self.accounts()
        var v = try WhirlpoolVenue(pool: try #require(all[Self.pool]))
        // Drop the first a→b array: the quote must refuse (missing), not assume it empty.
        let first = v.tickArrayAddress(-33792)
        all[first] = nil
        try v.update(from: all)
        #expect { try v.quote(QuoteRequest(amount: 1_000_000, direction: .aToB)) } throws: {
            ($0 as? VenueError)?.code == .missingAccount
        }
        // Reported as a non-existent account: treated as the zeroed (uninitialized) array.
        all[first] = AccountData(address: first, owner: ProgramIDs.system, lamports: 0, data: [])
        try v.update(from: all)
        #expect(v.tickArrays[-33792] == WhirlpoolTickArray.zeroed(startTickIndex: -33792))
    }
}
