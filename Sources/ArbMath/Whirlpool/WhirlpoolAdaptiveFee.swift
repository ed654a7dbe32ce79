// Whirlpool adaptive fee (orca-so/whirlpools @630c0e01 programs/whirlpool/src/manager/fee_rate_manager.rs and
// state/oracle.rs): a volatility accumulator per tick group raises the fee above the static rate.

public struct WhirlpoolAdaptiveFeeConstants: Hashable, Sendable {
    public var filterPeriod: UInt16
    public var decayPeriod: UInt16
    public var reductionFactor: UInt16
    public var adaptiveFeeControlFactor: UInt32
    public var maxVolatilityAccumulator: UInt32
    public var tickGroupSize: UInt16
    public var majorSwapThresholdTicks: UInt16

    public init(
        filterPeriod: UInt16, decayPeriod: UInt16, reductionFactor: UInt16, adaptiveFeeControlFactor: UInt32,
        maxVolatilityAccumulator: UInt32, tickGroupSize: UInt16, majorSwapThresholdTicks: UInt16
    ) {
        self.filterPeriod = filterPeriod
        self.decayPeriod = decayPeriod
        self.reductionFactor = reductionFactor
        self.adaptiveFeeControlFactor = adaptiveFeeControlFactor
        self.maxVolatilityAccumulator = maxVolatilityAccumulator
        self.tickGroupSize = tickGroupSize
        self.majorSwapThresholdTicks = majorSwapThresholdTicks
    }
}

public struct WhirlpoolAdaptiveFeeVariables: Hashable, Sendable {
    public var lastReferenceUpdateTimestamp: UInt64
    public var lastMajorSwapTimestamp: UInt64
    public var volatilityReference: UInt32
    public var tickGroupIndexReference: Int32
    public var volatilityAccumulator: UInt32

    public init(
        lastReferenceUpdateTimestamp: UInt64, lastMajorSwapTimestamp: UInt64, volatilityReference: UInt32,
        tickGroupIndexReference: Int32, volatilityAccumulator: UInt32
    ) {
        self.lastReferenceUpdateTimestamp = lastReferenceUpdateTimestamp
        self.lastMajorSwapTimestamp = lastMajorSwapTimestamp
        self.volatilityReference = volatilityReference
        self.tickGroupIndexReference = tickGroupIndexReference
        self.volatilityAccumulator = volatilityAccumulator
    }

    static let scale: UInt64 = 10_000  // VOLATILITY_ACCUMULATOR_SCALE_FACTOR
    static let maxReferenceAge: UInt64 = 3_600

    mutating func updateVolatilityAccumulator(_ tickGroupIndex: Int32, _ c: WhirlpoolAdaptiveFeeConstants) {
        let delta = UInt64((Int64(tickGroupIndexReference) - Int64(tickGroupIndex)).magnitude)
        let acc = UInt64(volatilityReference) + delta * Self.scale
        volatilityAccumulator = UInt32(min(acc, UInt64(c.maxVolatilityAccumulator)))
    }

    mutating func updateReference(_ tickGroupIndex: Int32, _ now: UInt64, _ c: WhirlpoolAdaptiveFeeConstants)
        throws(WhirlpoolMathError)
    {
        let maxTimestamp = max(lastReferenceUpdateTimestamp, lastMajorSwapTimestamp)
        guard now >= maxTimestamp else { throw .invalidTimestamp }
        if now - lastReferenceUpdateTimestamp > Self.maxReferenceAge {
            tickGroupIndexReference = tickGroupIndex
            volatilityReference = 0
            lastReferenceUpdateTimestamp = now
            return
        }
        let elapsed = now - maxTimestamp
        if elapsed < UInt64(c.filterPeriod) {
            // High-frequency trading: keep the reference.
        } else if elapsed < UInt64(c.decayPeriod) {
            tickGroupIndexReference = tickGroupIndex
            volatilityReference = UInt32(UInt64(volatilityAccumulator) * UInt64(c.reductionFactor) / 10_000)
            lastReferenceUpdateTimestamp = now
        } else {
            tickGroupIndexReference = tickGroupIndex
            volatilityReference = 0
            lastReferenceUpdateTimestamp = now
        }
    }
}

/// `FeeRateManager`: the static rate, or the adaptive state carried through one swap.
enum WhirlpoolFeeRateManager {
    case fixed(UInt16)
    case adaptive(
        aToB: Bool, tickGroupIndex: Int32, staticFeeRate: UInt16, constants: WhirlpoolAdaptiveFeeConstants,
        variables: WhirlpoolAdaptiveFeeVariables, lower: (Int32, UInt128)?, upper: (Int32, UInt128)?)

    static let hardLimit: UInt32 = 100_000

    init(
        aToB: Bool, currentTickIndex: Int32, timestamp: UInt64, staticFeeRate: UInt16,
        adaptive: (constants: WhirlpoolAdaptiveFeeConstants, variables: WhirlpoolAdaptiveFeeVariables)?
    ) throws(WhirlpoolMathError) {
        guard let adaptive else {
            self = .fixed(staticFeeRate)
            return
        }
        let c = adaptive.constants
        guard c.tickGroupSize > 0 else { throw .invalidTickSpacing }
        let size = Int32(c.tickGroupSize)
        let group = FullMath.floorDiv(currentTickIndex, size)
        var v = adaptive.variables
        try v.updateReference(group, timestamp, c)
        let span =
            c.maxVolatilityAccumulator >= v.volatilityReference ? c.maxVolatilityAccumulator - v.volatilityReference : 0
        let maxDelta = Int32((UInt64(span) + 9_999) / 10_000)
        let lowerIndex = v.tickGroupIndexReference - maxDelta
        let upperIndex = v.tickGroupIndexReference + maxDelta
        let lowerTick = lowerIndex * size
        let upperTick = upperIndex * size + size
        let lower =
            lowerTick > WhirlpoolMath.minTickIndex
            ? (lowerIndex, WhirlpoolMath.sqrtPriceFromTickIndex(lowerTick)) : nil
        let upper =
            upperTick < WhirlpoolMath.maxTickIndex
            ? (upperIndex, WhirlpoolMath.sqrtPriceFromTickIndex(upperTick)) : nil
        self = .adaptive(
            aToB: aToB, tickGroupIndex: group, staticFeeRate: staticFeeRate, constants: c, variables: v, lower: lower,
            upper: upper)
    }

    mutating func updateVolatilityAccumulator() {
        guard case .adaptive(let a, let g, let s, let c, var v, let lo, let up) = self else { return }
        v.updateVolatilityAccumulator(g, c)
        self = .adaptive(aToB: a, tickGroupIndex: g, staticFeeRate: s, constants: c, variables: v, lower: lo, upper: up)
    }

    var totalFeeRate: UInt32 {
        switch self {
        case .fixed(let r): return UInt32(r)
        case .adaptive(_, _, let s, let c, let v, _, _):
            let crossed = UInt64(v.volatilityAccumulator) * UInt64(c.tickGroupSize)
            let squared = UInt128(crossed) * UInt128(crossed)
            let denominator: UInt128 = 100_000 * 10_000 * 10_000
            let numerator = UInt128(c.adaptiveFeeControlFactor) * squared
            let adaptive = (numerator + denominator - 1) / denominator
            let adaptiveRate = adaptive > UInt128(Self.hardLimit) ? Self.hardLimit : UInt32(adaptive)
            return min(UInt32(s) + adaptiveRate, Self.hardLimit)
        }
    }

    /// `get_bounded_sqrt_price_target`: (target, skipped).
    func boundedTarget(_ sqrtPrice: UInt128, liquidity: UInt128) -> (UInt128, Bool) {
        guard case .adaptive(let aToB, let g, _, let c, _, let lower, let upper) = self else {
            return (sqrtPrice, false)
        }
        if c.adaptiveFeeControlFactor == 0 || liquidity == 0 { return (sqrtPrice, true) }
        if let (li, lp) = lower, g < li { return aToB ? (sqrtPrice, true) : (min(sqrtPrice, lp), true) }
        if let (ui, up) = upper, g > ui { return aToB ? (max(sqrtPrice, up), true) : (sqrtPrice, true) }
        let size = Int32(c.tickGroupSize)
        let boundary = aToB ? g * size : g * size + size
        let p = WhirlpoolMath.sqrtPriceFromTickIndex(
            min(max(boundary, WhirlpoolMath.minTickIndex), WhirlpoolMath.maxTickIndex))
        return aToB ? (max(sqrtPrice, p), false) : (min(sqrtPrice, p), false)
    }

    mutating func advanceTickGroup() {
        guard case .adaptive(let a, let g, let s, let c, let v, let lo, let up) = self else { return }
        self = .adaptive(
            aToB: a, tickGroupIndex: g + (a ? -1 : 1), staticFeeRate: s, constants: c, variables: v, lower: lo,
            upper: up)
    }

    mutating func advanceTickGroupAfterSkip(sqrtPrice: UInt128, nextTickSqrtPrice: UInt128, nextTickIndex: Int32) {
        guard case .adaptive(let a, var g, let s, let c, var v, let lo, let up) = self else { return }
        let size = Int32(c.tickGroupSize)
        let tick: Int32
        let onBoundary: Bool
        if sqrtPrice == nextTickSqrtPrice {
            tick = nextTickIndex
            onBoundary = nextTickIndex % size == 0
        } else {
            tick = WhirlpoolMath.tickIndexFromSqrtPrice(sqrtPrice)
            onBoundary = tick % size == 0 && sqrtPrice == WhirlpoolMath.sqrtPriceFromTickIndex(tick)
        }
        let last = onBoundary && !a ? tick / size - 1 : FullMath.floorDiv(tick, size)
        if (a && last < g) || (!a && last > g) {
            g = last
            v.updateVolatilityAccumulator(g, c)
        }
        g += a ? -1 : 1
        self = .adaptive(aToB: a, tickGroupIndex: g, staticFeeRate: s, constants: c, variables: v, lower: lo, upper: up)
    }
}
