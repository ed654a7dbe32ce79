// The Whirlpool swap loop (orca-so/whirlpools @630c0e01 programs/whirlpool/src/manager/swap_manager.rs `swap`,
// util/swap_tick_sequence.rs, state/tick_array.rs), static-fee pools only. Adaptive-fee pools need the oracle's
// volatility state and a clock; they are refused by the venue layer rather than quoted wrongly.

/// One tick slot as the swap needs it.
public struct WhirlpoolTick: Hashable, Sendable {
    public var initialized: Bool
    public var liquidityNet: Int128
    public var liquidityGross: UInt128

    public init(initialized: Bool = false, liquidityNet: Int128 = 0, liquidityGross: UInt128 = 0) {
        self.initialized = initialized
        self.liquidityNet = liquidityNet
        self.liquidityGross = liquidityGross
    }
}

/// A tick array (fixed or dynamic on chain): 88 slots starting at `startTickIndex`, spaced by the pool's spacing.
/// An uninitialized (absent) array is the zeroed array: no initialized ticks.
public struct WhirlpoolTickArray: Hashable, Sendable {
    public var startTickIndex: Int32
    public var ticks: [WhirlpoolTick]

    public init(startTickIndex: Int32, ticks: [WhirlpoolTick]) {
        precondition(ticks.count == Int(WhirlpoolMath.tickArraySize), "a tick array has 88 ticks")
        self.startTickIndex = startTickIndex
        self.ticks = ticks
    }

    /// The zeroed array the program substitutes for an uninitialized tick-array account.
    public static func zeroed(startTickIndex: Int32) -> WhirlpoolTickArray {
        WhirlpoolTickArray(
            startTickIndex: startTickIndex,
            ticks: Array(repeating: WhirlpoolTick(), count: Int(WhirlpoolMath.tickArraySize)))
    }

    func inSearchRange(_ tick: Int32, _ spacing: Int32, shifted: Bool) -> Bool {
        var lower = startTickIndex
        var upper = startTickIndex + WhirlpoolMath.tickArraySize * spacing
        if shifted {
            lower -= spacing
            upper -= spacing
        }
        return tick >= lower && tick < upper
    }

    func offset(_ tick: Int32, _ spacing: Int32) -> Int32 {
        FullMath.floorDiv(tick - startTickIndex, spacing)
    }

    func nextInitTickIndex(_ tick: Int32, _ spacing: Int32, aToB: Bool) throws(WhirlpoolMathError) -> Int32? {
        guard inSearchRange(tick, spacing, shifted: !aToB) else { throw .invalidTickArraySequence }
        var o = offset(tick, spacing)
        if !aToB { o += 1 }
        while o >= 0 && o < WhirlpoolMath.tickArraySize {
            if ticks[Int(o)].initialized { return o * spacing + startTickIndex }
            o += aToB ? -1 : 1
        }
        return nil
    }

    /// `get_tick`, with the swap's error-to-uninitialized mapping.
    func tickIfInitialized(_ tick: Int32, _ spacing: Int32) -> WhirlpoolTick? {
        guard inSearchRange(tick, spacing, shifted: false),
            tick >= WhirlpoolMath.minTickIndex, tick <= WhirlpoolMath.maxTickIndex, tick % spacing == 0
        else { return nil }
        let o = offset(tick, spacing)
        guard o >= 0 else { return nil }
        let t = ticks[Int(o)]
        return t.initialized ? t : nil
    }

    var isMinTickArray: Bool { startTickIndex <= WhirlpoolMath.minTickIndex }
    func isMaxTickArray(_ spacing: Int32) -> Bool {
        startTickIndex + WhirlpoolMath.tickArraySize * spacing > WhirlpoolMath.maxTickIndex
    }
}

/// The pool fields the swap reads.
public struct WhirlpoolSwapPool: Hashable, Sendable {
    public var sqrtPrice: UInt128
    public var tickCurrentIndex: Int32
    public var liquidity: UInt128
    public var tickSpacing: UInt16
    public var feeRate: UInt16
    public var protocolFeeRate: UInt16
    public var feeGrowthGlobalA: UInt128
    public var feeGrowthGlobalB: UInt128

    public init(
        sqrtPrice: UInt128, tickCurrentIndex: Int32, liquidity: UInt128, tickSpacing: UInt16, feeRate: UInt16,
        protocolFeeRate: UInt16, feeGrowthGlobalA: UInt128 = 0, feeGrowthGlobalB: UInt128 = 0
    ) {
        self.sqrtPrice = sqrtPrice
        self.tickCurrentIndex = tickCurrentIndex
        self.liquidity = liquidity
        self.tickSpacing = tickSpacing
        self.feeRate = feeRate
        self.protocolFeeRate = protocolFeeRate
        self.feeGrowthGlobalA = feeGrowthGlobalA
        self.feeGrowthGlobalB = feeGrowthGlobalB
    }
}

/// `PostSwapUpdate` minus rewards, plus the number of initialized ticks crossed.
public struct WhirlpoolSwapResult: Hashable, Sendable {
    public var amountA: UInt64
    public var amountB: UInt64
    public var lpFee: UInt64
    public var totalFee: UInt64
    public var nextLiquidity: UInt128
    public var nextTickIndex: Int32
    public var nextSqrtPrice: UInt128
    public var nextFeeGrowthGlobal: UInt128
    public var nextProtocolFee: UInt64
    public var ticksCrossed: Int
    /// Index (into the array sequence) of the last tick array the swap touched.
    public var lastArrayIndex: Int
    /// Initialized ticks crossed, in order, with the input token's global fee growth at the crossing (what the
    /// program's `update_tick` flips `fee_growth_outside` against).
    public var crossedTicks: [CrossedTick] = []

    public struct CrossedTick: Hashable, Sendable {
        public var tickIndex: Int32
        public var feeGrowthGlobalInput: UInt128
    }
}

extension WhirlpoolMath {
    /// The swap start-tick sequence the program builds (`util/sparse_swap.rs get_start_tick_indexes`).
    public static func swapTickArrayStarts(tickCurrentIndex: Int32, tickSpacing: UInt16, aToB: Bool) -> [Int32] {
        let ticksInArray = tickArraySize * Int32(tickSpacing)
        let base = FullMath.floorDiv(tickCurrentIndex, ticksInArray) * ticksInArray
        let offsets: [Int32]
        if aToB {
            offsets = [0, -1, -2]
        } else {
            let shifted = tickCurrentIndex + Int32(tickSpacing) >= base + ticksInArray
            offsets = shifted ? [1, 2, 3] : [0, 1, 2]
        }
        return offsets.map { base + $0 * ticksInArray }
    }

    /// The program's swap loop over a tick-array sequence (the arrays in swap order; at most three for `swap`).
    /// `sqrtPriceLimit` 0 means no explicit limit. `adaptiveFee` (the oracle's constants and variables) with the
    /// cluster `timestamp` for adaptive-fee pools; nil for static-fee pools.
    public static func swap(
        pool: WhirlpoolSwapPool, tickArrays: [WhirlpoolTickArray], amount: UInt64, sqrtPriceLimit: UInt128,
        amountSpecifiedIsInput: Bool, aToB: Bool,
        adaptiveFee: (constants: WhirlpoolAdaptiveFeeConstants, variables: WhirlpoolAdaptiveFeeVariables)? = nil,
        timestamp: UInt64 = 0
    ) throws(WhirlpoolMathError) -> WhirlpoolSwapResult {
        let limit = sqrtPriceLimit == 0 ? (aToB ? minSqrtPrice : maxSqrtPrice) : sqrtPriceLimit
        guard limit >= minSqrtPrice && limit <= maxSqrtPrice else { throw .sqrtPriceOutOfBounds }
        if (aToB && limit >= pool.sqrtPrice) || (!aToB && limit <= pool.sqrtPrice) {
            throw .invalidSqrtPriceLimitDirection
        }
        if amount == 0 { throw .zeroTradableAmount }
        guard pool.tickSpacing > 0 else { throw .invalidTickSpacing }
        guard !tickArrays.isEmpty else { throw .invalidTickArraySequence }

        let spacing = Int32(pool.tickSpacing)
        let ticksInArray = tickArraySize * spacing
        var amountRemaining = amount
        var amountCalculated: UInt64 = 0
        var currSqrtPrice = pool.sqrtPrice
        var currTickIndex = pool.tickCurrentIndex
        var currLiquidity = pool.liquidity
        var currProtocolFee: UInt64 = 0
        var currArrayIndex = 0
        var currFeeGrowth = aToB ? pool.feeGrowthGlobalA : pool.feeGrowthGlobalB
        var feeSum: UInt64 = 0
        var crossed = 0
        var crossedTicks: [WhirlpoolSwapResult.CrossedTick] = []
        var lastArrayIndex = 0
        var feeManager = try WhirlpoolFeeRateManager(
            aToB: aToB, currentTickIndex: pool.tickCurrentIndex, timestamp: timestamp, staticFeeRate: pool.feeRate,
            adaptive: adaptiveFee)

        while amountRemaining > 0 && limit != currSqrtPrice {
            // get_next_initialized_tick_index
            var searchIndex = currTickIndex
            var arrayIndex = currArrayIndex
            var nextTickIndex: Int32
            while true {
                guard arrayIndex < tickArrays.count else { throw .tickArraySequenceInvalidIndex }
                let array = tickArrays[arrayIndex]
                if let found = try array.nextInitTickIndex(searchIndex, spacing, aToB: aToB) {
                    nextTickIndex = found
                    break
                }
                if aToB && array.isMinTickArray {
                    nextTickIndex = minTickIndex
                    break
                } else if !aToB && array.isMaxTickArray(spacing) {
                    nextTickIndex = maxTickIndex
                    break
                }
                if arrayIndex + 1 == tickArrays.count {
                    nextTickIndex = aToB ? array.startTickIndex : array.startTickIndex + ticksInArray - 1
                    break
                }
                searchIndex = aToB ? array.startTickIndex - 1 : array.startTickIndex + ticksInArray - 1
                arrayIndex += 1
            }
            let nextArrayIndex = arrayIndex
            lastArrayIndex = max(lastArrayIndex, nextArrayIndex)

            let nextTickSqrtPrice = sqrtPriceFromTickIndex(nextTickIndex)
            let target = aToB ? max(limit, nextTickSqrtPrice) : min(limit, nextTickSqrtPrice)

            // Static fee: one step to the target; adaptive fee: steps bounded by tick-group boundaries.
            while true {
                feeManager.updateVolatilityAccumulator()
                let (bounded, skipped) = feeManager.boundedTarget(target, liquidity: currLiquidity)
                let step = try computeSwap(
                    amountRemaining: amountRemaining, feeRate: feeManager.totalFeeRate, liquidity: currLiquidity,
                    sqrtPriceCurrent: currSqrtPrice, sqrtPriceTarget: bounded,
                    amountSpecifiedIsInput: amountSpecifiedIsInput, aToB: aToB)

                if amountSpecifiedIsInput {
                    var (r, o) = amountRemaining.subtractingReportingOverflow(step.amountIn)
                    if o { throw .amountRemainingOverflow }
                    (r, o) = r.subtractingReportingOverflow(step.feeAmount)
                    if o { throw .amountRemainingOverflow }
                    amountRemaining = r
                    let (c, o2) = amountCalculated.addingReportingOverflow(step.amountOut)
                    if o2 { throw .amountCalcOverflow }
                    amountCalculated = c
                } else {
                    let (r, o) = amountRemaining.subtractingReportingOverflow(step.amountOut)
                    if o { throw .amountRemainingOverflow }
                    amountRemaining = r
                    var (c, o2) = amountCalculated.addingReportingOverflow(step.amountIn)
                    if o2 { throw .amountCalcOverflow }
                    (c, o2) = c.addingReportingOverflow(step.feeAmount)
                    if o2 { throw .amountCalcOverflow }
                    amountCalculated = c
                }
                let (fs, fo) = feeSum.addingReportingOverflow(step.feeAmount)
                if fo { throw .amountCalcOverflow }
                feeSum = fs

                // calculate_fees
                var globalFee = step.feeAmount
                if pool.protocolFeeRate > 0 {
                    let delta = UInt64(UInt128(globalFee) * UInt128(pool.protocolFeeRate) / protocolFeeRateMulValue)
                    globalFee -= delta
                    currProtocolFee = currProtocolFee &+ delta
                }
                if currLiquidity > 0 {
                    currFeeGrowth = currFeeGrowth &+ ((UInt128(globalFee) << 64) / currLiquidity)
                }

                if step.nextSqrtPrice == nextTickSqrtPrice {
                    if let tick = tickArrays[nextArrayIndex].tickIfInitialized(nextTickIndex, spacing) {
                        let net = aToB ? 0 - tick.liquidityNet : tick.liquidityNet
                        currLiquidity = try addLiquidityDelta(currLiquidity, net)
                        crossed += 1
                        crossedTicks.append(.init(tickIndex: nextTickIndex, feeGrowthGlobalInput: currFeeGrowth))
                    }
                    let tickOffset = tickArrays[nextArrayIndex].offset(nextTickIndex, spacing)
                    currArrayIndex =
                        (aToB && tickOffset == 0) || (!aToB && tickOffset == tickArraySize - 1)
                        ? nextArrayIndex + 1 : nextArrayIndex
                    currTickIndex = aToB ? nextTickIndex - 1 : nextTickIndex
                } else if step.nextSqrtPrice != currSqrtPrice {
                    currTickIndex = tickIndexFromSqrtPrice(step.nextSqrtPrice)
                }
                currSqrtPrice = step.nextSqrtPrice
                if !skipped {
                    feeManager.advanceTickGroup()
                } else {
                    feeManager.advanceTickGroupAfterSkip(
                        sqrtPrice: currSqrtPrice, nextTickSqrtPrice: nextTickSqrtPrice, nextTickIndex: nextTickIndex)
                }
                if amountRemaining == 0 || currSqrtPrice == target { break }
            }
        }

        if amountRemaining > 0 && !amountSpecifiedIsInput && sqrtPriceLimit == 0 {
            throw .partialFillError
        }
        let (amountA, amountB) =
            aToB == amountSpecifiedIsInput
            ? (amount - amountRemaining, amountCalculated) : (amountCalculated, amount - amountRemaining)
        return WhirlpoolSwapResult(
            amountA: amountA, amountB: amountB, lpFee: feeSum - currProtocolFee, totalFee: feeSum,
            nextLiquidity: currLiquidity, nextTickIndex: currTickIndex, nextSqrtPrice: currSqrtPrice,
            nextFeeGrowthGlobal: currFeeGrowth, nextProtocolFee: currProtocolFee, ticksCrossed: crossed,
            lastArrayIndex: lastArrayIndex, crossedTicks: crossedTicks)
    }
}
