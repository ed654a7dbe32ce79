// Orca Whirlpool integer math, transcribed in behaviour (not code) from orca-so/whirlpools @630c0e01
// programs/whirlpool/src/math/{tick_math,token_math,swap_math,bit_math}.rs. Constants are the program's.
// Every rounding direction and every error the program can raise on these paths is reproduced, because the
// upstream data-driven suites (vectors/whirlpool_swap_test_cases*.json) assert the error names too.

/// Errors of the Whirlpool program's math and swap loop; raw values are the program's `ErrorCode` names.
public enum WhirlpoolMathError: String, Error, Hashable, Sendable {
    case multiplicationShiftRightOverflow = "MultiplicationShiftRightOverflow"
    case tokenMaxExceeded = "TokenMaxExceeded"
    case tokenMinSubceeded = "TokenMinSubceeded"
    case divideByZero = "DivideByZero"
    case sqrtPriceOutOfBounds = "SqrtPriceOutOfBounds"
    case invalidTickArraySequence = "InvalidTickArraySequence"
    case tickArraySequenceInvalidIndex = "TickArraySequenceInvalidIndex"
    case zeroTradableAmount = "ZeroTradableAmount"
    case numberDownCastError = "NumberDownCastError"
    case multiplicationOverflow = "MultiplicationOverflow"
    case mulDivOverflow = "MulDivOverflow"
    case amountRemainingOverflow = "AmountRemainingOverflow"
    case amountCalcOverflow = "AmountCalcOverflow"
    case invalidSqrtPriceLimitDirection = "InvalidSqrtPriceLimitDirection"
    case partialFillError = "PartialFillError"
    case liquidityOverflow = "LiquidityOverflow"
    case liquidityUnderflow = "LiquidityUnderflow"
    case invalidTickSpacing = "InvalidTickSpacing"
    case invalidTimestamp = "InvalidTimestamp"
}

public enum WhirlpoolMath {
    public static let minTickIndex: Int32 = -443_636
    public static let maxTickIndex: Int32 = 443_636
    public static let minSqrtPrice: UInt128 = 4_295_048_016
    public static let maxSqrtPrice: UInt128 = 79_226_673_515_401_279_992_447_579_055
    public static let tickArraySize: Int32 = 88
    public static let feeRateMulValue: UInt128 = 1_000_000
    public static let protocolFeeRateMulValue: UInt128 = 10_000
    /// Pools with tick spacing at or above this are full-range only ("splash" pools).
    public static let fullRangeOnlyTickSpacingThreshold: UInt16 = 32_768

    // MARK: Tick math

    /// `sqrt_price_from_tick_index`: Q64.64 sqrt(1.0001^tick). Precise for ticks within ±443636.
    public static func sqrtPriceFromTickIndex(_ tick: Int32) -> UInt128 {
        tick >= 0 ? sqrtPricePositiveTick(tick) : sqrtPriceNegativeTick(tick)
    }

    @inline(__always) private static func mulShift96(_ a: UInt128, _ b: UInt128) -> UInt128 {
        let p = a.multipliedFullWidth(by: b)
        // (p >> 96) as u128; the program unwraps, which cannot fail for in-range ticks.
        return (p.high << 32) | (p.low >> 96)
    }

    private static let positiveFactors: [UInt128] = [
        79_236_085_330_515_764_027_303_304_731, 79_244_008_939_048_815_603_706_035_061,
        79_259_858_533_276_714_757_314_932_305, 79_291_567_232_598_584_799_939_703_904,
        79_355_022_692_464_371_645_785_046_466, 79_482_085_999_252_804_386_437_311_141,
        79_736_823_300_114_093_921_829_183_326, 80_248_749_790_819_932_309_965_073_892,
        81_282_483_887_344_747_381_513_967_011, 83_390_072_131_320_151_908_154_831_281,
        87_770_609_709_833_776_024_991_924_138, 97_234_110_755_111_693_312_479_820_773,
        119_332_217_159_966_728_226_237_229_890, 179_736_315_981_702_064_433_883_588_727,
        407_748_233_172_238_350_107_850_275_304, 2_098_478_828_474_011_932_436_660_412_517,
        55_581_415_166_113_811_149_459_800_483_533, 38_992_368_544_603_139_932_233_054_999_993_551,
    ]

    private static let negativeFactors: [UInt128] = [
        18_444_899_583_751_176_498, 18_443_055_278_223_354_162, 18_439_367_220_385_604_838,
        18_431_993_317_065_449_817, 18_417_254_355_718_160_513, 18_387_811_781_193_591_352,
        18_329_067_761_203_520_168, 18_212_142_134_806_087_854, 17_980_523_815_641_551_639,
        17_526_086_738_831_147_013, 16_651_378_430_235_024_244, 15_030_750_278_693_429_944,
        12_247_334_978_882_834_399, 8_131_365_268_884_726_200, 3_584_323_654_723_342_297,
        696_457_651_847_595_233, 26_294_789_957_452_057, 37_481_735_321_082,
    ]

    private static func sqrtPricePositiveTick(_ tick: Int32) -> UInt128 {
        var ratio: UInt128 =
            tick & 1 != 0 ? 79_232_123_823_359_799_118_286_999_567 : 79_228_162_514_264_337_593_543_950_336
        for (i, factor) in positiveFactors.enumerated() where tick & (Int32(2) << Int32(i)) != 0 {
            ratio = mulShift96(ratio, factor)
        }
        return ratio >> 32
    }

    private static func sqrtPriceNegativeTick(_ tick: Int32) -> UInt128 {
        let absTick = tick.magnitude
        var ratio: UInt128 = absTick & 1 != 0 ? 18_445_821_805_675_392_311 : 18_446_744_073_709_551_616
        for (i, factor) in negativeFactors.enumerated() where absTick & (UInt32(2) << UInt32(i)) != 0 {
            // ratio < 2^65 and factor < 2^64: the product fits in 128 bits (as in the program).
            ratio = (ratio &* factor) >> 64
        }
        return ratio
    }

    /// `tick_index_from_sqrt_price`: the largest tick whose sqrt price is <= the input (14-bit log2 precision,
    /// then an exact check against the candidate). Input must be non-zero; precise within [min, max].
    public static func tickIndexFromSqrtPrice(_ sqrtPrice: UInt128) -> Int32 {
        precondition(sqrtPrice != 0, "tickIndexFromSqrtPrice(0)")
        return log2Tick(sqrtPrice, bitPrecision: 14) { sqrtPriceFromTickIndex($0) }
    }

    /// Shared log-base-sqrt(1.0001) estimation used by Whirlpool (14 bits) and Raydium CLMM (16 bits).
    @inline(__always) static func log2Tick(
        _ sqrtPrice: UInt128, bitPrecision: Int, sqrtAt: (Int32) -> UInt128
    ) -> Int32 {
        let msb = 128 - sqrtPrice.leadingZeroBitCount - 1
        let log2pIntegerX32 = (Int128(msb) - 64) << 32
        var bit: Int128 = 0x8000_0000_0000_0000
        var precision = 0
        var log2pFractionX64: Int128 = 0
        var r: UInt128 = msb >= 64 ? sqrtPrice >> UInt128(msb - 63) : sqrtPrice << UInt128(63 - msb)
        while bit > 0 && precision < bitPrecision {
            r = r &* r
            let isMoreThanTwo = r >> 127
            r >>= 63 + isMoreThanTwo
            log2pFractionX64 += bit * Int128(isMoreThanTwo)
            bit >>= 1
            precision += 1
        }
        let log2pX32 = log2pIntegerX32 + (log2pFractionX64 >> 32)
        let logbpX64 = log2pX32 * 59_543_866_431_248
        let tickLow = Int32(truncatingIfNeeded: (logbpX64 - 184_467_440_737_095_516) >> 64)
        let tickHigh = Int32(truncatingIfNeeded: (logbpX64 + 15_793_534_762_490_258_745) >> 64)
        if tickLow == tickHigh { return tickLow }
        return sqrtAt(tickHigh) <= sqrtPrice ? tickHigh : tickLow
    }

    /// Start tick of the array holding `tick` (floor toward -inf).
    public static func tickArrayStartIndex(_ tick: Int32, tickSpacing: UInt16) -> Int32 {
        let ticksInArray = tickArraySize * Int32(tickSpacing)
        return FullMath.floorDiv(tick, ticksInArray) * ticksInArray
    }

    // MARK: Token math

    /// Result of a delta computation that may not fit in u64 (`AmountDeltaU64`).
    public enum AmountDelta: Hashable, Sendable {
        case valid(UInt64)
        case exceedsMax(WhirlpoolMathError)

        @inlinable public func lte(_ other: UInt64) -> Bool {
            if case .valid(let v) = self { return v <= other }
            return false
        }

        @inlinable public func get() throws(WhirlpoolMathError) -> UInt64 {
            switch self {
            case .valid(let v): return v
            case .exceedsMax(let e): throw e
            }
        }
    }

    /// `try_get_amount_delta_a`: liquidity * (upper - lower) / (upper * lower), in Q64.64.
    public static func tryAmountDeltaA(
        _ sqrtPrice0: UInt128, _ sqrtPrice1: UInt128, liquidity: UInt128, roundUp: Bool
    ) throws(WhirlpoolMathError) -> AmountDelta {
        let (lower, upper) = sqrtPrice0 > sqrtPrice1 ? (sqrtPrice1, sqrtPrice0) : (sqrtPrice0, sqrtPrice1)
        let diff = upper - lower
        let product = UInt256.product(liquidity, diff)
        // checked_shift_word_left: the top 64 bits must be free.
        guard product.high >> 64 == 0 else { throw .multiplicationOverflow }
        let numerator = product << 64
        // Exact floor/ceil of numerator / (upper * lower), computed as nested divisions by each factor
        // (floor(floor(n/b)/a) == floor(n/(ab)); likewise for ceil), which avoids a 256-by-256 division.
        if upper == 0 || lower == 0 {
            // The program's U256 division panics on a zero divisor; only reachable with a zero sqrt price.
            throw .divideByZero
        }
        let (q1, r1) = numerator.quotientAndRemainder(dividingBy: upper)
        let (q2, r2) = q1.quotientAndRemainder(dividingBy: lower)
        var result = q2
        if roundUp && (r1 != 0 || r2 != 0) { result = result &+ .one }
        guard let r128 = result.uint128 else { return .exceedsMax(.numberDownCastError) }
        guard let r64 = r128.uint64 else { return .exceedsMax(.tokenMaxExceeded) }
        return .valid(r64)
    }

    public static func amountDeltaA(
        _ sqrtPrice0: UInt128, _ sqrtPrice1: UInt128, liquidity: UInt128, roundUp: Bool
    ) throws(WhirlpoolMathError) -> UInt64 {
        try tryAmountDeltaA(sqrtPrice0, sqrtPrice1, liquidity: liquidity, roundUp: roundUp).get()
    }

    /// `try_get_amount_delta_b`: liquidity * (upper - lower) >> 64.
    public static func tryAmountDeltaB(
        _ sqrtPrice0: UInt128, _ sqrtPrice1: UInt128, liquidity: UInt128, roundUp: Bool
    ) -> AmountDelta {
        let (lower, upper) = sqrtPrice0 > sqrtPrice1 ? (sqrtPrice1, sqrtPrice0) : (sqrtPrice0, sqrtPrice1)
        let n1 = upper - lower
        if liquidity == 0 || n1 == 0 { return .valid(0) }
        let (p, overflow) = liquidity.multipliedReportingOverflow(by: n1)
        if overflow { return .exceedsMax(.multiplicationShiftRightOverflow) }
        let result = UInt64(truncatingIfNeeded: p >> 64)
        let shouldRound = roundUp && (p & 0xFFFF_FFFF_FFFF_FFFF) > 0
        if shouldRound && result == .max { return .exceedsMax(.multiplicationOverflow) }
        return .valid(shouldRound ? result + 1 : result)
    }

    public static func amountDeltaB(
        _ sqrtPrice0: UInt128, _ sqrtPrice1: UInt128, liquidity: UInt128, roundUp: Bool
    ) throws(WhirlpoolMathError) -> UInt64 {
        try tryAmountDeltaB(sqrtPrice0, sqrtPrice1, liquidity: liquidity, roundUp: roundUp).get()
    }

    /// `get_next_sqrt_price_from_a_round_up`.
    public static func nextSqrtPriceFromARoundUp(
        _ sqrtPrice: UInt128, liquidity: UInt128, amount: UInt64, amountSpecifiedIsInput: Bool
    ) throws(WhirlpoolMathError) -> UInt128 {
        if amount == 0 { return sqrtPrice }
        let product = UInt256.product(sqrtPrice, UInt128(amount))
        let lp = UInt256.product(liquidity, sqrtPrice)
        guard lp.high >> 64 == 0 else { throw .multiplicationOverflow }
        let numerator = lp << 64
        let liquidityShiftLeft = UInt256(liquidity) << 64
        if !amountSpecifiedIsInput && liquidityShiftLeft <= product { throw .divideByZero }
        let denominator = amountSpecifiedIsInput ? liquidityShiftLeft &+ product : liquidityShiftLeft &- product
        if denominator.isZero { throw .divideByZero }
        let (q, r) = numerator.quotientAndRemainder(dividingBy: denominator)
        let rounded = r.isZero ? q : q &+ .one
        guard let price = rounded.uint128 else { throw .numberDownCastError }
        if price < minSqrtPrice { throw .tokenMinSubceeded }
        if price > maxSqrtPrice { throw .tokenMaxExceeded }
        return price
    }

    /// `get_next_sqrt_price_from_b_round_down`.
    public static func nextSqrtPriceFromBRoundDown(
        _ sqrtPrice: UInt128, liquidity: UInt128, amount: UInt64, amountSpecifiedIsInput: Bool
    ) throws(WhirlpoolMathError) -> UInt128 {
        let amountX64 = UInt128(amount) << 64
        guard let delta = FullMath.divRoundUpIf(amountX64, liquidity, roundUp: !amountSpecifiedIsInput) else {
            throw .divideByZero
        }
        if amountSpecifiedIsInput {
            let (s, o) = sqrtPrice.addingReportingOverflow(delta)
            if o { throw .sqrtPriceOutOfBounds }
            return s
        } else {
            let (s, o) = sqrtPrice.subtractingReportingOverflow(delta)
            if o { throw .sqrtPriceOutOfBounds }
            return s
        }
    }

    /// `get_next_sqrt_price`: fixing A (input a→b, or output b→a) rounds up; fixing B rounds down.
    public static func nextSqrtPrice(
        _ sqrtPrice: UInt128, liquidity: UInt128, amount: UInt64, amountSpecifiedIsInput: Bool, aToB: Bool
    ) throws(WhirlpoolMathError) -> UInt128 {
        if amountSpecifiedIsInput == aToB {
            return try nextSqrtPriceFromARoundUp(
                sqrtPrice, liquidity: liquidity, amount: amount, amountSpecifiedIsInput: amountSpecifiedIsInput)
        } else {
            return try nextSqrtPriceFromBRoundDown(
                sqrtPrice, liquidity: liquidity, amount: amount, amountSpecifiedIsInput: amountSpecifiedIsInput)
        }
    }

    // MARK: Swap step

    public struct SwapStep: Hashable, Sendable {
        public var amountIn: UInt64
        public var amountOut: UInt64
        public var nextSqrtPrice: UInt128
        public var feeAmount: UInt64

        public init(amountIn: UInt64, amountOut: UInt64, nextSqrtPrice: UInt128, feeAmount: UInt64) {
            self.amountIn = amountIn
            self.amountOut = amountOut
            self.nextSqrtPrice = nextSqrtPrice
            self.feeAmount = feeAmount
        }
    }

    private static func tryFixedDelta(
        _ cur: UInt128, _ target: UInt128, _ liquidity: UInt128, _ isInput: Bool, _ aToB: Bool
    ) throws(WhirlpoolMathError) -> AmountDelta {
        aToB == isInput
            ? try tryAmountDeltaA(cur, target, liquidity: liquidity, roundUp: isInput)
            : tryAmountDeltaB(cur, target, liquidity: liquidity, roundUp: isInput)
    }

    private static func unfixedDelta(
        _ cur: UInt128, _ target: UInt128, _ liquidity: UInt128, _ isInput: Bool, _ aToB: Bool
    ) throws(WhirlpoolMathError) -> UInt64 {
        aToB == isInput
            ? try amountDeltaB(cur, target, liquidity: liquidity, roundUp: !isInput)
            : try amountDeltaA(cur, target, liquidity: liquidity, roundUp: !isInput)
    }

    /// `compute_swap`: one step of the swap loop between the current and the target sqrt price.
    /// `feeRate` is in hundredths of a basis point (1e-6).
    public static func computeSwap(
        amountRemaining: UInt64, feeRate: UInt32, liquidity: UInt128, sqrtPriceCurrent: UInt128,
        sqrtPriceTarget: UInt128, amountSpecifiedIsInput: Bool, aToB: Bool
    ) throws(WhirlpoolMathError) -> SwapStep {
        let initialFixed = try tryFixedDelta(
            sqrtPriceCurrent, sqrtPriceTarget, liquidity, amountSpecifiedIsInput, aToB)

        var amountCalc = amountRemaining
        if amountSpecifiedIsInput {
            guard feeRateMulValue >= UInt128(feeRate),
                let v = FullMath.mulDiv(
                    UInt128(amountRemaining), feeRateMulValue - UInt128(feeRate), feeRateMulValue, roundUp: false)
            else { throw .mulDivOverflow }
            guard let v64 = v.uint64 else { throw .numberDownCastError }
            amountCalc = v64
        }

        let nextSqrtPrice =
            initialFixed.lte(amountCalc)
            ? sqrtPriceTarget
            : try self.nextSqrtPrice(
                sqrtPriceCurrent, liquidity: liquidity, amount: amountCalc,
                amountSpecifiedIsInput: amountSpecifiedIsInput, aToB: aToB)

        let isMaxSwap = nextSqrtPrice == sqrtPriceTarget
        let amountUnfixed = try unfixedDelta(
            sqrtPriceCurrent, nextSqrtPrice, liquidity, amountSpecifiedIsInput, aToB)

        let amountFixed: UInt64
        switch initialFixed {
        case .valid(let v) where isMaxSwap:
            amountFixed = v
        default:
            amountFixed = try tryFixedDelta(
                sqrtPriceCurrent, nextSqrtPrice, liquidity, amountSpecifiedIsInput, aToB
            ).get()
        }

        let amountIn = amountSpecifiedIsInput ? amountFixed : amountUnfixed
        var amountOut = amountSpecifiedIsInput ? amountUnfixed : amountFixed
        if !amountSpecifiedIsInput && amountOut > amountRemaining { amountOut = amountRemaining }

        let feeAmount: UInt64
        if amountSpecifiedIsInput && !isMaxSwap {
            // The program computes `amount_remaining - amount_in` unchecked; amount_in <= amount_calc here.
            guard amountRemaining >= amountIn else { throw .amountRemainingOverflow }
            feeAmount = amountRemaining - amountIn
        } else {
            guard feeRateMulValue > UInt128(feeRate),
                let f = FullMath.mulDiv(
                    UInt128(amountIn), UInt128(feeRate), feeRateMulValue - UInt128(feeRate), roundUp: true)
            else { throw .mulDivOverflow }
            guard let f64 = f.uint64 else { throw .numberDownCastError }
            feeAmount = f64
        }
        return SwapStep(amountIn: amountIn, amountOut: amountOut, nextSqrtPrice: nextSqrtPrice, feeAmount: feeAmount)
    }

    /// `add_liquidity_delta`.
    public static func addLiquidityDelta(_ liquidity: UInt128, _ delta: Int128) throws(WhirlpoolMathError) -> UInt128 {
        if delta == 0 { return liquidity }
        if delta > 0 {
            let (s, o) = liquidity.addingReportingOverflow(UInt128(delta))
            if o { throw .liquidityOverflow }
            return s
        }
        let (s, o) = liquidity.subtractingReportingOverflow(delta.magnitude)
        if o { throw .liquidityUnderflow }
        return s
    }
}
