// Raydium CLMM integer math, reproduced in behaviour from raydium-io/raydium-clmm programs/amm/src/libraries/
// {tick_math,sqrt_price_math,liquidity_math,swap_math}.rs (pre-2026 semantics @e358bedf; the 2026 HEAD @03b44b7
// computes the same values for fee-on-input pools). NOT the same as Whirlpool: different max sqrt price,
// different sqrt-price-from-tick constants and 16-bit log precision.

/// Errors of the CLMM program's math and swap loop; raw values are the program's `ErrorCode` names.
public enum ClmmMathError: String, Error, Hashable, Sendable {
    case tickUpperOverflow = "TickUpperOverflow"
    case sqrtPriceX64 = "SqrtPriceX64"
    case zeroLiquidity = "ZeroLiquidity"
    case zeroSqrtPrice = "ZeroSqrtPrice"
    case calculateOverflow = "CalculateOverflow"
    case maxTokenOverflow = "MaxTokenOverflow"
    case liquiditySubValueErr = "LiquiditySubValueErr"
    case liquidityAddValueErr = "LiquidityAddValueErr"
    case zeroAmountSpecified = "ZeroAmountSpecified"
    case notApproved = "NotApproved"
    case sqrtPriceLimitOverflow = "SqrtPriceLimitOverflow"
    case liquidityInsufficient = "LiquidityInsufficient"
    case insufficientLiquidityForDirection = "InsufficientLiquidityForDirection"
    case notEnoughTickArrayAccount = "NotEnoughTickArrayAccount"
    case invalidTickArray = "InvalidTickArray"
    case invalidTickIndex = "InvalidTickIndex"
    case invalidTickArrayBoundary = "InvalidTickArrayBoundary"
    case missingTickArrayBitmapExtensionAccount = "MissingTickArrayBitmapExtensionAccount"
    case requireViolated = "RequireViolated"
    case tooSmallInputOrOutputAmount = "TooSmallInputOrOutputAmount"
    /// The step reached a tick holding limit orders (2026 program feature) — not modelled, refuse.
    case limitOrdersUnsupported = "LimitOrdersUnsupported"
}

public enum ClmmMath {
    public static let minTick: Int32 = -443_636
    public static let maxTick: Int32 = 443_636
    public static let minSqrtPrice: UInt128 = 4_295_048_016
    public static let maxSqrtPrice: UInt128 = 79_226_673_521_066_979_257_578_248_091
    public static let feeRateDenominator: UInt32 = 1_000_000
    public static let tickArraySize: Int32 = 60

    // MARK: Tick math

    private static let factors: [UInt64] = [
        0xfff9_7272_373d_4000, 0xfff2_e50f_5f65_7000, 0xffe5_caca_7e10_f000, 0xffcb_9843_d60f_7000,
        0xff97_3b41_fa98_e800, 0xff2e_a164_66c9_b000, 0xfe5d_ee04_6a9a_3800, 0xfcbe_86c7_900b_b000,
        0xf987_a725_3ac6_5800, 0xf339_2b08_22bb_6000, 0xe715_9475_a2ca_f000, 0xd097_f3bd_fd2f_2000,
        0xa9f7_4646_2d9f_8000, 0x70d8_69a1_56f3_1c00, 0x31be_135f_97ed_3200, 0x09aa_508b_5b85_a500,
        0x005d_6af8_dedc_582c, 0x0000_2216_e584_f5fa,
    ]

    /// `get_sqrt_price_at_tick`.
    public static func sqrtPriceAtTick(_ tick: Int32) throws(ClmmMathError) -> UInt128 {
        guard tick >= minTick && tick <= maxTick else { throw .tickUpperOverflow }
        let absTick = tick.magnitude
        var ratio: UInt128 = absTick & 1 != 0 ? 0xfffc_b933_bd6f_b800 : UInt128(1) << 64
        for (i, f) in factors.enumerated() where absTick & (UInt32(2) << UInt32(i)) != 0 {
            ratio = (ratio &* UInt128(f)) >> 64
        }
        if tick > 0 { ratio = UInt128.max / ratio }
        return ratio
    }

    /// `get_tick_at_sqrt_price`: the largest tick whose sqrt price is <= the input; input in [MIN, MAX).
    public static func tickAtSqrtPrice(_ sqrtPrice: UInt128) throws(ClmmMathError) -> Int32 {
        guard sqrtPrice >= minSqrtPrice && sqrtPrice < maxSqrtPrice else { throw .sqrtPriceX64 }
        return WhirlpoolMath.log2Tick(sqrtPrice, bitPrecision: 16) { t in
            // tickHigh is always within range for in-range prices; an out-of-range candidate cannot be <= input.
            (try? sqrtPriceAtTick(t)) ?? .max
        }
    }

    public static func tickArrayStartIndex(_ tick: Int32, tickSpacing: UInt16) -> Int32 {
        let ticksInArray = tickArraySize * Int32(tickSpacing)
        return FullMath.floorDiv(tick, ticksInArray) * ticksInArray
    }

    // MARK: Liquidity math

    /// `add_delta`.
    public static func addDelta(_ x: UInt128, _ y: Int128) throws(ClmmMathError) -> UInt128 {
        if y < 0 {
            let (z, o) = x.subtractingReportingOverflow(y.magnitude)
            if o || !(x > z) { throw .liquiditySubValueErr }
            return z
        }
        let (z, o) = x.addingReportingOverflow(y.magnitude)
        if o { throw .liquidityAddValueErr }
        return z
    }

    /// ceil or floor of `x * 2^64 / (a * b)` for `x` < 2^256, `0 < a <= b`, where `x = L * (b - a)` so that
    /// `x / b < L < 2^128`. Exact, via nested division by each factor.
    static func shl64DivProduct(_ x: UInt256, _ a: UInt128, _ b: UInt128, roundUp: Bool) -> UInt256 {
        let (q1, r1) = x.quotientAndRemainder(dividingBy: b)
        // x * 2^64 / b = q1 * 2^64 + (r1 * 2^64) / b; r1 < b < 2^128, q1 < 2^128.
        let (q1b, r1b) = (UInt256(r1) << 64).quotientAndRemainder(dividingBy: b)
        let y = (q1 << 64) &+ q1b
        let (q2, r2) = y.quotientAndRemainder(dividingBy: a)
        return roundUp && (r1b != 0 || r2 != 0) ? q2 &+ .one : q2
    }

    /// `get_delta_amount_0_unsigned`: L * (b - a) / (a * b) in Q64.64.
    public static func deltaAmount0(
        _ sqrtA: UInt128, _ sqrtB: UInt128, liquidity: UInt128, roundUp: Bool
    ) throws(ClmmMathError) -> UInt64 {
        let (a, b) = sqrtA > sqrtB ? (sqrtB, sqrtA) : (sqrtA, sqrtB)
        guard a > 0 else { throw .zeroSqrtPrice }
        let r = shl64DivProduct(UInt256.product(liquidity, b - a), a, b, roundUp: roundUp)
        guard let v = r.uint128?.uint64 else { throw .maxTokenOverflow }
        return v
    }

    /// `get_delta_amount_1_unsigned`: L * (b - a) / 2^64.
    public static func deltaAmount1(
        _ sqrtA: UInt128, _ sqrtB: UInt128, liquidity: UInt128, roundUp: Bool
    ) throws(ClmmMathError) -> UInt64 {
        let (a, b) = sqrtA > sqrtB ? (sqrtB, sqrtA) : (sqrtA, sqrtB)
        let p = UInt256.product(liquidity, b - a)
        var r = p >> 64
        if roundUp && p.low & 0xFFFF_FFFF_FFFF_FFFF != 0 { r = r &+ .one }
        guard let v = r.uint128?.uint64 else { throw .maxTokenOverflow }
        return v
    }

    /// `get_delta_amounts_for_swap`: (amount in rounded up, amount out rounded down) between two prices.
    public static func deltaAmountsForSwap(
        _ sqrtA: UInt128, _ sqrtB: UInt128, liquidity: UInt128, zeroForOne: Bool
    ) throws(ClmmMathError) -> (amountIn: UInt64, amountOut: UInt64) {
        let (a, b) = sqrtA > sqrtB ? (sqrtB, sqrtA) : (sqrtA, sqrtB)
        guard a > 0 else { throw .zeroSqrtPrice }
        let amount1X64 = UInt256.product(liquidity, b - a)
        let amountIn: UInt256
        let amountOut: UInt256
        if zeroForOne {
            amountIn = shl64DivProduct(amount1X64, a, b, roundUp: true)
            amountOut = amount1X64 >> 64
        } else {
            let (s, o) = amount1X64.addingReportingOverflow(UInt256(UInt64.max))
            if o { throw .calculateOverflow }
            amountIn = s >> 64
            amountOut = shl64DivProduct(amount1X64, a, b, roundUp: false)
        }
        guard let i = amountIn.uint128?.uint64, let o = amountOut.uint128?.uint64 else { throw .maxTokenOverflow }
        return (i, o)
    }

    // MARK: Sqrt price math

    /// `get_next_sqrt_price_from_amount_0_rounding_up`.
    public static func nextSqrtPriceFromAmount0RoundingUp(
        _ sqrtPrice: UInt128, liquidity: UInt128, amount: UInt64, add: Bool
    ) throws(ClmmMathError) -> UInt128 {
        if amount == 0 { return sqrtPrice }
        let numerator1 = UInt256(liquidity) << 64
        // amount * sqrt_price < 2^192: never overflows U256.
        let product = UInt256.product(UInt128(amount), sqrtPrice)
        let denominator: UInt256
        if add {
            denominator = numerator1 &+ product
        } else {
            let (d, o) = numerator1.subtractingReportingOverflow(product)
            if o { throw .calculateOverflow }
            denominator = d
        }
        guard let r = WideMath.mulDiv(numerator1, UInt256(sqrtPrice), denominator, roundUp: true),
            let v = r.uint128
        else { throw .calculateOverflow }
        return v
    }

    /// `get_next_sqrt_price_from_amount_1_rounding_down`.
    public static func nextSqrtPriceFromAmount1RoundingDown(
        _ sqrtPrice: UInt128, liquidity: UInt128, amount: UInt64, add: Bool
    ) throws(ClmmMathError) -> UInt128 {
        if amount == 0 { return sqrtPrice }
        guard liquidity > 0 else { throw .zeroLiquidity }
        let shifted = UInt128(amount) << 64
        if add {
            let (s, o) = sqrtPrice.addingReportingOverflow(shifted / liquidity)
            if o { throw .calculateOverflow }
            return s
        }
        let q = shifted / liquidity + (shifted % liquidity != 0 ? 1 : 0)
        let (s, o) = sqrtPrice.subtractingReportingOverflow(q)
        if o { throw .calculateOverflow }
        return s
    }

    public static func nextSqrtPriceFromInput(
        _ sqrtPrice: UInt128, liquidity: UInt128, amountIn: UInt64, zeroForOne: Bool
    ) throws(ClmmMathError) -> UInt128 {
        guard sqrtPrice >= minSqrtPrice && sqrtPrice < maxSqrtPrice else { throw .sqrtPriceX64 }
        guard liquidity > 0 else { throw .zeroLiquidity }
        return zeroForOne
            ? try nextSqrtPriceFromAmount0RoundingUp(sqrtPrice, liquidity: liquidity, amount: amountIn, add: true)
            : try nextSqrtPriceFromAmount1RoundingDown(sqrtPrice, liquidity: liquidity, amount: amountIn, add: true)
    }

    public static func nextSqrtPriceFromOutput(
        _ sqrtPrice: UInt128, liquidity: UInt128, amountOut: UInt64, zeroForOne: Bool
    ) throws(ClmmMathError) -> UInt128 {
        guard sqrtPrice >= minSqrtPrice && sqrtPrice < maxSqrtPrice else { throw .sqrtPriceX64 }
        guard liquidity > 0 else { throw .zeroLiquidity }
        return zeroForOne
            ? try nextSqrtPriceFromAmount1RoundingDown(sqrtPrice, liquidity: liquidity, amount: amountOut, add: false)
            : try nextSqrtPriceFromAmount0RoundingUp(sqrtPrice, liquidity: liquidity, amount: amountOut, add: false)
    }

    // MARK: Swap step

    public struct SwapStep: Hashable, Sendable {
        public var sqrtPriceNext: UInt128
        public var amountIn: UInt64
        public var amountOut: UInt64
        public var feeAmount: UInt64
    }

    @inline(__always) static func mulDivFloor64(_ a: UInt64, _ b: UInt64, _ d: UInt64) throws(ClmmMathError) -> UInt64 {
        guard let v = FullMath.mulDiv(a, b, d, roundUp: false) else { throw .calculateOverflow }
        return v
    }

    @inline(__always) static func mulDivCeil64(_ a: UInt64, _ b: UInt64, _ d: UInt64) throws(ClmmMathError) -> UInt64 {
        guard let v = FullMath.mulDiv(a, b, d, roundUp: true) else { throw .calculateOverflow }
        return v
    }

    /// `compute_swap` with the fee taken from the input (every pool whose `fee_on` is 0, i.e. all pre-2026 pools).
    public static func computeSwapStep(
        sqrtPriceCurrent: UInt128, sqrtPriceTarget: UInt128, liquidity: UInt128, amountRemaining: UInt64,
        feeRate: UInt32, isBaseInput: Bool, zeroForOne: Bool
    ) throws(ClmmMathError) -> SwapStep {
        guard feeRate < feeRateDenominator else { throw .calculateOverflow }
        let denom = UInt64(feeRateDenominator)
        let amountForPriceCalc =
            isBaseInput ? try mulDivFloor64(amountRemaining, denom - UInt64(feeRate), denom) : amountRemaining

        var reachable: (UInt64, UInt64)?
        do {
            let (inAtTarget, outAtTarget) = try deltaAmountsForSwap(
                sqrtPriceTarget, sqrtPriceCurrent, liquidity: liquidity, zeroForOne: zeroForOne)
            let userLimit = isBaseInput ? inAtTarget : outAtTarget
            if amountForPriceCalc >= userLimit { reachable = (inAtTarget, outAtTarget) }
        } catch .maxTokenOverflow {
            reachable = nil
        }

        var step = SwapStep(sqrtPriceNext: sqrtPriceTarget, amountIn: 0, amountOut: 0, feeAmount: 0)
        if let (i, o) = reachable {
            step.amountIn = i
            step.amountOut = o
        } else {
            let next =
                isBaseInput
                ? try nextSqrtPriceFromInput(
                    sqrtPriceCurrent, liquidity: liquidity, amountIn: amountForPriceCalc, zeroForOne: zeroForOne)
                : try nextSqrtPriceFromOutput(
                    sqrtPriceCurrent, liquidity: liquidity, amountOut: amountForPriceCalc, zeroForOne: zeroForOne)
            step.sqrtPriceNext = next
            let (i, o) = try deltaAmountsForSwap(next, sqrtPriceCurrent, liquidity: liquidity, zeroForOne: zeroForOne)
            step.amountIn = i
            step.amountOut = o
        }
        if zeroForOne {
            guard step.sqrtPriceNext >= sqrtPriceTarget else { throw .requireViolated }
        } else {
            guard sqrtPriceTarget >= step.sqrtPriceNext else { throw .requireViolated }
        }
        if isBaseInput {
            if step.sqrtPriceNext != sqrtPriceTarget {
                guard amountRemaining >= step.amountIn else { throw .calculateOverflow }
                step.feeAmount = amountRemaining - step.amountIn
            } else {
                step.feeAmount = try mulDivCeil64(step.amountIn, UInt64(feeRate), denom - UInt64(feeRate))
            }
        } else {
            step.amountOut = min(step.amountOut, amountRemaining)
            step.feeAmount = try mulDivCeil64(step.amountIn, UInt64(feeRate), denom - UInt64(feeRate))
        }
        return step
    }
}
