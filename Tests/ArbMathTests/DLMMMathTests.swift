import PropertyBased
import Testing

@testable import ArbMath

@Suite struct DLMMMathTests {
    static let one: UInt128 = 1 << 64

    @Test func priceBasics() throws {
        #expect(DLMM.price(binId: 0, binStep: 25) == Self.one)
        // ±443636 at bin step 1 stays representable; beyond MAX_EXPONENTIAL (2^19) pow refuses.
        #expect(DLMM.price(binId: 443_636, binStep: 1) != nil)
        #expect(DLMM.price(binId: -443_636, binStep: 1) != nil)
        #expect(DLMM.pow(Self.one + 1, 1 << 19) == nil)
        // bin step 10000 (price doubles per bin): 2^10 exactly representable → 2^74 within truncation.
        let p10 = try #require(DLMM.price(binId: 10, binStep: 10_000))
        let target = Self.one << 10
        #expect((p10 > target ? p10 - target : target - p10) <= 1 << 21)  // relative 1e-16
    }

    @Test func priceMonotonicAndReciprocal() async {
        await propertyCheck(count: cpPropertyCount, input: Gen.int32(in: -20_000...20_000), Gen.uint16(in: 1...400)) {
            id, step in
            guard let p = DLMM.price(binId: id, binStep: step), let q = DLMM.price(binId: id + 1, binStep: step) else {
                return
            }
            // Non-decreasing; strictly increasing while the inverted intermediate keeps precision (upstream `pow`
            // quantises extreme prices: 1/p below ~2^-40 leaves only a few bits).
            #expect(q >= p)
            if p < 1 << 100 && p > 1 << 28 { #expect(q > p, "id \(id) step \(step)") }
            // p(id)·p(−id) ≈ 2^128 (relative error from per-step truncation, far below 1e-9).
            // (Only where both prices keep ≥ 40 significant bits; tiny Q64.64 prices are quantised.)
            if let r = DLMM.price(binId: -id, binStep: step), p >= 1 << 40, r >= 1 << 40 {
                let prod = p.multipliedFullWidth(by: r)  // 256-bit: high·2^128 + low
                let approx = Double(prod.high) * 340282366920938463463374607431768211456.0 + Double(prod.low)
                let target = 340282366920938463463374607431768211456.0
                #expect(abs(approx / target - 1) < 1e-9, "id \(id) step \(step)")
            }
        }
    }

    @Test func bitmapNavigationMatchesLinearScan() async {
        await propertyCheck(
            count: cpPropertyCount, input: Gen.uint64().array(of: 16), Gen.int32(in: -512...511), Gen.bool
        ) {
            words, start, forY in
            let got = DLMM.nextBinArrayIndexWithLiquidity(bitmap: words, swapForY: forY, startIndex: start)
            func bit(_ i: Int32) -> Bool {
                let k = Int(i) + 512
                return words[k >> 6] >> UInt64(k & 63) & 1 == 1
            }
            let candidates = forY ? Array(stride(from: start, through: -512, by: -1)) : Array(start...511)
            if let hit = candidates.first(where: bit) {
                #expect(got.hasLiquidity && got.index == hit)
            } else {
                #expect(!got.hasLiquidity && got.index == (forY ? -513 : 512))
            }
        }
    }

    @Test func feeFormulas() {
        // ceil(1000·10_000_000/1e9) = 10; on-top fee ceil(990·1e7/(1e9−1e7)) = 10.
        #expect(DLMM.feeIncluded(1_000, rate: 10_000_000) == 10)
        #expect(DLMM.feeOnTop(990, rate: 10_000_000) == 10)
        #expect(DLMM.protocolFee(999, protocolShare: 500) == 49)
        let params = DLMM.FeeParameters(
            baseFactor: 10_000, binStep: 100, baseFeePowerFactor: 1, variableFeeControl: 1,
            maxVolatilityAccumulator: 1 << 30,
            filterPeriod: 30, decayPeriod: 600, reductionFactor: 5_000, protocolShare: 500)
        // base = 1e4·100·10·10 = 1e8 = cap.
        #expect(params.totalFeeRate(volatilityAccumulator: 1 << 30) == DLMM.maxFeeRate)
    }

    @Test func volatilityReferenceUpdates() {
        let params = DLMM.FeeParameters(
            baseFactor: 1, binStep: 10, baseFeePowerFactor: 0, variableFeeControl: 1, maxVolatilityAccumulator: 350_000,
            filterPeriod: 30, decayPeriod: 600, reductionFactor: 5_000, protocolShare: 0)
        var v = DLMM.VolatilityState(
            volatilityAccumulator: 100_000, volatilityReference: 7, indexReference: 3, lastUpdateTimestamp: 1_000)
        _ = v.updateReferences(now: 1_010, activeId: 50, parameters: params)  // within filter period: unchanged
        #expect(v.volatilityReference == 7 && v.indexReference == 3)
        _ = v.updateReferences(now: 1_100, activeId: 50, parameters: params)  // decay window: va·0.5
        #expect(v.volatilityReference == 50_000 && v.indexReference == 50)
        v.updateVolatilityAccumulator(activeId: 47, parameters: params)
        #expect(v.volatilityAccumulator == 80_000)
        v.updateVolatilityAccumulator(activeId: 10, parameters: params)
        #expect(v.volatilityAccumulator == 350_000)  // capped
        _ = v.updateReferences(now: 2_000, activeId: 10, parameters: params)  // past decay: reset
        #expect(v.volatilityReference == 0)
    }

    /// A synthetic pair: bins −70…69 each holding X above the active bin and Y below (active holds both).
    static func syntheticPair(collectFeeMode: UInt8 = 0) -> (DLMM.PairState, [Int32: [DLMM.Bin]]) {
        let step: UInt16 = 20
        var arrays: [Int32: [DLMM.Bin]] = [:]
        for idx: Int32 in -1...0 {
            arrays[idx] = (0..<70).map { i in
                let id = idx * 70 + Int32(i)
                let p = DLMM.price(binId: id, binStep: step) ?? 0
                return DLMM.Bin(amountX: id >= 0 ? 1_000_000 : 0, amountY: id <= 0 ? 1_000_000 : 0, price: p)
            }
        }
        var bitmap = [UInt64](repeating: 0, count: 16)
        bitmap[7] = 1 << 63  // index −1 → bit 511
        bitmap[8] = 1  // index 0 → bit 512
        let fees = DLMM.FeeParameters(
            baseFactor: 10_000, binStep: step, baseFeePowerFactor: 0, variableFeeControl: 40_000,
            maxVolatilityAccumulator: 350_000,
            filterPeriod: 30, decayPeriod: 600, reductionFactor: 5_000, protocolShare: 500)
        let vol = DLMM.VolatilityState(
            volatilityAccumulator: 0, volatilityReference: 0, indexReference: 0, lastUpdateTimestamp: 0)
        return (
            DLMM.PairState(
                activeId: 0, fees: fees, volatility: vol, bitmap: bitmap, supportsLimitOrders: false,
                collectFeeMode: collectFeeMode), arrays
        )
    }

    @Test func swapLoopProperties() async {
        let (pair, arrays) = Self.syntheticPair()
        await propertyCheck(count: cpPropertyCount, input: Gen.uint64(in: 1...60_000_000), Gen.bool) { amount, forY in
            let r = try? DLMM.swap(
                pair: pair, amount: amount, swapForY: forY, exactIn: true, now: 0, binArray: { arrays[$0] })
            guard let r else { return }
            #expect(r.amountIn == amount)
            #expect(r.fee <= amount && r.protocolFee <= r.fee)
            #expect(r.amountOut <= (forY ? 71 : 70) * 1_000_000)
            let r2 = try? DLMM.swap(
                pair: pair, amount: amount + amount / 3 + 1, swapForY: forY, exactIn: true, now: 0,
                binArray: { arrays[$0] })
            if let r2 { #expect(r2.amountOut >= r.amountOut) }
            if r.amountOut > 0,
                let back = try? DLMM.swap(
                    pair: pair, amount: r.amountOut, swapForY: forY, exactIn: false, now: 0, binArray: { arrays[$0] })
            {
                #expect(back.amountOut == r.amountOut)
                // Exact-out needs at most the exact-in amount that produced it (plus per-bin rounding).
                #expect(back.amountIn <= amount + UInt64(r.binsCrossed) * 2)
            }
        }
        // Whole pool: Y side is 71 bins of 1e6; selling a lot of X exhausts it.
        #expect(throws: DLMM.SwapFailure.outOfLiquidity) {
            try DLMM.swap(pair: pair, amount: 1 << 40, swapForY: true, exactIn: true, now: 0, binArray: { arrays[$0] })
        }
        #expect(throws: DLMM.SwapFailure.missingBinArray(-1)) {
            try DLMM.swap(
                pair: pair, amount: 5_000_000, swapForY: true, exactIn: true, now: 0,
                binArray: { $0 == 0 ? arrays[0] : nil })
        }
    }

    @Test func feeOnOutputTakesFeeFromY() throws {
        let (pairIn, arrays) = Self.syntheticPair(collectFeeMode: 0)
        let (pairOut, _) = Self.syntheticPair(collectFeeMode: 1)
        let a = try DLMM.swap(
            pair: pairIn, amount: 100_000, swapForY: true, exactIn: true, now: 0, binArray: { arrays[$0] })
        let b = try DLMM.swap(
            pair: pairOut, amount: 100_000, swapForY: true, exactIn: true, now: 0, binArray: { arrays[$0] })
        // Same rate: fee on input ≈ fee on output (in Y at price ≈ 1): outputs within a few units, both below the fee-free out.
        #expect(a.fee > 0 && b.fee > 0)
        #expect(a.amountOut < 100_000 && b.amountOut < 100_000)
        #expect(a.amountOut.distance(to: b.amountOut).magnitude < 10)
        // Y→X with mode 1 charges the input like mode 0.
        let c = try DLMM.swap(
            pair: pairIn, amount: 100_000, swapForY: false, exactIn: true, now: 0, binArray: { arrays[$0] })
        let d = try DLMM.swap(
            pair: pairOut, amount: 100_000, swapForY: false, exactIn: true, now: 0, binArray: { arrays[$0] })
        #expect(c == d)
    }
}

@Suite struct DLMMBitmapExtensionTests {
    /// Extension with bits for array indices 600 and 6655 (positive side) and −700 (negative side).
    static func ext() -> DLMM.BitmapExtension {
        var pos = [UInt64](repeating: 0, count: 96)
        var neg = [UInt64](repeating: 0, count: 96)
        // index i > 0: bitmap i/512 − 1, bit i % 512.  index i < 0: m = −(i+1), bitmap m/512 − 1, bit m % 512.
        func set(_ w: inout [UInt64], _ bitmap: Int, _ bit: Int) { w[bitmap * 8 + bit / 64] |= 1 << UInt64(bit % 64) }
        set(&pos, 600 / 512 - 1, 600 % 512)
        set(&pos, 6655 / 512 - 1, 6655 % 512)
        set(&neg, 699 / 512 - 1, 699 % 512)
        return DLMM.BitmapExtension(positive: pos, negative: neg)
    }

    @Test func bitMapping() {
        let e = Self.ext()
        #expect(e.bit(600) && e.bit(6655) && e.bit(-700))
        #expect(!e.bit(601) && !e.bit(599) && !e.bit(-699) && !e.bit(-701) && !e.bit(512) && !e.bit(-513))
        #expect(DLMM.BitmapExtension.range == (-6656, 6655))
    }

    @Test func walkCrossesIntoAndOutOfTheExtension() throws {
        let e = DLMM.ExtensionState.present(Self.ext())
        var bitmap = [UInt64](repeating: 0, count: 16)
        bitmap[8] = 1 << 5  // default bitmap: array index 5
        func next(_ forY: Bool, _ start: Int32) throws -> Int32? {
            try DLMM.nextBinArrayWithLiquidity(bitmap: bitmap, extension: e, swapForY: forY, start: start)
        }
        #expect(try next(false, 6) == 600)  // default bitmap exhausted → extension
        #expect(try next(false, 601) == 6655)
        #expect(try next(false, 6656) == nil)
        #expect(try next(true, 700) == 600)
        #expect(try next(true, 599) == 5)  // extension (positive, downward) exhausted → back to the default bitmap
        #expect(try next(true, 4) == -700)
        #expect(try next(true, -701) == nil)
        #expect(try next(false, -800) == -700)
        #expect(try next(false, -699) == 5)
        // Without the extension account the walk cannot decide; with it known absent there is no liquidity.
        #expect(throws: DLMM.SwapFailure.needsBitmapExtension(512)) {
            try DLMM.nextBinArrayWithLiquidity(bitmap: bitmap, extension: .unknown, swapForY: false, start: 6)
        }
        #expect(
            try DLMM.nextBinArrayWithLiquidity(bitmap: bitmap, extension: .absent, swapForY: false, start: 6) == nil)
    }
}
