import ArbMath
import ArbTestSupport
import Foundation
import SolanaPrimitives
import Testing

@testable import ArbVenues

@Suite struct RaydiumAMMv4Tests {
    static let poolAddress = cpAddr("58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")
    static let captures = [
        "mainnet/raydium-amm-v4/provenance-incomplete/58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2.capture-A.slot453868631.b64",
        "mainnet/raydium-amm-v4/provenance-incomplete/58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2.capture-B.b64",
    ]

    /// Our offsets equal upstream's `test_amm_info_layout` running offsets for every field we read.
    @Test(needsFixtures)
    func layoutOffsetsMatchUpstreamLayoutTest() throws {
        let cases = try Dump.cases("raydium-amm-v4.json", group: "amm_info_layout")
        var table: [String: (Int, Int)] = [:]
        for c in cases {
            if let f = c["field"] as? String, let o = c["offset"] as? Int, let s = c["size"] as? Int {
                table[f] = (o, s)
            }
        }
        #expect(table.count >= 50)
        for (field, spec) in RaydiumAMMv4Layout.fields {
            let up = try #require(table[field], "upstream table lacks \(field)")
            #expect(up.0 == spec.offset && up.1 == spec.size, "\(field): ours \(spec), upstream \(up)")
        }
        let end = table.values.map { $0.0 + $0.1 }.max()
        #expect(end == RaydiumAMMv4Layout.size)
    }

    /// Both real captures decode; fields equal the third-party decodes and the official raydium-sdk keys.
    @Test(needsFixtures)
    func realCapturesDecode() throws {
        let expectations = try Dump.cases("raydium-amm-v4.json", group: "third_party_decode_of_real_account")
        for c in expectations {
            guard let fixture = c["fixture"] as? String, let exp = c["expected"] as? [String: Any] else { continue }
            let pool = try RaydiumAMMv4Pool(address: Self.poolAddress, data: try Dump.b64(fixture))
            #expect(pool.status == jsonU64(exp["status"]))
            #expect(pool.coinDecimals == jsonU64(exp["coin_decimals"]))
            #expect(pool.pcDecimals == jsonU64(exp["pc_decimals"]))
            #expect(pool.coinVault == cpAddr(try #require(exp["coin_vault"] as? String)))
            #expect(pool.pcVault == cpAddr(try #require(exp["pc_vault"] as? String)))
            if let m = (exp["coin_vault_mint"] ?? exp["coin_mint"]) as? String { #expect(pool.coinMint == cpAddr(m)) }
            if let m = (exp["pc_vault_mint"] ?? exp["pc_mint"]) as? String { #expect(pool.pcMint == cpAddr(m)) }
            if let n = jsonU64(exp["swap_fee_numerator"]) { #expect(pool.fees.numerator == n) }
            if let d = jsonU64(exp["swap_fee_denominator"]) { #expect(pool.fees.denominator == d) }
            if let v = jsonU64(exp["need_take_pnl_coin"]) { #expect(pool.needTakePnlCoin == v) }
            if let v = jsonU64(exp["need_take_pnl_pc"]) { #expect(pool.needTakePnlPc == v) }
            // Official keys (raydium-sdk test/liquidity/liquidity.test.ts @7fcb06f4).
            #expect(pool.lpMint == cpAddr("8HoQnePLqPj4M7PUDzfw8e3Ymdwgc7NLGnaTUapubyvu"))
            #expect(pool.targetOrders == cpAddr("CZza3Ej4Mc58MnxWA385itCC9jCo3L1D7zc3LKy1bZMR"))
            #expect(pool.authority == cpAddr("5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1"))
            #expect(pool.nonce == 254)
            #expect(pool.marketProgram == cpAddr("srmqPvymJeFKQ4zGQed1GFppgkRHL9kaELCbyksJtPX"))
        }
        #expect(expectations.filter { $0["fixture"] != nil }.count == 2)
    }

    /// Vault balances are not in the fixtures: quote against synthetic vaults and recompute independently.
    @Test(needsFixtures)
    func quoteOnRealCaptureWithSyntheticVaults() throws {
        var pool = try RaydiumAMMv4Pool(address: Self.poolAddress, data: try Dump.b64(Self.captures[0]))
        let data = try Dump.b64(Self.captures[0])
        let source = try Self.source(pool: pool, data: data, coin: 50_000 * 1_000_000_000, pc: 7_000_000 * 1_000_000)
        try pool.update(from: source)
        let (rc, rp) = try pool.reserves()
        #expect(rc == 50_000 * 1_000_000_000 - pool.needTakePnlCoin)
        #expect(rp == 7_000_000 * 1_000_000 - pool.needTakePnlPc)
        let q = try pool.quote(QuoteRequest(amount: 1_000_000_000, direction: .aToB))
        // 1 SOL: fee = ceil(1e9·25/10000) = 2_500_000; out = floor(rp·(1e9−fee)/(rc+1e9−fee)).
        #expect(q.fee == 2_500_000)
        let net = UInt128(1_000_000_000 - 2_500_000)
        #expect(UInt128(q.amountOut) == UInt128(rp) * net / (UInt128(rc) + net))
        // Exact-out inverse: asking for that output needs at most the input we gave.
        let back = try pool.quote(QuoteRequest(amount: q.amountOut, direction: .aToB, exactIn: false))
        #expect(back.amountIn <= 1_000_000_000)
        let again = try pool.quote(QuoteRequest(amount: back.amountIn, direction: .aToB))
        #expect(again.amountOut >= q.amountOut)
    }

    static func source(pool: RaydiumAMMv4Pool, data: [UInt8], coin: UInt64, pc: UInt64) throws -> [Address: AccountData]
    {
        [
            pool.address: AccountData(
                address: pool.address, owner: RaydiumAMMv4Layout.programId, lamports: 1, data: data),
            pool.coinVault: tokenAccount(pool.coinVault, mint: pool.coinMint, owner: pool.authority, amount: coin),
            pool.pcVault: tokenAccount(pool.pcVault, mint: pool.pcMint, owner: pool.authority, amount: pc),
        ]
    }

    @Test(needsFixtures)
    func swapInstructionsBothForms() throws {
        let data = try Dump.b64(Self.captures[0])
        let owner = cpAddr("CfKSQ1DbJa79XGp3fieJJwnskHBbWkgrpC3DmL6rTzQH")
        let src = cpAddr("GjxJ1KCKU6tduWpgJKXA81spVK5mHZHbXNFTSvFELqgN")
        let dst = cpAddr("7sfqR1grUb5jCTrpYm31cc1HA4quapJ8ur8ZdkUwUqtS")
        let params = SwapParams(
            direction: .aToB, amountIn: 1_000, amountOut: 990, owner: owner, userSource: src, userDestination: dst)

        let v2 = try RaydiumAMMv4Pool(address: Self.poolAddress, data: data, swapForm: .v2)
        let ix = try #require(try v2.swapInstructions(params).first)
        #expect(ix.data == [16, 0xe8, 3, 0, 0, 0, 0, 0, 0, 0xde, 3, 0, 0, 0, 0, 0, 0])
        #expect(
            ix.accounts.map(\.address) == [
                VenueProgramIDs.token, v2.address, v2.authority, v2.coinVault, v2.pcVault, src, dst, owner,
            ])
        #expect(ix.accounts.map(\.isWritable) == [false, true, false, true, true, true, true, false])
        #expect(ix.accounts.map(\.isSigner) == [false, false, false, false, false, false, false, true])

        // Legacy form needs the market; build a synthetic OpenBook market account with a valid vault signer nonce.
        var legacy = try RaydiumAMMv4Pool(address: Self.poolAddress, data: data, swapForm: .legacy)
        #expect(throws: VenueError.self) { try legacy.swapInstructions(params) }
        let market = try Self.syntheticMarket(address: legacy.market, program: legacy.marketProgram)
        var src2 = try Self.source(pool: legacy, data: data, coin: 1_000_000, pc: 1_000_000)
        src2[market.address] = market
        try legacy.update(from: src2)
        let m = try #require(legacy.marketState)
        let lix = try #require(
            try legacy.swapInstructions(
                SwapParams(
                    direction: .bToA, amountIn: 5, amountOut: 7, exactIn: false, owner: owner, userSource: src,
                    userDestination: dst)
            ).first)
        #expect(lix.data.first == 11 && lix.data.count == 17)
        #expect(lix.accounts.count == 18)
        #expect(
            lix.accounts.map(\.address) == [
                VenueProgramIDs.token, legacy.address, legacy.authority, legacy.openOrders, legacy.targetOrders,
                legacy.coinVault,
                legacy.pcVault, legacy.marketProgram, legacy.market, m.bids, m.asks, m.eventQueue, m.baseVault,
                m.quoteVault,
                m.vaultSigner, src, dst, owner,
            ])
        #expect(lix.accounts.filter(\.isSigner).map(\.address) == [owner])
        #expect(
            VenuePDA.create(
                seeds: [legacy.market.bytes, Self.nonceBytes(m.vaultSignerNonce)], program: legacy.marketProgram)
                == m.vaultSigner)
    }

    static func nonceBytes(_ n: UInt64) -> [UInt8] {
        var b: [UInt8] = []
        withUnsafeBytes(of: n.littleEndian) { b.append(contentsOf: $0) }
        return b
    }

    static func syntheticMarket(address: Address, program: Address) throws -> AccountData {
        var d = [UInt8](repeating: 0, count: SerumMarket.size)
        d.replaceSubrange(0..<5, with: Array("serum".utf8))
        var nonce: UInt64 = 0
        while VenuePDA.create(seeds: [address.bytes, nonceBytes(nonce)], program: program) == nil { nonce += 1 }
        d.replaceSubrange(45..<53, with: nonceBytes(nonce))
        for (i, off) in [117, 165, 253, 285, 317].enumerated() {
            d.replaceSubrange(off..<off + 32, with: [UInt8](repeating: UInt8(i + 1), count: 32))
        }
        return AccountData(address: address, owner: program, lamports: 1, data: d)
    }

    @Test func rejectsWrongSizeOwnerAndStatus() throws {
        let a = cpAddr("58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")
        #expect(throws: VenueError.self) { try RaydiumAMMv4Pool(address: a, data: [UInt8](repeating: 0, count: 751)) }
        #expect(throws: VenueError.self) {
            try RaydiumAMMv4Pool(
                pool: AccountData(address: a, owner: .zero, lamports: 0, data: [UInt8](repeating: 0, count: 752)))
        }
        // All-zero AmmInfo: nonce 0 may give a PDA but the zero swap fee denominator is invalid.
        #expect(throws: VenueError.self) { try RaydiumAMMv4Pool(address: a, data: [UInt8](repeating: 0, count: 752)) }
    }
}
