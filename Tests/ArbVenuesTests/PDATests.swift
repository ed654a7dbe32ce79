import ArbTestSupport
import Foundation
import SolanaPrimitives
import Testing

@testable import ArbVenues

@Suite struct PDATests {
    /// Upstream-asserted PDAs: DLMM bin arrays / oracle / event authority (dlmm-sdk test_swap.rs keys, Carbon
    /// swap fixtures) — bumps below 255 also exercise the on-curve rejection.
    @Test(needsFixtures)
    func dlmmPDAsMatchUpstreamKeys() throws {
        let cases = try Dump.cases("meteora-dlmm.json", group: "pda")
        #expect(cases.count == 4)
        for c in cases {
            let kind = try #require(c["kind"] as? String)
            let expected = cpAddr(try #require(c["expected"] as? String))
            let bump = UInt8(try #require(jsonU64(c["bump"])))
            var seeds: [[UInt8]]
            switch kind {
            case "bin_array":
                let pair = cpAddr(try #require(c["lb_pair"] as? String))
                var le: [UInt8] = []
                withUnsafeBytes(of: (try #require(jsonI64(c["index"]))).littleEndian) { le.append(contentsOf: $0) }
                seeds = [Array("bin_array".utf8), pair.bytes, le]
            case "oracle":
                seeds = [Array("oracle".utf8), cpAddr(try #require(c["lb_pair"] as? String)).bytes]
            case "event_authority":
                seeds = [Array("__event_authority".utf8)]
            default:
                Issue.record("unknown kind \(kind)")
                continue
            }
            let found = try #require(VenuePDA.find(seeds: seeds, program: MeteoraDLMMLayout.programId))
            #expect(found.address == expected, "\(kind)")
            #expect(found.bump == bump, "\(kind)")
        }
        #expect(MeteoraDLMMLayout.eventAuthority == cpAddr("D1ZN9Wj1fRSUQfCjhvnu1hqDMT7hzjzBBpi12nVniYD6"))
    }

    /// AMM v4 authority = create_program_address(["amm authority", [254]]) = the SOL/USDC `authority` in
    /// raydium-sdk's liquidity.test.ts.
    @Test(needsFixtures)
    func ammV4AuthorityMatchesRaydiumSDK() throws {
        let c = try #require(try Dump.cases("raydium-amm-v4.json", group: "pda").first)
        let nonce = UInt8(try #require(jsonU64(c["nonce"])))
        let a = VenuePDA.create(seeds: [Array("amm authority".utf8), [nonce]], program: RaydiumAMMv4Layout.programId)
        #expect(a == cpAddr(try #require(c["expected"] as? String)))
        // find_program_address gives the same key with bump 254 (255 is on the curve).
        let f = try #require(VenuePDA.find(seeds: [Array("amm authority".utf8)], program: RaydiumAMMv4Layout.programId))
        #expect(f.bump == 254 && f.address == a)
    }

    /// CPMM authority: the fixture value is DERIVED (curator-computed, not upstream) — checked only for
    /// consistency with our own derivation; the DLMM/AMM cases above are the real proof of the algorithm.
    @Test(needsFixtures)
    func cpmmAuthorityConsistentWithDerivedValue() throws {
        let c = try #require(try Dump.cases("raydium-cpmm.json", group: "pda_DERIVED").first)
        let f = try #require(
            VenuePDA.find(seeds: [RaydiumCPMMLayout.authoritySeed], program: RaydiumCPMMLayout.programId))
        #expect(f.address == cpAddr(try #require(c["expected_DERIVED"] as? String)))
        #expect(UInt64(f.bump) == jsonU64(c["bump"]))
    }

    @Test func rejectsOversizedSeeds() {
        #expect(VenuePDA.create(seeds: [[UInt8](repeating: 1, count: 33)], program: MeteoraDLMMLayout.programId) == nil)
        #expect(VenuePDA.create(seeds: Array(repeating: [1], count: 17), program: MeteoraDLMMLayout.programId) == nil)
    }
}
