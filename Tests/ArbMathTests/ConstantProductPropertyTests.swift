import PropertyBased
import Testing

@testable import ArbMath

/// x·y never decreases across a swap: (rIn + inNet)·(rOut − out) ≥ rIn·rOut (256-bit compare).
func kNonDecreasing(rIn: UInt64, rOut: UInt64, inNet: UInt64, out: UInt64) -> Bool {
    let before = UInt128(rIn).multipliedFullWidth(by: UInt128(rOut))
    let after = (UInt128(rIn) + UInt128(inNet)).multipliedFullWidth(by: UInt128(rOut - out))
    return after.high > before.high || (after.high == before.high && after.low >= before.low)
}

@Suite struct ConstantProductPropertyTests {
    static let fees = RaydiumAMMv4Math.Fees(numerator: 25, denominator: 10_000)

    @Test func mulDivMatchesNarrowArithmetic() async {
        await propertyCheck(count: cpPropertyCount, input: Gen.uint64(), Gen.uint64(), Gen.uint64(in: 1...UInt64.max)) {
            x, y, d in
            let p = UInt128(x) * UInt128(y)
            let down = FullWidth.mulDiv(UInt128(x), UInt128(y), UInt128(d), .down)
            let up = FullWidth.mulDiv(UInt128(x), UInt128(y), UInt128(d), .up)
            #expect(down == p / UInt128(d))
            #expect(up == p / UInt128(d) + (p % UInt128(d) == 0 ? 0 : 1))
        }
        #expect(FullWidth.mulDiv(.max, .max, 1, .down) == nil)
        #expect(FullWidth.mulDiv(.max, 2, 2, .down) == .max)
        #expect(FullWidth.mulDiv(1, 1, 0, .down) == nil)
    }

    @Test func ammV4ExactInProperties() async {
        await propertyCheck(
            input: Gen.uint64(in: 1...1 << 50), Gen.uint64(in: 1_000...1 << 60), Gen.uint64(in: 1_000...1 << 60)
        ) { amount, rIn, rOut in
            guard
                let r = RaydiumAMMv4Math.swapBaseIn(amountIn: amount, reserveIn: rIn, reserveOut: rOut, fees: Self.fees)
            else { return }
            #expect(r.amountOut > 0 && r.amountOut < rOut)
            #expect(r.fee <= amount && r.fee >= (amount * 25 + 9_999) / 10_000)
            #expect(kNonDecreasing(rIn: rIn, rOut: rOut, inNet: amount - r.fee, out: r.amountOut))
            // Monotonic: one more unit in never gives less out.
            if let r2 = RaydiumAMMv4Math.swapBaseIn(
                amountIn: amount + 1, reserveIn: rIn, reserveOut: rOut, fees: Self.fees)
            {
                #expect(r2.amountOut >= r.amountOut)
            }
            // Exact-out for the same output costs no more than we paid.
            if let back = RaydiumAMMv4Math.swapBaseOut(
                amountOut: r.amountOut, reserveIn: rIn, reserveOut: rOut, fees: Self.fees)
            {
                #expect(back.amountIn <= amount)
                let again = RaydiumAMMv4Math.swapBaseIn(
                    amountIn: back.amountIn, reserveIn: rIn, reserveOut: rOut, fees: Self.fees)
                #expect((again?.amountOut ?? 0) >= r.amountOut)
            }
        }
    }

    @Test func ammV4LegacyCeilDivOnlyDiffersBelow400() {
        // 1 unit: the whole input is fee (or the output rounds to 0) → rejected, as the program does.
        #expect(
            RaydiumAMMv4Math.swapBaseIn(amountIn: 1, reserveIn: 1 << 40, reserveOut: 1 << 40, fees: Self.fees) == nil)
        for a: UInt64 in [199, 200, 399, 400, 10_000] {
            let plain = RaydiumAMMv4Math.swapBaseIn(
                amountIn: a, reserveIn: 1 << 40, reserveOut: 1 << 40, fees: Self.fees)
            let legacy = RaydiumAMMv4Math.swapBaseIn(
                amountIn: a, reserveIn: 1 << 40, reserveOut: 1 << 40, fees: Self.fees, ceilDiv: .legacySplTokenSwap)
            #expect(plain?.fee == (a * 25 + 9_999) / 10_000)
            #expect(legacy?.fee == (a < 200 ? 0 : a < 400 ? 1 : (a * 25 + 9_999) / 10_000))
        }
    }

    @Test func cpmmExactInProperties() async {
        await propertyCheck(
            input: Gen.uint64(in: 1...1 << 48), Gen.uint64(in: 1...1 << 56), Gen.uint64(in: 1...1 << 56),
            Gen.uint64(in: 0...100_000), Gen.uint64(in: 0...50_000), Gen.bool
        ) { amount, rIn, rOut, trade, creator, onInput in
            let rates = RaydiumCPMMMath.Rates(trade: trade, protocolRate: 120_000, fund: 40_000, creator: creator)
            guard
                let r = RaydiumCPMMMath.swapBaseInput(
                    amountIn: amount, reserveIn: rIn, reserveOut: rOut, rates: rates, creatorFeeOnInput: onInput)
            else { return }
            #expect(r.outputAmount < rOut || rOut == 0)
            #expect(r.protocolFee + r.fundFee <= r.tradeFee)
            let inputFees = r.tradeFee + (onInput ? r.creatorFee : 0)
            #expect(inputFees <= amount)
            #expect(
                kNonDecreasing(
                    rIn: rIn, rOut: rOut, inNet: amount - inputFees, out: r.outputAmount + (onInput ? 0 : r.creatorFee))
            )
            if let r2 = RaydiumCPMMMath.swapBaseInput(
                amountIn: amount + 1, reserveIn: rIn, reserveOut: rOut, rates: rates, creatorFeeOnInput: onInput)
            {
                #expect(r2.outputAmount >= r.outputAmount)
            }
            if r.outputAmount > 0,
                let back = RaydiumCPMMMath.swapBaseOutput(
                    amountOut: r.outputAmount, reserveIn: rIn, reserveOut: rOut, rates: rates,
                    creatorFeeOnInput: onInput)
            {
                #expect(back.inputAmount <= amount)
            }
        }
    }

    /// A zero combined trade+creator rate with the creator fee on input divides by zero upstream (None): rejected.
    @Test func cpmmZeroRatesCreatorOnInputIsRejectedLikeUpstream() {
        let zero = RaydiumCPMMMath.Rates(trade: 0, protocolRate: 0, fund: 0, creator: 0)
        #expect(
            RaydiumCPMMMath.swapBaseInput(
                amountIn: 10, reserveIn: 100, reserveOut: 100, rates: zero, creatorFeeOnInput: true) == nil)
        #expect(
            RaydiumCPMMMath.swapBaseInput(
                amountIn: 10, reserveIn: 100, reserveOut: 100, rates: zero, creatorFeeOnInput: false)?.outputAmount == 9
        )
    }
}
