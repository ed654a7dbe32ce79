extension DLMM {
    /// The liquidity of one bin that a swap can use.
    public struct Bin: Sendable, Hashable {
        public var amountX: UInt64
        public var amountY: UInt64
        /// Stored Q64.64 price; 0 when never initialised (then computed from the id, as `get_or_store_bin_price`).
        public var price: UInt128
        /// Limit-order layers (IDL 0.12 bins only; zero otherwise).
        public var openOrderAmount: UInt64
        public var processedOrderRemainingAmount: UInt64
        public var limitOrderAskSide: Bool

        public init(
            amountX: UInt64, amountY: UInt64, price: UInt128, openOrderAmount: UInt64 = 0,
            processedOrderRemainingAmount: UInt64 = 0, limitOrderAskSide: Bool = false
        ) {
            self.amountX = amountX
            self.amountY = amountY
            self.price = price
            self.openOrderAmount = openOrderAmount
            self.processedOrderRemainingAmount = processedOrderRemainingAmount
            self.limitOrderAskSide = limitOrderAskSide
        }

        /// (open, processed-remaining) limit orders fillable in this direction (`get_limit_order_amounts_by_direction`):
        /// selling X (swapForY) fills bid-side orders, selling Y fills ask-side orders.
        func limitOrders(swapForY: Bool) -> (open: UInt64, processed: UInt64) {
            if swapForY != limitOrderAskSide { return (openOrderAmount, processedOrderRemainingAmount) }
            return (0, 0)
        }

        func marketMakingOut(swapForY: Bool) -> UInt64 { swapForY ? amountY : amountX }

        func maxOut(swapForY: Bool, supportLimitOrder: Bool) -> UInt64 {
            let mm = marketMakingOut(swapForY: swapForY)
            guard supportLimitOrder else { return mm }
            let lo = limitOrders(swapForY: swapForY)
            let (a, o1) = mm.addingReportingOverflow(lo.open)
            let s1 = o1 ? UInt64.max : a
            let (b, o2) = s1.addingReportingOverflow(lo.processed)
            return o2 ? UInt64.max : b
        }
    }

    /// Everything the swap loop needs from the pair, besides its bins.
    public struct PairState: Sendable, Hashable {
        public var activeId: Int32
        public var fees: FeeParameters
        public var volatility: VolatilityState
        /// The LbPair's own 16-word bin-array bitmap.
        public var bitmap: [UInt64]
        public var supportsLimitOrders: Bool
        /// `collect_fee_mode`: 0 InputOnly, 1 OnlyY (fee taken in Y: on the output when selling X).
        public var collectFeeMode: UInt8
        /// The bitmap-extension account (arrays beyond index ±512).
        public var bitmapExtension: ExtensionState

        public init(
            activeId: Int32, fees: FeeParameters, volatility: VolatilityState, bitmap: [UInt64],
            supportsLimitOrders: Bool, collectFeeMode: UInt8, bitmapExtension: ExtensionState = .absent
        ) {
            self.bitmapExtension = bitmapExtension
            self.activeId = activeId
            self.fees = fees
            self.volatility = volatility
            self.bitmap = bitmap
            self.supportsLimitOrders = supportsLimitOrders
            self.collectFeeMode = collectFeeMode
        }

        /// `fee_on_input`: InputOnly → always; OnlyY → only when the input is Y. Unknown modes → input.
        public func feeOnInput(swapForY: Bool) -> Bool {
            collectFeeMode == 1 ? !swapForY : true
        }
    }

    public enum SwapFailure: Error, Sendable, Hashable {
        /// No bin array with liquidity in the swap direction ("Pool out of liquidity").
        case outOfLiquidity
        /// The walk needs this bin array but its bytes were not supplied.
        case missingBinArray(Int32)
        /// The walk left the default bitmap range and the bitmap-extension account was not supplied.
        case needsBitmapExtension(Int32)
        /// Active bin moved past ±443636 ("Insufficient liquidity").
        case binIdOutOfRange
        case overflow
    }

    public struct SwapResult: Sendable, Hashable {
        /// Exact-in: input consumed (≤ requested; equal unless liquidity ran out). Exact-out: input required.
        public var amountIn: UInt64
        public var amountOut: UInt64
        public var fee: UInt64
        public var protocolFee: UInt64
        /// Bins in which liquidity was taken.
        public var binsCrossed: Int
        /// Bin-array indices the swap touched, in order (the swap instruction's remaining accounts).
        public var binArraysTouched: [Int32]
        public var endActiveId: Int32
        /// Per bin the swap took liquidity from, in order: what the program adds to / removes from the bin.
        public var fills: [BinFill] = []
        /// The pair's volatility parameters after the swap (what the program writes back to `v_parameters`).
        public var volatility: VolatilityState? = nil
    }

    /// One bin's part of a swap (`swap_exact_in/out_quote_at_bin` result): `amountIn` includes the fee when the
    /// fee is charged on the input; `amountOut` excludes it when charged on the output.
    public struct BinFill: Sendable, Hashable {
        public var binId: Int32
        public var amountIn: UInt64
        public var amountOut: UInt64
        public var fee: UInt64
        public var protocolFee: UInt64
        public var feeOnInput: Bool
    }

    struct BinQuote {
        var amountIn: UInt64
        var amountOut: UInt64
        var fee: UInt64
        var protocolFee: UInt64
    }

    struct Fill {
        var amountIn: UInt64
        var amountLeft: UInt64
        var out: UInt64
    }

    static func fill(price: UInt128, amount: UInt64, maxOut: UInt64, swapForY: Bool) throws(SwapFailure) -> Fill {
        if maxOut == 0 { return Fill(amountIn: 0, amountLeft: amount, out: 0) }
        guard let maxIn = amountIn(maxOut, price: price, swapForY: swapForY, .up) else { throw .overflow }
        if amount >= maxIn {
            return Fill(amountIn: maxIn, amountLeft: amount - maxIn, out: maxOut)
        }
        guard let out = amountOut(amount, price: price, swapForY: swapForY, .down) else { throw .overflow }
        return Fill(amountIn: amount, amountLeft: 0, out: out)
    }

    /// `get_exact_in_fill_amount_result`: market-making liquidity first, then processed, then open limit orders.
    static func fillLayers(
        _ bin: Bin, price: UInt128, amount: UInt64, swapForY: Bool, supportLimitOrder: Bool
    ) throws(SwapFailure) -> (amountIn: UInt64, amountLeft: UInt64, out: UInt64, mmAmountIn: UInt64) {
        let mm = try fill(
            price: price, amount: amount, maxOut: bin.marketMakingOut(swapForY: swapForY), swapForY: swapForY)
        guard supportLimitOrder else { return (mm.amountIn, mm.amountLeft, mm.out, mm.amountIn) }
        var totalIn = mm.amountIn
        var totalOut = mm.out
        if mm.amountLeft > 0 {
            let lo = bin.limitOrders(swapForY: swapForY)
            let processed = try fill(price: price, amount: mm.amountLeft, maxOut: lo.processed, swapForY: swapForY)
            totalIn += processed.amountIn
            let (o1, f1) = totalOut.addingReportingOverflow(processed.out)
            guard !f1 else { throw .overflow }
            totalOut = o1
            if processed.amountLeft > 0 {
                let open = try fill(price: price, amount: processed.amountLeft, maxOut: lo.open, swapForY: swapForY)
                totalIn += open.amountIn
                let (o2, f2) = totalOut.addingReportingOverflow(open.out)
                guard !f2 else { throw .overflow }
                totalOut = o2
            }
        }
        return (totalIn, amount - totalIn, totalOut, mm.amountIn)
    }

    /// `split_fee`: protocol part of a bin's fee, with limit-order fills sharing their fee with the order placer.
    static func splitProtocolFee(_ fee: UInt64, protocolShare: UInt16, mmAmountIn: UInt64, totalAmountIn: UInt64)
        -> UInt64
    {
        if totalAmountIn == 0 || fee == 0 { return 0 }
        let mmFee = UInt64((UInt128(fee) * UInt128(mmAmountIn) + UInt128(totalAmountIn) - 1) / UInt128(totalAmountIn))
        let loTotal = fee - mmFee
        let loFee = UInt64(UInt128(loTotal) * UInt128(limitOrderFeeShare) / UInt128(basisPointMax))
        let loProtocol = loTotal - loFee
        let mmProtocol = UInt64(UInt128(mmFee) * UInt128(protocolShare) / UInt128(basisPointMax))
        return loProtocol + mmProtocol
    }

    /// `swap_exact_in_quote_at_bin`.
    static func exactInAtBin(
        _ bin: Bin, price: UInt128, amount: UInt64, swapForY: Bool, rate: UInt64, protocolShare: UInt16,
        supportLimitOrder: Bool, feeOnInput: Bool
    ) throws(SwapFailure) -> BinQuote {
        var tradingFee: UInt64 = 0
        var excludedIn = amount
        if feeOnInput {
            tradingFee = feeIncluded(amount, rate: rate)
            excludedIn = amount - tradingFee
        }
        let r = try fillLayers(
            bin, price: price, amount: excludedIn, swapForY: swapForY, supportLimitOrder: supportLimitOrder)
        var includedIn = amount
        if r.amountLeft > 0 {
            excludedIn -= r.amountLeft
            if feeOnInput {
                guard let fee = feeOnTop(excludedIn, rate: rate) else { throw .overflow }
                tradingFee = fee
                let (s, o) = excludedIn.addingReportingOverflow(fee)
                guard !o else { throw .overflow }
                includedIn = s
            } else {
                includedIn = excludedIn
            }
        }
        var excludedOut = r.out
        if !feeOnInput {
            tradingFee = feeIncluded(r.out, rate: rate)
            excludedOut = r.out - tradingFee
        }
        let pf = splitProtocolFee(
            tradingFee, protocolShare: protocolShare, mmAmountIn: r.mmAmountIn, totalAmountIn: r.amountIn)
        return BinQuote(amountIn: includedIn, amountOut: excludedOut, fee: tradingFee, protocolFee: pf)
    }

    /// `get_excluded_fee_amount_in`: input (before fee) needed to take `out` from the bin's layers.
    static func excludedFeeAmountIn(_ bin: Bin, price: UInt128, swapForY: Bool, out: UInt64) throws(SwapFailure)
        -> UInt64
    {
        let lo = bin.limitOrders(swapForY: swapForY)
        var remaining = out
        var total: UInt64 = 0
        for layer in [bin.marketMakingOut(swapForY: swapForY), lo.processed, lo.open] {
            let take = min(remaining, layer)
            guard let inAmt = amountIn(take, price: price, swapForY: swapForY, .up) else { throw .overflow }
            remaining -= take
            let (s, o) = total.addingReportingOverflow(inAmt)
            guard !o else { throw .overflow }
            total = s
            if remaining == 0 { break }
        }
        return total
    }

    /// `swap_exact_out_quote_at_bin`.
    static func exactOutAtBin(
        _ bin: Bin, price: UInt128, out: UInt64, swapForY: Bool, rate: UInt64, protocolShare: UInt16,
        supportLimitOrder: Bool, feeOnInput: Bool
    ) throws(SwapFailure) -> BinQuote {
        var includedOut = out
        if !feeOnInput {
            guard let fee = feeOnTop(out, rate: rate) else { throw .overflow }
            let (s, o) = out.addingReportingOverflow(fee)
            guard !o else { throw .overflow }
            includedOut = s
        }
        let maxOut = bin.maxOut(swapForY: swapForY, supportLimitOrder: supportLimitOrder)
        if includedOut >= maxOut {
            return try exactInAtBin(
                bin, price: price, amount: .max, swapForY: swapForY, rate: rate, protocolShare: protocolShare,
                supportLimitOrder: supportLimitOrder, feeOnInput: feeOnInput)
        }
        let excludedIn = try excludedFeeAmountIn(bin, price: price, swapForY: swapForY, out: includedOut)
        var includedIn = excludedIn
        if feeOnInput {
            guard let fee = feeOnTop(excludedIn, rate: rate) else { throw .overflow }
            let (s, o) = excludedIn.addingReportingOverflow(fee)
            guard !o else { throw .overflow }
            includedIn = s
        }
        var r = try exactInAtBin(
            bin, price: price, amount: includedIn, swapForY: swapForY, rate: rate, protocolShare: protocolShare,
            supportLimitOrder: supportLimitOrder, feeOnInput: feeOnInput)
        if r.amountOut > out {
            let delta = r.amountOut - out
            if delta > 1 {
                let (pf, o) = r.protocolFee.addingReportingOverflow(delta)
                guard !o else { throw .overflow }
                r.protocolFee = pf
            }
        }
        r.amountOut = out
        return r
    }

    /// Runs the SDK's `quote_exact_in` / `quote_exact_out` loop (after transfer fees, which the caller applies).
    /// `binAt(arrayIndex)` returns the array's 70 bins (slot i = bin id index·70 + i) or nil when not loaded.
    /// `now` is the cluster unix timestamp used by `update_references`.
    public static func swap(
        pair: PairState, amount: UInt64, swapForY: Bool, exactIn: Bool, now: Int64,
        binArray: (Int32) -> [Bin]?
    ) throws(SwapFailure) -> SwapResult {
        var activeId = pair.activeId
        var vol = pair.volatility
        guard vol.updateReferences(now: now, activeId: activeId, parameters: pair.fees) else { throw .overflow }
        let feeOnInput = pair.feeOnInput(swapForY: swapForY)
        var left = amount
        var totalIn: UInt64 = 0
        var totalOut: UInt64 = 0
        var totalFee: UInt64 = 0
        var totalProtocol: UInt64 = 0
        var crossed = 0
        var touched: [Int32] = []
        var fills: [BinFill] = []

        while left > 0 {
            let start = binArrayIndex(binId: activeId)
            guard
                let nextIndex = try nextBinArrayWithLiquidity(
                    bitmap: pair.bitmap, extension: pair.bitmapExtension, swapForY: swapForY, start: start)
            else {
                throw .outOfLiquidity  // the SDK's "Pool out of liquidity"
            }
            let next = (index: nextIndex, hasLiquidity: true)
            guard let bins = binArray(next.index), bins.count == Int(maxBinPerArray) else {
                throw .missingBinArray(next.index)
            }
            touched.append(next.index)
            let bounds = binArrayBounds(index: next.index)
            if start != next.index { activeId = swapForY ? bounds.upper : bounds.lower }
            while activeId >= bounds.lower && activeId <= bounds.upper && left > 0 {
                let bin = bins[Int(activeId - bounds.lower)]
                let maxOut = bin.maxOut(swapForY: swapForY, supportLimitOrder: pair.supportsLimitOrders)
                if maxOut > 0 {
                    vol.updateVolatilityAccumulator(activeId: activeId, parameters: pair.fees)
                    guard let rate = pair.fees.totalFeeRate(volatilityAccumulator: vol.volatilityAccumulator) else {
                        throw .overflow
                    }
                    var price = bin.price
                    if price == 0 {
                        guard let p = DLMM.price(binId: activeId, binStep: pair.fees.binStep) else { throw .overflow }
                        price = p
                    }
                    let q =
                        exactIn
                        ? try exactInAtBin(
                            bin, price: price, amount: left, swapForY: swapForY, rate: rate,
                            protocolShare: pair.fees.protocolShare, supportLimitOrder: pair.supportsLimitOrders,
                            feeOnInput: feeOnInput)
                        : try exactOutAtBin(
                            bin, price: price, out: left, swapForY: swapForY, rate: rate,
                            protocolShare: pair.fees.protocolShare, supportLimitOrder: pair.supportsLimitOrders,
                            feeOnInput: feeOnInput)
                    if exactIn ? q.amountIn > 0 : q.amountOut > 0 {
                        if exactIn {
                            left -= q.amountIn
                        } else {
                            guard q.amountOut <= left else { throw .overflow }
                            left -= q.amountOut
                        }
                        let (i, o1) = totalIn.addingReportingOverflow(q.amountIn)
                        let (u, o2) = totalOut.addingReportingOverflow(q.amountOut)
                        let (f, o3) = totalFee.addingReportingOverflow(q.fee)
                        let (p, o4) = totalProtocol.addingReportingOverflow(q.protocolFee)
                        guard !o1, !o2, !o3, !o4 else { throw .overflow }
                        (totalIn, totalOut, totalFee, totalProtocol) = (i, u, f, p)
                        crossed += 1
                        fills.append(
                            BinFill(
                                binId: activeId, amountIn: q.amountIn, amountOut: q.amountOut, fee: q.fee,
                                protocolFee: q.protocolFee, feeOnInput: feeOnInput))
                    }
                }
                if left > 0 {
                    let nextId = swapForY ? activeId - 1 : activeId + 1
                    guard nextId >= minBinId && nextId <= maxBinId else { throw .binIdOutOfRange }
                    activeId = nextId
                }
            }
        }
        return SwapResult(
            amountIn: totalIn, amountOut: totalOut, fee: totalFee, protocolFee: totalProtocol, binsCrossed: crossed,
            binArraysTouched: touched, endActiveId: activeId, fills: fills, volatility: vol)
    }
}
