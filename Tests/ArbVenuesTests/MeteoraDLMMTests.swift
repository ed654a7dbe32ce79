import ArbMath
import ArbTestSupport
import Foundation
import SolanaPrimitives
import Testing

@testable import ArbVenues

/// A DLMM pair from the dlmm-sdk commons fixtures (raw .bin account data; owners implied by the folder).
struct CommonsPair {
    var pair: MeteoraDLMMPair
    var accounts: [Address: AccountData]
    var reserveX: UInt64
    var reserveY: UInt64

    static let root = "mainnet/meteora-dlmm/dlmm-sdk-commons-fixtures"
    static let names = [
        "EtAdVRLFH22rjWh3mcUasKFF27WtHhsaCvK27tPFFWig", "9t3EyC9FweyL7PBWvKz3mrXg8B9fwFc9SK3QxM4ENqhd",
        "B5Eia4cE71tKuEDaqPHucJLG2fxySKyKzLMewd2nUvoc",
    ]

    static func load(_ name: String) throws -> CommonsPair {
        let dir = "\(root)/\(name)"
        let address = cpAddr(name)
        let pairData = try Dump.bin("\(dir)/lb_pair.bin")
        var accounts: [Address: AccountData] = [
            address: AccountData(address: address, owner: MeteoraDLMMLayout.programId, lamports: 1, data: pairData)
        ]
        let pair0 = try MeteoraDLMMPair(pool: accounts[address]!)
        for f in ["bin_array_1.bin", "bin_array_2.bin"] {
            let d = try Dump.bin("\(dir)/\(f)")
            let idx = Int64(littleEndian: d[8..<16].withUnsafeBytes { $0.loadUnaligned(as: Int64.self) })
            let a = try #require(MeteoraDLMMLayout.binArrayAddress(pair: address, index: idx))
            accounts[a] = AccountData(address: a, owner: MeteoraDLMMLayout.programId, lamports: 1, data: d)
        }
        for (mint, flag, file) in [
            (pair0.tokenXMint, pair0.tokenXProgramFlag, "token_x_mint.bin"),
            (pair0.tokenYMint, pair0.tokenYProgramFlag, "token_y_mint.bin"),
        ] {
            guard let url = Fixtures.url("\(dir)/\(file)"), FileManager.default.fileExists(atPath: url.path) else {
                continue
            }
            let d = try Dump.bin("\(dir)/\(file)")
            accounts[mint] = AccountData(
                address: mint, owner: flag == 1 ? VenueProgramIDs.token2022 : VenueProgramIDs.token, lamports: 1,
                data: d)
        }
        var pair = pair0
        try pair.update(from: accounts)
        let rx = try TokenAccountInfo(data: Dump.bin("\(dir)/reserve_x.bin"), address: pair.reserveX)
        let ry = try TokenAccountInfo(data: Dump.bin("\(dir)/reserve_y.bin"), address: pair.reserveY)
        #expect(rx.mint == pair.tokenXMint && ry.mint == pair.tokenYMint)
        return CommonsPair(pair: pair, accounts: accounts, reserveX: rx.amount, reserveY: ry.amount)
    }
}

@Suite struct MeteoraDLMMTests {
    /// Carbon's `test_decode_lb_pair_account` expectations for the real pair ESuD7dd6….
    @Test(needsFixtures)
    func carbonLbPairDecode() throws {
        let c = try #require(try Dump.cases("meteora-dlmm.json", group: "account_decode").first)
        let exp = try #require(c["expected"] as? [String: Any])
        let acct = try Dump.account(
            try #require(c["fixture"] as? String), address: cpAddr("ESuD7dd6zKM4JwNBTPiSbodt5pFQT4U2nLG72NAxccXL"))
        let p = try MeteoraDLMMPair(pool: acct)
        #expect(UInt64(p.fees.baseFactor) == jsonU64(exp["base_factor"]))
        #expect(UInt64(p.fees.filterPeriod) == jsonU64(exp["filter_period"]))
        #expect(UInt64(p.fees.decayPeriod) == jsonU64(exp["decay_period"]))
        #expect(UInt64(p.fees.reductionFactor) == jsonU64(exp["reduction_factor"]))
        #expect(UInt64(p.fees.variableFeeControl) == jsonU64(exp["variable_fee_control"]))
        #expect(UInt64(p.fees.maxVolatilityAccumulator) == jsonU64(exp["max_volatility_accumulator"]))
        #expect(Int64(p.minBinId) == jsonI64(exp["min_bin_id"]))
        #expect(Int64(p.maxBinId) == jsonI64(exp["max_bin_id"]))
        #expect(UInt64(p.fees.protocolShare) == jsonU64(exp["protocol_share"]))
        #expect(UInt64(p.fees.baseFeePowerFactor) == jsonU64(exp["base_fee_power_factor"]))
        #expect(UInt64(p.volatility.volatilityAccumulator) == jsonU64(exp["volatility_accumulator"]))
        #expect(UInt64(p.volatility.volatilityReference) == jsonU64(exp["volatility_reference"]))
        #expect(Int64(p.volatility.indexReference) == jsonI64(exp["index_reference"]))
        #expect(p.volatility.lastUpdateTimestamp == jsonI64(exp["last_update_timestamp"]))
        #expect(UInt64(p.pairType) == jsonU64(exp["pair_type"]))
        #expect(Int64(p.activeId) == jsonI64(exp["active_id"]))
        #expect(UInt64(p.fees.binStep) == jsonU64(exp["bin_step"]))
        #expect(UInt64(p.status) == jsonU64(exp["status"]))
        #expect(UInt64(p.activationType) == jsonU64(exp["activation_type"]))
        #expect(p.tokenXMint == cpAddr(try #require(exp["token_x_mint"] as? String)))
        #expect(p.tokenYMint == cpAddr(try #require(exp["token_y_mint"] as? String)))
        #expect(p.reserveX == cpAddr(try #require(exp["reserve_x"] as? String)))
        #expect(p.reserveY == cpAddr(try #require(exp["reserve_y"] as? String)))
        #expect(p.protocolFee.x == jsonU64(exp["protocol_fee_amount_x"]))
        #expect(p.protocolFee.y == jsonU64(exp["protocol_fee_amount_y"]))
        #expect(p.oracle == cpAddr(try #require(exp["oracle"] as? String)))
        #expect(p.bitmap[7] == jsonU64(exp["bin_array_bitmap_word7"]))
        #expect(UInt64(p.tokenXProgramFlag) == jsonU64(exp["token_mint_x_program_flag"]))
        #expect(UInt64(p.tokenYProgramFlag) == jsonU64(exp["token_mint_y_program_flag"]))
        // Base fee = 62500·80·10 = 50_000_000 (5%); variable fee at va=150000: ceil((150000·80)²·7500/1e11) = 10_800_000.
        #expect(p.fees.baseFee == 50_000_000)
        #expect(p.fees.variableFee(volatilityAccumulator: 150_000) == 10_800_000)
        #expect(p.fees.totalFeeRate(volatilityAccumulator: 150_000) == 60_800_000)
    }

    /// Every commons pair decodes; every initialised bin's stored price equals `pow` recomputed from its id;
    /// the loaded bins never hold more than the reserve accounts.
    @Test(needsFixtures)
    func commonsPairsDecodeAndPricesRecompute() throws {
        for name in CommonsPair.names {
            let cp = try CommonsPair.load(name)
            let p = cp.pair
            #expect(p.binArrays.count == 2, "\(name): both bin arrays are within the bitmap and load")
            var checked = 0
            var sumX: UInt64 = 0
            var sumY: UInt64 = 0
            for (index, ba) in p.binArrays {
                #expect(ba.lbPair == p.address)
                for (i, bin) in ba.bins.enumerated() {
                    let id = index * DLMM.maxBinPerArray + Int32(i)
                    sumX += bin.amountX
                    sumY += bin.amountY
                    if bin.price != 0 {
                        #expect(bin.price == DLMM.price(binId: id, binStep: p.fees.binStep), "\(name) bin \(id)")
                        checked += 1
                    }
                }
            }
            #expect(checked > 0, "\(name): some bins initialised")
            #expect(
                sumX <= cp.reserveX && sumY <= cp.reserveY,
                "\(name): bins \(sumX)/\(sumY) vs reserves \(cp.reserveX)/\(cp.reserveY)")
        }
    }

    /// Within the active bin a small exact-in swap is one closed-form step; recompute it independently.
    @Test(needsFixtures)
    func singleBinQuoteMatchesClosedForm() throws {
        let cp = try CommonsPair.load(CommonsPair.names[0])
        let p = cp.pair
        let arrayIndex = DLMM.binArrayIndex(binId: p.activeId)
        let ba = try #require(p.binArrays[arrayIndex])
        let bin = ba.bins[Int(p.activeId - arrayIndex * DLMM.maxBinPerArray)]
        let price = try #require(DLMM.price(binId: p.activeId, binStep: p.fees.binStep))
        // volatility accumulator after update_references at the pair's own timestamp (elapsed 0) and the first bin:
        var vol = p.volatility
        _ = vol.updateReferences(now: p.quoteTimestamp, activeId: p.activeId, parameters: p.fees)
        vol.updateVolatilityAccumulator(activeId: p.activeId, parameters: p.fees)
        let rate = try #require(p.fees.totalFeeRate(volatilityAccumulator: vol.volatilityAccumulator))
        var checked = 0
        for (dir, out) in [(SwapDirection.aToB, bin.amountY), (.bToA, bin.amountX)] where out > 1_000 {
            checked += 1
            let amount: UInt64 = 1_000
            let q = try p.quote(QuoteRequest(amount: amount, direction: dir))
            let fee = (UInt128(amount) * UInt128(rate) + 999_999_999) / 1_000_000_000
            let net = UInt128(amount) - fee
            let expected = dir == .aToB ? (net * price) >> 64 : (net << 64) / price
            #expect(UInt128(q.amountOut) == expected, "\(dir)")
            #expect(UInt128(q.fee) == fee)
            #expect(q.crossings == 1)
        }
        #expect(checked >= 1, "active bin has liquidity on at least one side")
    }

    /// Crossing from the active bin into the next one, recomputed step by step: the first bin is emptied at
    /// ceil(out·2^64/price) (or ceil(out·price/2^64)) plus the fee on top at its volatility accumulator; the rest
    /// swaps in the next bin at the accumulator one bin further from the reference.
    @Test(needsFixtures)
    func twoBinQuoteMatchesStepByStepRecomputation() throws {
        let p = try CommonsPair.load(CommonsPair.names[0]).pair
        var checked = 0
        for dir in SwapDirection.allCases {
            let forY = dir == .aToB
            let ids = [p.activeId, forY ? p.activeId - 1 : p.activeId + 1]
            let bins = try ids.map { id in
                let idx = DLMM.binArrayIndex(binId: id)
                return try #require(p.binArrays[idx]).bins[Int(id - idx * DLMM.maxBinPerArray)]
            }
            let outs = bins.map { forY ? $0.amountY : $0.amountX }
            guard outs[0] > 0, outs[1] > 1_000_000 else { continue }
            checked += 1
            var vol = p.volatility
            _ = vol.updateReferences(now: p.quoteTimestamp, activeId: p.activeId, parameters: p.fees)
            func rate(_ id: Int32) throws -> UInt64 {
                var v = vol
                v.updateVolatilityAccumulator(activeId: id, parameters: p.fees)
                return try #require(p.fees.totalFeeRate(volatilityAccumulator: v.volatilityAccumulator))
            }
            let price0 = try #require(DLMM.price(binId: ids[0], binStep: p.fees.binStep))
            let price1 = try #require(DLMM.price(binId: ids[1], binStep: p.fees.binStep))
            let one: UInt128 = 1 << 64
            func ceilDiv(_ a: UInt128, _ b: UInt128) -> UInt128 { (a + b - 1) / b }
            let maxIn0 = forY ? ceilDiv(UInt128(outs[0]) << 64, price0) : ceilDiv(UInt128(outs[0]) * price0, one)
            let r0 = UInt128(try rate(ids[0]))
            let fee0 = ceilDiv(maxIn0 * r0, 1_000_000_000 - r0)
            let extra: UInt128 = 5_000
            let amount = maxIn0 + fee0 + extra
            let r1 = UInt128(try rate(ids[1]))
            let fee1 = ceilDiv(extra * r1, 1_000_000_000)
            let net1 = extra - fee1
            let out1 = forY ? (net1 * price1) >> 64 : (net1 << 64) / price1
            let q = try p.quote(QuoteRequest(amount: UInt64(amount), direction: dir))
            #expect(UInt128(q.amountOut) == UInt128(outs[0]) + out1, "\(dir)")
            #expect(UInt128(q.fee) == fee0 + fee1, "\(dir)")
            #expect(q.crossings == 2)
        }
        #expect(checked >= 1)
    }

    /// dlmm-sdk `test_swap_quote_infinite_loop`: 5e9 in either direction, exact in and out, runs out of liquidity.
    @Test(needsFixtures)
    func outOfLiquidityVectors() throws {
        let dir = "mainnet/meteora-dlmm/dlmm-sdk-artifacts/FJbEo74c2W4QLBBVUfUvi8VBWXtMdJVPuFpq2f6UV1iB"
        var accounts: [Address: AccountData] = [:]
        for f in Dump.files(under: dir) {
            let a = try Dump.account(f)
            accounts[a.address] = a
        }
        var pair = try MeteoraDLMMPair(
            pool: try #require(accounts[cpAddr("FJbEo74c2W4QLBBVUfUvi8VBWXtMdJVPuFpq2f6UV1iB")]))
        // The upstream test quotes with no bitmap extension: report it as non-existent (system-owned, empty).
        let ext = try #require(pair.bitmapExtensionAddress)
        accounts[ext] = AccountData(address: ext, owner: .zero, lamports: 0, data: [])
        try pair.update(from: accounts)
        #expect(pair.bitmapExtension == .absent)
        let cases = try Dump.cases("meteora-dlmm.json", group: "quote_errors_on_fixture")
        #expect(cases.count == 4)
        for c in cases {
            let amount = try #require(jsonU64(c["amount"]))
            let swapForY = try #require(c["swap_for_y"] as? Bool)
            let exactIn = (c["quote"] as? String) == "quote_exact_in"
            #expect(c["expected_error"] as? String == "Pool out of liquidity")
            #expect {
                try pair.quote(QuoteRequest(amount: amount, direction: swapForY ? .aToB : .bToA, exactIn: exactIn))
            } throws: { e in
                (e as? VenueError)?.code == .insufficientLiquidity
            }
        }
    }

    /// Real swap / swap2 instructions (Carbon fixtures): same data bytes and account order from our builder,
    /// given a pair whose keys are those of the real pair FwwjuD… (bin arrays −7, −6, −5 derived as PDAs).
    @Test(needsFixtures)
    func instructionsMatchRealTransactions() throws {
        let enc = try Dump.cases("meteora-dlmm.json", group: "real_instruction_encoding")
        let template = try CommonsPair.load(CommonsPair.names[0])
        for c in enc {
            let fixture = try #require(c["fixture"] as? String)
            let ix = try Dump.json(fixture)
            let metas = try #require(ix["accounts"] as? [[String: Any]])
            let keys = metas.compactMap { ($0["pubkey"] as? String).map(cpAddr) }
            let dataHex = try #require(ix["data"] as? String)
            let v2 = fixture.hasSuffix("swap2_ix.json")
            // Rebuild the pair bytes with the real pair's keys.
            var d = try Dump.bin("\(CommonsPair.root)/\(CommonsPair.names[0])/lb_pair.bin")
            func put(_ a: Address, _ off: Int) { d.replaceSubrange(off..<off + 32, with: a.bytes) }
            put(keys[2], MeteoraDLMMLayout.reserveX)
            put(keys[3], MeteoraDLMMLayout.reserveY)
            put(keys[6], MeteoraDLMMLayout.tokenXMint)
            put(keys[7], MeteoraDLMMLayout.tokenYMint)
            put(keys[8], MeteoraDLMMLayout.oracle)
            let pair = try MeteoraDLMMPair(address: keys[0], data: d)
            _ = template
            let args = try #require(c["decoded_args_DERIVED"] as? [String: Any])
            let params = SwapParams(
                direction: .bToA, amountIn: try #require(jsonU64(args["amount_in"])),
                amountOut: try #require(jsonU64(args["min_amount_out"])),
                owner: keys[10], userSource: keys[4], userDestination: keys[5])
            let built = try #require(try pair.swapInstructions(params, version: v2 ? .v2 : .v1).first)
            #expect(built.data.map { String(format: "%02x", $0) }.joined() == dataHex, "\(fixture)")
            let fixed = v2 ? 16 : 15
            #expect(Array(built.accounts.prefix(fixed).map(\.address)) == Array(keys.prefix(fixed)), "\(fixture)")
            #expect(built.accounts[10].isSigner && built.accounts.filter(\.isSigner).count == 1)
            if !v2 {
                // The real tx's remaining accounts are bin arrays −7, −6, −5 of FwwjuD… (ascending: a Y→X swap).
                let real = Array(keys.dropFirst(fixed))
                #expect(
                    real == [-7, -6, -5].compactMap { MeteoraDLMMLayout.binArrayAddress(pair: keys[0], index: $0) })
            }
        }
        #expect(enc.count == 2)
    }

    /// 9t3EyC… is a newer-layout pair (collect_fee_mode 1 = fee in Y, limit orders): X→Y takes the fee from the
    /// output, Y→X from the input.
    @Test(needsFixtures)
    func feeOnOutputPair() throws {
        let cp = try CommonsPair.load(CommonsPair.names[1])
        var p = cp.pair
        // CustomizablePermissionless pair with a slot activation point: quotes need the clock.
        #expect(throws: VenueError.self) { try p.quote(QuoteRequest(amount: 10_000, direction: .aToB)) }
        p.clock = ClockSysvar(slot: p.activationPoint, epoch: 0, unixTimestamp: p.volatility.lastUpdateTimestamp)
        #expect(p.collectFeeMode == 1 && p.functionType == 2 && p.supportsLimitOrders && p.version == 1)
        #expect(p.binArrays.values.allSatisfy { $0.version == 2 })
        var quoted = 0
        for dir in SwapDirection.allCases {
            guard let r = try? p.swapResult(QuoteRequest(amount: 10_000, direction: dir)) else { continue }
            quoted += 1
            let q = try p.quote(QuoteRequest(amount: 10_000, direction: dir))
            #expect(q.fee == (dir == .aToB ? 0 : r.fee))
            #expect(r.fee > 0)
        }
        #expect(quoted == 2)
        // Large enough to exhaust the market-making liquidity of a bin and fill its limit orders.
        let big = try p.swapResult(QuoteRequest(amount: 20_000_000_000, direction: .bToA))
        #expect(big.binsCrossed >= 1 && big.amountOut > 0)
        let bigX = try p.swapResult(QuoteRequest(amount: 100_000_000_000, direction: .aToB))
        #expect(bigX.binsCrossed > 1)
    }

    /// B5Eia4… (dlmm-sdk test_swap_token2022 pair) has a Token-2022 X mint with a transfer fee: exact-in X→Y
    /// walks the bins with amount − fee(amount); Y→X delivers out − fee(out) of X.
    @Test(needsFixtures)
    func token2022TransferFeeApplied() throws {
        let cp = try CommonsPair.load(CommonsPair.names[2])
        var p = cp.pair
        let mint = try #require(p.mintX)
        #expect(p.tokenXProgramFlag == 1 && mint.tokenProgram == VenueProgramIDs.token2022)
        let cfg = try #require(mint.transferFeeConfig, "X mint carries a TransferFeeConfig")
        p.clock = ClockSysvar(
            slot: 1, epoch: max(cfg.newerTransferFee.epoch, 1), unixTimestamp: p.volatility.lastUpdateTimestamp)
        let fee = cfg.newerTransferFee
        #expect(fee.basisPoints > 0)
        let amount: UInt64 = 10_000_000
        let feeOf = { (x: UInt64) in
            UInt64(min((UInt128(x) * UInt128(fee.basisPoints) + 9_999) / 10_000, UInt128(fee.maximumFee)))
        }
        let arrays = p.binArrays
        let state = DLMM.PairState(
            activeId: p.activeId, fees: p.fees, volatility: p.volatility, bitmap: p.bitmap,
            supportsLimitOrders: p.supportsLimitOrders, collectFeeMode: p.collectFeeMode)
        let q = try p.quote(QuoteRequest(amount: amount, direction: .aToB))
        let raw = try DLMM.swap(
            pair: state, amount: amount - feeOf(amount), swapForY: true, exactIn: true, now: p.quoteTimestamp,
            binArray: { arrays[$0]?.bins })
        #expect(q.amountIn == amount && q.amountOut == raw.amountOut)
        let qb = try p.quote(QuoteRequest(amount: amount, direction: .bToA))
        let rawB = try DLMM.swap(
            pair: state, amount: amount, swapForY: false, exactIn: true, now: p.quoteTimestamp,
            binArray: { arrays[$0]?.bins })
        #expect(qb.amountOut == rawB.amountOut - feeOf(rawB.amountOut))
    }

    @Test func rejectsMalformedAccounts() throws {
        let a = cpAddr("FJbEo74c2W4QLBBVUfUvi8VBWXtMdJVPuFpq2f6UV1iB")
        var d = [UInt8](repeating: 0, count: MeteoraDLMMLayout.lbPairSize)
        #expect(throws: VenueError.self) { try MeteoraDLMMPair(address: a, data: d) }  // no discriminator
        d.replaceSubrange(0..<8, with: MeteoraDLMMLayout.lbPairDiscriminator)
        #expect(throws: VenueError.self) { try MeteoraDLMMPair(address: a, data: d) }  // bin step 0
        #expect(throws: VenueError.self) { try MeteoraDLMMPair(address: a, data: Array(d.prefix(903))) }
        #expect(throws: VenueError.self) {
            try MeteoraDLMMBinArray(address: a, data: MeteoraDLMMLayout.binArrayDiscriminator)
        }
    }
}
