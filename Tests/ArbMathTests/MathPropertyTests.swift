import ArbMath
import PropertyBased
import Testing

/// Property tests for the integer math: wide arithmetic against its definition, rounding directions, tick-math
/// monotonicity, transfer-fee inverses, and a differential check between the two CL programs' swap steps.
struct MathPropertyTests {
    @Test func uint256DivisionReconstructs() async {
        await propertyCheck(count: 2000, input: Gen.uint128(), Gen.uint128(), Gen.uint128(in: 1...UInt128.max)) {
            a, b, d in
            let p = UInt256.product(a, b)
            let (q, r) = p.quotientAndRemainder(dividingBy: d)
            #expect(r < d)
            let (back, overflow) = q.multipliedReportingOverflow(by: d)
            #expect(!overflow)
            #expect(back &+ UInt256(r) == p)
            // The wide (256-bit divisor) path agrees with the 128-bit fast path.
            let (q2, r2) = p.quotientAndRemainder(dividingBy: UInt256(d))
            #expect(q2 == q && r2 == UInt256(r))
        }
    }

    /// All three division paths (dividend < 2^128, one-limb divisor, two-limb divisor) against the definition.
    @Test func uint256DivisionByEveryDivisorSize() async {
        await propertyCheck(
            count: 3000, input: Gen.uint128(), Gen.uint128(), Gen.uint128(in: 1...UInt128.max), Gen.int(in: 0...127)
        ) { hi, lo, d0, shift in
            let d = max(d0 >> UInt128(shift), 1)
            for n in [UInt256(high: hi, low: lo), UInt256(lo), UInt256(high: hi >> 64, low: lo)] {
                let (q, r) = n.quotientAndRemainder(dividingBy: d)
                #expect(r < d)
                let (back, overflow) = q.multipliedReportingOverflow(by: d)
                #expect(!overflow)
                #expect(back &+ UInt256(r) == n, "\(n) / \(d)")
            }
        }
    }

    @Test func uint256WideDivisorReconstructs() async {
        await propertyCheck(
            count: 1000, input: Gen.uint128(), Gen.uint128(), Gen.uint128(in: 1...UInt128.max), Gen.uint128()
        ) {
            hi, lo, dh, dl in
            let n = UInt256(high: hi, low: lo)
            let d = UInt256(high: dh, low: dl)
            let (q, r) = n.quotientAndRemainder(dividingBy: d)
            #expect(r < d)
            // q < 2^128 because d >= 2^128.
            let qd = UInt256.product(q.low, d.low) &+ (UInt256(q.low.multipliedFullWidth(by: d.high).low) << 128)
            #expect(q.high == 0)
            #expect(qd &+ r == n)
        }
    }

    /// Divisors whose top 128 bits are all ones (the estimate cannot round them up) and other edges.
    @Test func uint256WideDivisorEdges() {
        for shift in [1, 5, 64, 100, 127] {
            let d = UInt256(UInt128.max) << shift
            for n in [UInt256.max, d, d &+ .one, d &- .one, UInt256.max &- d] {
                let (q, r) = n.quotientAndRemainder(dividingBy: d)
                #expect(r < d)
                #expect(q.high == 0)
                let (back, overflow) = d.multipliedReportingOverflow(by: q.low)
                #expect(!overflow && back &+ r == n)
            }
        }
    }

    @Test func mulDivRounding() async {
        await propertyCheck(count: 2000, input: Gen.uint128(), Gen.uint128(), Gen.uint128(in: 1...UInt128.max)) {
            a, b, d in
            let floor = FullMath.mulDiv(a, b, d, roundUp: false)
            let ceil = FullMath.mulDiv(a, b, d, roundUp: true)
            let wide = WideMath.mulDiv(UInt256(a), UInt256(b), UInt256(d), roundUp: false)
            if let floor {
                #expect(wide == UInt256(floor))
                if let ceil { #expect(ceil == floor || ceil == floor + 1) }
            } else {
                #expect(wide == nil || wide!.high != 0)
            }
        }
    }

    @Test func tickMathIsMonotonic() async {
        await propertyCheck(count: 2000, input: Gen.int32(in: -443_636...443_635)) { t in
            #expect(WhirlpoolMath.sqrtPriceFromTickIndex(t) < WhirlpoolMath.sqrtPriceFromTickIndex(t + 1))
            let c0 = try ClmmMath.sqrtPriceAtTick(t)
            let c1 = try ClmmMath.sqrtPriceAtTick(t + 1)
            #expect(c0 < c1)
            // Any price inside [sqrt(t), sqrt(t+1)) maps back to t.
            #expect(WhirlpoolMath.tickIndexFromSqrtPrice(WhirlpoolMath.sqrtPriceFromTickIndex(t + 1) - 1) == t)
            #expect(try ClmmMath.tickAtSqrtPrice(c1 - 1) == t)
        }
    }

    @Test func transferFeeInverse() async {
        await propertyCheck(
            count: 2000, input: Gen.uint64(), Gen.uint16(in: 0...10_000), Gen.uint64(in: 0...1_000_000_000)
        ) {
            post, bps, maxFee in
            let fee = TransferFee(maximumFee: maxFee, basisPoints: bps)
            guard let pre = fee.calculatePreFeeAmount(post) else { return }
            let f = try #require(fee.calculateFee(pre))
            #expect(f <= maxFee)
            // Sending `pre` delivers at least `post`.
            #expect(pre - f >= post)
            // The programs' gross-up delivers exactly `post` whenever it verifies.
            if let inc = fee.includedAmount(forExcluded: post) { #expect(fee.calculatePostFeeAmount(inc) == post) }
        }
    }

    /// Whirlpool `compute_swap` and Raydium CLMM `compute_swap` (fee on input) are written independently but
    /// implement the same rounding; wherever both succeed they must agree exactly.
    @Test func whirlpoolAndClmmSwapStepsAgree() async {
        await propertyCheck(
            count: 3000, input: Gen.int32(in: -400_000...400_000), Gen.int32(in: 1...20_000),
            Gen.uint128(in: 1...(UInt128(1) << 100)),
            Gen.uint64(), Gen.uint32(in: 0...100_000), Gen.bool, Gen.bool
        ) { tick, width, liquidity, amount, fee, exactIn, aToB in
            let current = WhirlpoolMath.sqrtPriceFromTickIndex(tick)
            let targetTick = aToB ? max(tick - width, -443_636) : min(tick + width, 443_636)
            let target = WhirlpoolMath.sqrtPriceFromTickIndex(targetTick)
            guard amount > 0, target != current else { return }
            let w = try? WhirlpoolMath.computeSwap(
                amountRemaining: amount, feeRate: fee, liquidity: liquidity, sqrtPriceCurrent: current,
                sqrtPriceTarget: target, amountSpecifiedIsInput: exactIn, aToB: aToB)
            let c = try? ClmmMath.computeSwapStep(
                sqrtPriceCurrent: current, sqrtPriceTarget: target, liquidity: liquidity, amountRemaining: amount,
                feeRate: fee, isBaseInput: exactIn, zeroForOne: aToB)
            guard let w, let c else { return }
            #expect(w.amountIn == c.amountIn && w.amountOut == c.amountOut, "tick \(tick)")
            #expect(w.nextSqrtPrice == c.sqrtPriceNext && w.feeAmount == c.feeAmount)
            // Rounding always favours the pool.
            if exactIn { #expect(w.amountIn + w.feeAmount <= amount) } else { #expect(w.amountOut <= amount) }
        }
    }
}
