// Raydium CLMM swap loop and tick-array bitmap navigation, reproduced in behaviour from raydium-io/raydium-clmm
// @e358bedf programs/amm/src/instructions/swap.rs `swap_internal`, states/pool.rs, states/tick_array.rs,
// states/tickarray_bitmap_extension.rs and libraries/tick_array_bit_map.rs.

public struct ClmmTick: Hashable, Sendable {
    public var tick: Int32
    public var liquidityNet: Int128
    public var liquidityGross: UInt128
    /// 2026 layout: unfilled limit-order amounts on this tick (zero on pre-2026 accounts, where it was padding).
    public var hasLimitOrders: Bool

    public init(tick: Int32 = 0, liquidityNet: Int128 = 0, liquidityGross: UInt128 = 0, hasLimitOrders: Bool = false) {
        self.tick = tick
        self.liquidityNet = liquidityNet
        self.liquidityGross = liquidityGross
        self.hasLimitOrders = hasLimitOrders
    }

    public var isInitialized: Bool { liquidityGross != 0 || hasLimitOrders }
}

public struct ClmmTickArray: Hashable, Sendable {
    public var startTickIndex: Int32
    public var ticks: [ClmmTick]

    public init(startTickIndex: Int32, ticks: [ClmmTick]) {
        precondition(ticks.count == Int(ClmmMath.tickArraySize), "a CLMM tick array has 60 ticks")
        self.startTickIndex = startTickIndex
        self.ticks = ticks
    }

    /// `next_initialized_tick`: search from `current` (inclusive when zero_for_one, exclusive otherwise).
    func nextInitializedTick(_ current: Int32, _ spacing: UInt16, zeroForOne: Bool) -> ClmmTick? {
        guard ClmmMath.tickArrayStartIndex(current, tickSpacing: spacing) == startTickIndex else { return nil }
        var o = (current - startTickIndex) / Int32(spacing)
        if zeroForOne {
            while o >= 0 {
                if ticks[Int(o)].isInitialized { return ticks[Int(o)] }
                o -= 1
            }
        } else {
            o += 1
            while o < ClmmMath.tickArraySize {
                if ticks[Int(o)].isInitialized { return ticks[Int(o)] }
                o += 1
            }
        }
        return nil
    }

    /// `first_initialized_tick`.
    func firstInitializedTick(zeroForOne: Bool) throws(ClmmMathError) -> ClmmTick {
        if zeroForOne {
            for t in ticks.reversed() where t.isInitialized { return t }
        } else {
            for t in ticks where t.isInitialized { return t }
        }
        throw .invalidTickArray
    }
}

/// The tick-array bitmap extension account (14 × 512 bits per side).
public struct ClmmBitmapExtension: Hashable, Sendable {
    public static let bitmapCount = 14
    /// `positive[i]` / `negative[i]`: eight little-endian u64 words (512 bits).
    public var positive: [[UInt64]]
    public var negative: [[UInt64]]

    public init(positive: [[UInt64]], negative: [[UInt64]]) {
        precondition(positive.count == Self.bitmapCount && negative.count == Self.bitmapCount)
        self.positive = positive
        self.negative = negative
    }

    public static let empty = ClmmBitmapExtension(
        positive: Array(repeating: Array(repeating: 0, count: 8), count: bitmapCount),
        negative: Array(repeating: Array(repeating: 0, count: 8), count: bitmapCount))
}

/// Bit helpers over little-endian word arrays.
enum BitScan {
    @inline(__always) static func isSet(_ words: [UInt64], _ bit: Int) -> Bool {
        (words[bit >> 6] >> UInt64(bit & 63)) & 1 == 1
    }

    /// Highest set bit at an index <= `bit`, if any.
    static func highest(_ words: [UInt64], atOrBelow bit: Int) -> Int? {
        var w = bit >> 6
        var word = words[w] & (bit & 63 == 63 ? .max : (UInt64(1) << UInt64((bit & 63) + 1)) - 1)
        while true {
            if word != 0 { return w * 64 + 63 - word.leadingZeroBitCount }
            w -= 1
            if w < 0 { return nil }
            word = words[w]
        }
    }

    /// Lowest set bit at an index >= `bit`, if any.
    static func lowest(_ words: [UInt64], atOrAbove bit: Int) -> Int? {
        var w = bit >> 6
        var word = words[w] & ~((UInt64(1) << UInt64(bit & 63)) - 1)
        while true {
            if word != 0 { return w * 64 + word.trailingZeroBitCount }
            w += 1
            if w >= words.count { return nil }
            word = words[w]
        }
    }
}

/// The pool fields the swap reads, plus the AmmConfig fee rates (1e-6 units).
public struct ClmmSwapPool: Hashable, Sendable {
    public var sqrtPrice: UInt128
    public var tickCurrent: Int32
    public var liquidity: UInt128
    public var tickSpacing: UInt16
    /// The pool's default bitmap: 16 words, bit i ↔ tick array (i − 512).
    public var tickArrayBitmap: [UInt64]
    public var tradeFeeRate: UInt32
    public var protocolFeeRate: UInt32
    public var fundFeeRate: UInt32
    public var feeGrowthGlobal0: UInt128
    public var feeGrowthGlobal1: UInt128
    /// Swap disabled by status bit 4.
    public var swapDisabled: Bool

    public init(
        sqrtPrice: UInt128, tickCurrent: Int32, liquidity: UInt128, tickSpacing: UInt16, tickArrayBitmap: [UInt64],
        tradeFeeRate: UInt32, protocolFeeRate: UInt32, fundFeeRate: UInt32, feeGrowthGlobal0: UInt128 = 0,
        feeGrowthGlobal1: UInt128 = 0, swapDisabled: Bool = false
    ) {
        precondition(tickArrayBitmap.count == 16)
        self.sqrtPrice = sqrtPrice
        self.tickCurrent = tickCurrent
        self.liquidity = liquidity
        self.tickSpacing = tickSpacing
        self.tickArrayBitmap = tickArrayBitmap
        self.tradeFeeRate = tradeFeeRate
        self.protocolFeeRate = protocolFeeRate
        self.fundFeeRate = fundFeeRate
        self.feeGrowthGlobal0 = feeGrowthGlobal0
        self.feeGrowthGlobal1 = feeGrowthGlobal1
        self.swapDisabled = swapDisabled
    }

    var tickCount: Int32 { ClmmMath.tickArraySize * Int32(tickSpacing) }
    /// `max_tick_in_tickarray_bitmap`.
    var maxTickInBitmap: Int32 { tickCount * 512 }

    /// `tick_array_start_index_range`.
    var startIndexRange: (min: Int32, max: Int32) {
        var maxB = maxTickInBitmap
        var minB = -maxB
        if maxB > ClmmMath.maxTick {
            maxB = ClmmMath.tickArrayStartIndex(ClmmMath.maxTick, tickSpacing: tickSpacing) + tickCount
        }
        if minB < ClmmMath.minTick {
            minB = ClmmMath.tickArrayStartIndex(ClmmMath.minTick, tickSpacing: tickSpacing)
        }
        return (minB, maxB)
    }

    /// Whether the array holding `tick` is outside the default bitmap (so the extension is needed).
    public func isOverflowDefaultBitmap(_ tick: Int32) -> Bool {
        let start = ClmmMath.tickArrayStartIndex(tick, tickSpacing: tickSpacing)
        let (minB, maxB) = startIndexRange
        return start >= maxB || start < minB
    }
}

public struct ClmmSwapResult: Hashable, Sendable {
    public var amountIn: UInt64
    public var amountOut: UInt64
    /// Total trade fee (input token), including the protocol and fund shares.
    public var feeAmount: UInt64
    public var protocolFee: UInt64
    public var fundFee: UInt64
    public var sqrtPrice: UInt128
    public var tick: Int32
    public var liquidity: UInt128
    public var feeGrowthGlobal: UInt128
    public var ticksCrossed: Int
    /// Start indexes of the tick arrays the swap visited, in order (the swap instruction must pass these).
    public var tickArraysVisited: [Int32]
    /// Whether navigation needed the bitmap extension account.
    public var usedBitmapExtension: Bool
    /// Initialized ticks crossed, in order, with the input token's global fee growth at the crossing (what the
    /// program's `cross` flips `fee_growth_outside` against).
    public var crossedTicks: [CrossedTick] = []

    public struct CrossedTick: Hashable, Sendable {
        public var tick: Int32
        public var feeGrowthGlobalInput: UInt128
    }
}

extension ClmmMath {
    static func checkValidStartIndex(_ start: Int32, _ spacing: UInt16) -> Bool {
        if start < minTick || start > maxTick {
            if start > maxTick { return false }
            return start == tickArrayStartIndex(minTick, tickSpacing: spacing)
        }
        return start % (tickArraySize * Int32(spacing)) == 0
    }

    // MARK: Default bitmap (tick_array_bit_map.rs)

    static func defaultBitmapNext(
        _ pool: ClmmSwapPool, lastStart: Int32, zeroForOne: Bool
    ) -> (found: Bool, start: Int32) {
        let boundary = pool.maxTickInBitmap
        let mult = pool.tickCount
        let next = zeroForOne ? lastStart - mult : lastStart + mult
        if next < -boundary || next >= boundary { return (false, lastStart) }
        let compressed = FullMath.floorDiv(next, mult) + 512
        let bitPos = Int(compressed.magnitude)
        if zeroForOne {
            if let idx = BitScan.highest(pool.tickArrayBitmap, atOrBelow: bitPos) {
                return (true, (Int32(idx) - 512) * mult)
            }
            return (false, -boundary)
        } else {
            if let idx = BitScan.lowest(pool.tickArrayBitmap, atOrAbove: bitPos) {
                return (true, (Int32(idx) - 512) * mult)
            }
            return (false, boundary - mult)
        }
    }

    // MARK: Extension bitmap (tickarray_bitmap_extension.rs)

    static func extensionBitmap(
        _ ext: ClmmBitmapExtension, _ start: Int32, _ spacing: UInt16
    ) throws(ClmmMathError) -> [UInt64] {
        guard checkValidStartIndex(start, spacing) else { throw .invalidTickIndex }
        let positiveBoundary = tickArraySize * Int32(spacing) * 512
        guard maxTick > positiveBoundary, -positiveBoundary > minTick else { throw .requireViolated }
        if start >= -positiveBoundary && start < positiveBoundary { throw .invalidTickArrayBoundary }
        let absStart = Int32(start.magnitude)
        var offset = absStart / positiveBoundary - 1
        if start < 0 && absStart % positiveBoundary == 0 { offset -= 1 }
        guard offset >= 0 && offset < Int32(ClmmBitmapExtension.bitmapCount) else { throw .invalidTickIndex }
        return start < 0 ? ext.negative[Int(offset)] : ext.positive[Int(offset)]
    }

    static func offsetInBitmap(_ start: Int32, _ spacing: UInt16) -> Int32 {
        let tickCount = tickArraySize * Int32(spacing)
        let m = Int32(start.magnitude) % (tickCount * 512)
        var o = m / tickCount
        if start < 0 && m != 0 { o = 512 - o }
        return o
    }

    /// `get_bitmap_tick_boundary`.
    static func bitmapTickBoundary(_ start: Int32, _ spacing: UInt16) -> (Int32, Int32) {
        let perBitmap = tickArraySize * Int32(spacing) * 512
        let absStart = Int32(start.magnitude)
        var m = absStart / perBitmap
        if start < 0 && absStart % perBitmap != 0 { m += 1 }
        let minValue = perBitmap * m
        return start < 0 ? (-minValue, -minValue + perBitmap) : (minValue, minValue + perBitmap)
    }

    static func extensionIsInitialized(
        _ ext: ClmmBitmapExtension, _ start: Int32, _ spacing: UInt16
    ) throws(ClmmMathError) -> Bool {
        let bitmap = try extensionBitmap(ext, start, spacing)
        return BitScan.isSet(bitmap, Int(offsetInBitmap(start, spacing)))
    }

    static func extensionNextFromOneBitmap(
        _ ext: ClmmBitmapExtension, lastStart: Int32, _ spacing: UInt16, zeroForOne: Bool
    ) throws(ClmmMathError) -> (found: Bool, start: Int32) {
        let mult = tickArraySize * Int32(spacing)
        let next = zeroForOne ? lastStart - mult : lastStart + mult
        let minStart = tickArrayStartIndex(minTick, tickSpacing: spacing)
        let maxStart = tickArrayStartIndex(maxTick, tickSpacing: spacing)
        if next < minStart || next > maxStart { return (false, next) }
        let bitmap = try extensionBitmap(ext, next, spacing)
        let (minB, maxB) = bitmapTickBoundary(next, spacing)
        let offset = Int(offsetInBitmap(next, spacing))
        if zeroForOne {
            // Rust shifts the 512-bit map left by (511 - offset) and counts leading zeros: the distance to the
            // highest set bit at or below `offset`.
            if let idx = BitScan.highest(bitmap, atOrBelow: offset) {
                return (true, next - Int32(offset - idx) * mult)
            }
            return (false, minB)
        } else {
            if let idx = BitScan.lowest(bitmap, atOrAbove: offset) {
                return (true, next + Int32(idx - offset) * mult)
            }
            return (false, maxB - mult)
        }
    }

    // MARK: Pool navigation (pool.rs)

    static func nextInitializedTickArrayStart(
        _ pool: ClmmSwapPool, _ ext: ClmmBitmapExtension?, lastStart: Int32, zeroForOne: Bool,
        usedExtension: inout Bool
    ) throws(ClmmMathError) -> Int32? {
        var last = tickArrayStartIndex(lastStart, tickSpacing: pool.tickSpacing)
        while true {
            let (found, start) = defaultBitmapNext(pool, lastStart: last, zeroForOne: zeroForOne)
            if found { return start }
            last = start
            guard let ext else { throw .missingTickArrayBitmapExtensionAccount }
            usedExtension = true
            let (found2, start2) = try extensionNextFromOneBitmap(
                ext, lastStart: last, pool.tickSpacing, zeroForOne: zeroForOne)
            if found2 { return start2 }
            last = start2
            if last < minTick || last > maxTick { return nil }
        }
    }

    static func firstInitializedTickArray(
        _ pool: ClmmSwapPool, _ ext: ClmmBitmapExtension?, zeroForOne: Bool, usedExtension: inout Bool
    ) throws(ClmmMathError) -> (isMatch: Bool, start: Int32) {
        let currentStart = tickArrayStartIndex(pool.tickCurrent, tickSpacing: pool.tickSpacing)
        let initialized: Bool
        if pool.isOverflowDefaultBitmap(pool.tickCurrent) {
            // The program unwraps the optional extension here (a missing account fails the transaction).
            guard let ext else { throw .missingTickArrayBitmapExtensionAccount }
            usedExtension = true
            initialized = try extensionIsInitialized(ext, currentStart, pool.tickSpacing)
        } else {
            guard pool.tickCurrent >= minTick && pool.tickCurrent <= maxTick else { throw .invalidTickIndex }
            let compressed = FullMath.floorDiv(pool.tickCurrent, pool.tickCount) + 512
            initialized = BitScan.isSet(pool.tickArrayBitmap, Int(compressed.magnitude))
        }
        if initialized { return (true, currentStart) }
        guard
            let next = try nextInitializedTickArrayStart(
                pool, ext, lastStart: currentStart, zeroForOne: zeroForOne, usedExtension: &usedExtension)
        else { throw .insufficientLiquidityForDirection }
        return (false, next)
    }

    // MARK: Swap loop

    /// The program's `swap_internal` for a fee-on-input pool. `tickArray` returns a loaded array by start index
    /// (nil when the caller has not loaded it: the quote then fails with `notEnoughTickArrayAccount`, exactly as
    /// the transaction would without that account). `sqrtPriceLimit` 0 = no limit (MIN+1 / MAX−1).
    public static func swap(
        pool: ClmmSwapPool, bitmapExtension: ClmmBitmapExtension?, tickArray: (Int32) -> ClmmTickArray?,
        amount: UInt64, sqrtPriceLimit: UInt128, zeroForOne: Bool, isBaseInput: Bool
    ) throws(ClmmMathError) -> ClmmSwapResult {
        let limit =
            sqrtPriceLimit != 0 ? sqrtPriceLimit : (zeroForOne ? minSqrtPrice + 1 : maxSqrtPrice - 1)
        guard amount != 0 else { throw .zeroAmountSpecified }
        guard !pool.swapDisabled else { throw .notApproved }
        let limitOK =
            zeroForOne
            ? limit < pool.sqrtPrice && limit > minSqrtPrice : limit > pool.sqrtPrice && limit < maxSqrtPrice
        guard limitOK else { throw .sqrtPriceLimitOverflow }

        var remaining = amount
        var calculated: UInt64 = 0
        var sqrtPrice = pool.sqrtPrice
        var tick = pool.tickCurrent
        var liquidity = pool.liquidity
        var feeGrowth = zeroForOne ? pool.feeGrowthGlobal0 : pool.feeGrowthGlobal1
        var feeCharged: UInt64 = 0
        var crossedTicks: [ClmmSwapResult.CrossedTick] = []
        var protocolFee: UInt64 = 0
        var fundFee: UInt64 = 0
        var crossed = 0
        var usedExtension = false

        var (isMatch, currentValidStart) = try firstInitializedTickArray(
            pool, bitmapExtension, zeroForOne: zeroForOne, usedExtension: &usedExtension)
        guard var current = tickArray(currentValidStart) else { throw .notEnoughTickArrayAccount }
        var visited = [currentValidStart]

        while remaining != 0 && sqrtPrice != limit {
            let start = sqrtPrice
            var next: ClmmTick
            if let t = current.nextInitializedTick(tick, pool.tickSpacing, zeroForOne: zeroForOne) {
                next = t
            } else if !isMatch {
                isMatch = true
                next = try current.firstInitializedTick(zeroForOne: zeroForOne)
            } else {
                next = ClmmTick()
            }
            if !next.isInitialized {
                guard
                    let nextStart = try nextInitializedTickArrayStart(
                        pool, bitmapExtension, lastStart: currentValidStart, zeroForOne: zeroForOne,
                        usedExtension: &usedExtension)
                else { throw .liquidityInsufficient }
                guard let arr = tickArray(nextStart) else { throw .notEnoughTickArrayAccount }
                current = arr
                visited.append(nextStart)
                currentValidStart = nextStart
                next = try current.firstInitializedTick(zeroForOne: zeroForOne)
            }
            let tickNext = min(max(next.tick, minTick), maxTick)
            let sqrtNext = try sqrtPriceAtTick(tickNext)
            let target = (zeroForOne && sqrtNext < limit) || (!zeroForOne && sqrtNext > limit) ? limit : sqrtNext
            if zeroForOne {
                guard tick >= tickNext, start >= sqrtNext, start >= target else { throw .requireViolated }
            } else {
                guard tickNext > tick, sqrtNext >= start, target >= start else { throw .requireViolated }
            }
            let step = try computeSwapStep(
                sqrtPriceCurrent: start, sqrtPriceTarget: target, liquidity: liquidity, amountRemaining: remaining,
                feeRate: pool.tradeFeeRate, isBaseInput: isBaseInput, zeroForOne: zeroForOne)
            sqrtPrice = step.sqrtPriceNext

            if isBaseInput {
                let (used, o1) = step.amountIn.addingReportingOverflow(step.feeAmount)
                guard !o1, used <= remaining else { throw .calculateOverflow }
                remaining -= used
                let (c, o2) = calculated.addingReportingOverflow(step.amountOut)
                guard !o2 else { throw .calculateOverflow }
                calculated = c
            } else {
                guard step.amountOut <= remaining else { throw .calculateOverflow }
                remaining -= step.amountOut
                let (s, o1) = step.amountIn.addingReportingOverflow(step.feeAmount)
                let (c, o2) = calculated.addingReportingOverflow(s)
                guard !o1, !o2 else { throw .calculateOverflow }
                calculated = c
            }

            feeCharged &+= step.feeAmount
            var stepFee = step.feeAmount
            if pool.protocolFeeRate > 0 {
                let delta = UInt64(UInt128(step.feeAmount) * UInt128(pool.protocolFeeRate) / 1_000_000)
                stepFee -= delta
                protocolFee &+= delta
            }
            if pool.fundFeeRate > 0 {
                let delta = UInt64(UInt128(step.feeAmount) * UInt128(pool.fundFeeRate) / 1_000_000)
                guard delta <= stepFee else { throw .calculateOverflow }
                stepFee -= delta
                fundFee &+= delta
            }
            if liquidity > 0 {
                feeGrowth &+= (UInt128(stepFee) << 64) / liquidity
            }

            if sqrtPrice == sqrtNext {
                if next.isInitialized {
                    if next.hasLimitOrders { throw .limitOrdersUnsupported }
                    let net = zeroForOne ? 0 - next.liquidityNet : next.liquidityNet
                    liquidity = try addDelta(liquidity, net)
                    crossed += 1
                    crossedTicks.append(.init(tick: tickNext, feeGrowthGlobalInput: feeGrowth))
                }
                tick = zeroForOne ? tickNext - 1 : tickNext
            } else if sqrtPrice != start {
                tick = try tickAtSqrtPrice(sqrtPrice)
            }
        }
        let (amountIn, amountOut) =
            isBaseInput ? (amount - remaining, calculated) : (calculated, amount - remaining)
        // exact_internal: `require!(amount_0 != 0 && amount_1 != 0, TooSmallInputOrOutputAmount)`.
        guard amountIn != 0 && amountOut != 0 else { throw .tooSmallInputOrOutputAmount }
        return ClmmSwapResult(
            amountIn: amountIn, amountOut: amountOut, feeAmount: feeCharged,
            protocolFee: protocolFee, fundFee: fundFee, sqrtPrice: sqrtPrice, tick: tick, liquidity: liquidity,
            feeGrowthGlobal: feeGrowth, ticksCrossed: crossed, tickArraysVisited: visited,
            usedBitmapExtension: usedExtension, crossedTicks: crossedTicks)
    }
}

extension ClmmMath {
    /// Up to `limit` initialized tick-array starts in swap order from the current price (navigation only; stops
    /// quietly where the program would need a missing bitmap extension).
    public static func initializedTickArrayStarts(
        pool: ClmmSwapPool, bitmapExtension: ClmmBitmapExtension?, zeroForOne: Bool, limit: Int
    ) -> [Int32] {
        var used = false
        var out: [Int32] = []
        guard
            let (_, first) = try? firstInitializedTickArray(
                pool, bitmapExtension, zeroForOne: zeroForOne, usedExtension: &used)
        else { return out }
        out.append(first)
        var last = first
        while out.count < limit {
            guard
                let n = try? nextInitializedTickArrayStart(
                    pool, bitmapExtension, lastStart: last, zeroForOne: zeroForOne, usedExtension: &used)
            else { break }
            out.append(n)
            last = n
        }
        return out
    }
}
