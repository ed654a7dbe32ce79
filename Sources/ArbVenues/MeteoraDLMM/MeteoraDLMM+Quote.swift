import ArbMath
import SolanaPrimitives

extension MeteoraDLMMPair {
    /// The unix time the quote assumes: the clock sysvar when supplied, else the pair's own last update time
    /// (elapsed 0: the volatility references stay as stored, as for a swap in the same second).
    public var quoteTimestamp: Int64 { clock?.unixTimestamp ?? volatility.lastUpdateTimestamp }

    /// `validate_swap_activation`: enabled status; permissioned pairs only after their activation point.
    func checkActivation() throws(VenueError) {
        guard status == 0 else { throw VenueError(.poolDisabled, "DLMM pair \(address): status \(status)") }
        if pairType == 1 || pairType == 2, activationPoint > 0 {
            guard let clock else {
                throw VenueError(.poolDisabled, "DLMM pair \(address): activation point \(activationPoint) needs the clock")
            }
            let current: UInt64 = activationType == 0 ? clock.slot : UInt64(max(clock.unixTimestamp, 0))
            guard current >= activationPoint else {
                throw VenueError(.poolDisabled, "DLMM pair \(address): activates at \(activationPoint)")
            }
        }
    }

    var pairState: DLMM.PairState {
        DLMM.PairState(
            activeId: activeId, fees: fees, volatility: volatility, bitmap: bitmap,
            supportsLimitOrders: supportsLimitOrders, collectFeeMode: collectFeeMode)
    }

    /// The full per-swap result (fees, protocol fee, bins crossed, bin arrays touched).
    public func swapResult(_ request: QuoteRequest) throws(VenueError) -> DLMM.SwapResult {
        try checkActivation()
        try mintX?.requireNoTransferFee(venue: "DLMM pair \(address)")
        try mintY?.requireNoTransferFee(venue: "DLMM pair \(address)")
        guard request.amount > 0 else { throw VenueError(.zeroAmount, "DLMM: amount is 0") }
        let swapForY = request.direction == .aToB
        let arrays = binArrays
        do {
            return try DLMM.swap(
                pair: pairState, amount: request.amount, swapForY: swapForY, exactIn: request.exactIn,
                now: quoteTimestamp, binArray: { arrays[$0]?.bins })
        } catch {
            switch error {
            case .outOfLiquidity, .binIdOutOfRange:
                throw VenueError(.insufficientLiquidity, "DLMM pair \(address): pool out of liquidity for \(request.amount)")
            case .missingBinArray(let i):
                throw VenueError(.missingAccount, "DLMM pair \(address): bin array \(i) needed but not loaded")
            case .needsBitmapExtension(let i):
                throw VenueError(.unsupported, "DLMM pair \(address): bin array \(i) is outside the default bitmap (extension not supported)")
            case .overflow:
                throw VenueError(.mathOverflow, "DLMM pair \(address): arithmetic overflow")
            }
        }
    }

    /// `Quote.fee` is the trading fee when charged on the input token; with `collect_fee_mode` OnlyY and an
    /// X→Y swap the fee is taken from the output (already excluded from `amountOut`) and reported as 0 here —
    /// see `swapResult` for the amount.
    public func quote(_ request: QuoteRequest) throws(VenueError) -> Quote {
        let r = try swapResult(request)
        let onInput = pairState.feeOnInput(swapForY: request.direction == .aToB)
        if request.exactIn && r.amountIn != request.amount {
            throw VenueError(.insufficientLiquidity, "DLMM pair \(address): only \(r.amountIn) of \(request.amount) fillable")
        }
        return Quote(amountIn: r.amountIn, amountOut: r.amountOut, fee: onInput ? r.fee : 0, crossings: r.binsCrossed)
    }

    /// Price of the active bin (Q64.64, Y per X) recomputed from its id, as the program does.
    public var activePrice: UInt128? { DLMM.price(binId: activeId, binStep: fees.binStep) }
}
