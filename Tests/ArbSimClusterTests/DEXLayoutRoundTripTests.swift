import ArbSimCluster
import ArbTestSupport
import ArbVenues
import Foundation
import SolanaPrimitives
import Testing

/// Real mainnet dumps: decode with ArbVenues → write back with the simulated programs' layout writers into a
/// zeroed buffer → every field the writer sets is byte-identical to the dump.
@Suite(
    "DEX layout writers vs mainnet dumps", .enabled(if: Fixtures.root != nil, Comment(rawValue: Fixtures.skipMessage)))
struct DEXLayoutRoundTripTests {
    static func bytes(_ relative: String) throws -> [UInt8] {
        let data = try #require(try Fixtures.data(relative), "\(relative) missing")
        if relative.hasSuffix(".b64") {
            let text = try #require(String(data: data, encoding: .utf8))
            return [UInt8](try #require(Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines))))
        }
        if relative.hasSuffix(".bin") { return [UInt8](data) }
        return try AccountDump.parse([UInt8](data), fallbackAddress: .zero).data
    }

    /// Compares the written fields; returns how many bytes were compared.
    @discardableResult
    static func expectSameFields(
        _ written: [UInt8], _ real: [UInt8], _ fields: [(offset: Int, size: Int)], _ what: String
    ) -> Int {
        #expect(written.count == real.count, "\(what): size")
        var compared = 0
        for f in fields {
            let w = Array(written[f.offset..<f.offset + f.size])
            let r = Array(real[f.offset..<f.offset + f.size])
            #expect(w == r, "\(what): field at \(f.offset) (\(f.size) bytes)")
            compared += f.size
        }
        return compared
    }

    @Test func raydiumAMMv4() throws {
        let real = try Self.bytes(
            "mainnet/raydium-amm-v4/provenance-incomplete/58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2.capture-A.slot453868631.b64"
        )
        let pool = try RaydiumAMMv4Pool(address: .zero, data: real)
        var out = [UInt8](repeating: 0, count: real.count)
        DEXLayouts.write(pool, into: &out)
        let n = Self.expectSameFields(out, real, DEXLayouts.ammV4Fields, "AmmInfo")
        #expect(n > 300)
        #expect(pool.status != 0 && pool.coinVault != .zero)  // a live pool, not zeros
    }

    @Test func raydiumCLMM() throws {
        let real = try Self.bytes("mainnet/raydium-clmm/carbon/pool_state_account.json")
        let state = try RaydiumCLMMState(data: real)
        var out = [UInt8](repeating: 0, count: real.count)
        DEXLayouts.write(state, into: &out)
        Self.expectSameFields(out, real, DEXLayouts.clmmPoolFields, "CLMM PoolState")
        #expect(state.liquidity > 0 && state.sqrtPriceX64 > 0)

        let taReal = try Self.bytes("mainnet/raydium-clmm/carbon/tick_array_state_account.json")
        let ta = try RaydiumCLMMLayout.decodeTickArray(
            AccountData(address: .zero, owner: RaydiumCLMMLayout.programId, lamports: 0, data: taReal), pool: nil)
        let pool = try Address(bytes: taReal[8..<40])
        var taOut = [UInt8](repeating: 0, count: taReal.count)
        DEXLayouts.write(ta, pool: pool, into: &taOut)
        Self.expectSameFields(taOut, taReal, DEXLayouts.clmmTickArrayFields(ta), "CLMM TickArrayState")
        #expect(pool != .zero)  // (this Carbon dump's ticks are all uninitialized)
    }

    @Test func orcaWhirlpool() throws {
        let dir = "mainnet/whirlpool/whirlpool-essentials/"
        let real = try Self.bytes(dir + "sol_usdc_wp_whirlpool.HJPjoWUrhoZzkNfRpHuieeFk9WcZWjwy6PBjZ81ngndJ.json")
        let state = try WhirlpoolState(data: real)
        var out = [UInt8](repeating: 0, count: real.count)
        DEXLayouts.write(state, into: &out)
        Self.expectSameFields(out, real, DEXLayouts.whirlpoolFields, "Whirlpool")
        #expect(state.liquidity > 0)

        let taReal = try Self.bytes(dir + "sol_usdc_wp_ta_n39424.EVqGhR2ukNuqZNfvFFAitrX6UqrRm2r8ayKX9LH9xHzK.json")
        let owner = try Address(bytes: taReal[9956..<9988])
        let ta = try WhirlpoolLayout.decodeTickArray(
            AccountData(address: .zero, owner: WhirlpoolLayout.programId, lamports: 0, data: taReal), whirlpool: nil)
        var taOut = [UInt8](repeating: 0, count: taReal.count)
        DEXLayouts.write(ta, whirlpool: owner, into: &taOut)
        Self.expectSameFields(taOut, taReal, DEXLayouts.whirlpoolTickArrayFields(ta), "Whirlpool TickArray")
        #expect(ta.ticks.contains { $0.initialized })
    }

    @Test func meteoraDLMM() throws {
        let dir = "mainnet/meteora-dlmm/dlmm-sdk-commons-fixtures/9t3EyC9FweyL7PBWvKz3mrXg8B9fwFc9SK3QxM4ENqhd/"
        let real = try Self.bytes(dir + "lb_pair.bin")
        let pair = try MeteoraDLMMPair(address: .zero, data: real)
        var out = [UInt8](repeating: 0, count: real.count)
        DEXLayouts.write(pair, into: &out)
        Self.expectSameFields(out, real, DEXLayouts.dlmmPairFields, "LbPair")

        for file in ["bin_array_1.bin", "bin_array_2.bin"] {
            let baReal = try Self.bytes(dir + file)
            let ba = try MeteoraDLMMBinArray(address: .zero, data: baReal)
            var baOut = [UInt8](repeating: 0, count: baReal.count)
            DEXLayouts.write(ba, into: &baOut)
            Self.expectSameFields(baOut, baReal, DEXLayouts.dlmmBinArrayFields(ba), "BinArray \(file)")
            #expect(ba.bins.contains { $0.amountX != 0 || $0.amountY != 0 })
        }
    }
}
