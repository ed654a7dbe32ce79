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
                throw VenueError(
                    .poolDisabled, "DLMM pair \(address): activation point \(activationPoint) needs the clock")
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
            supportsLimitOrders: supportsLimitOrders, collectFeeMode: collectFeeMode, bitmapExtension: bitmapExtension)
    }

    /// The full per-swap result (fees, protocol fee, bins crossed, bin arrays touched).
    public func swapResult(_ request: QuoteRequest) throws(VenueError) -> DLMM.SwapResult {
        try checkActivation()
        guard request.amount > 0 else { throw VenueError(.zeroAmount, "DLMM: amount is 0") }
        let swapForY = request.direction == .aToB
        // Token-2022 transfer fees as the SDK's quote_exact_in/out apply them around the bin walk.
        let feeX = try VenueTransferFee.fee(
            mintX, tokenProgram: tokenXProgram, epoch: clock?.epoch, venue: "DLMM pair \(address)")
        let feeY = try VenueTransferFee.fee(
            mintY, tokenProgram: tokenYProgram, epoch: clock?.epoch, venue: "DLMM pair \(address)")
        let (feeIn, feeOut) = swapForY ? (feeX, feeY) : (feeY, feeX)
        let arrays = binArrays
        do {
            if request.exactIn {
                let net = try VenueTransferFee.excluded(feeIn, request.amount)
                guard net > 0 else {
                    throw VenueError(.insufficientLiquidity, "DLMM pair \(address): input consumed by transfer fee")
                }
                var r = try DLMM.swap(
                    pair: pairState, amount: net, swapForY: swapForY, exactIn: true, now: quoteTimestamp,
                    binArray: { arrays[$0]?.bins })
                r.amountIn = request.amount
                r.amountOut = try VenueTransferFee.excluded(feeOut, r.amountOut)
                return r
            }
            let grossOut = try VenueTransferFee.included(feeOut, request.amount)
            var r = try DLMM.swap(
                pair: pairState, amount: grossOut, swapForY: swapForY, exactIn: false, now: quoteTimestamp,
                binArray: { arrays[$0]?.bins })
            r.amountIn = try VenueTransferFee.included(feeIn, r.amountIn)
            r.amountOut = request.amount
            return r
        } catch let error as DLMM.SwapFailure {
            switch error {
            case .outOfLiquidity, .binIdOutOfRange:
                throw VenueError(
                    .insufficientLiquidity, "DLMM pair \(address): pool out of liquidity for \(request.amount)")
            case .missingBinArray(let i):
                throw VenueError(.missingAccount, "DLMM pair \(address): bin array \(i) needed but not loaded")
            case .needsBitmapExtension(let i):
                throw VenueError(
                    .missingAccount,
                    "DLMM pair \(address): bin array \(i) is outside the default bitmap; supply the bitmap extension account"
                )
            case .overflow:
                throw VenueError(.mathOverflow, "DLMM pair \(address): arithmetic overflow")
            }
        } catch let error as VenueError {
            throw error
        } catch {
            throw VenueError(.invalidState, "DLMM pair \(address): \(error)")
        }
    }

    /// `Quote.fee` is the trading fee when charged on the input token; with `collect_fee_mode` OnlyY and an
    /// X→Y swap the fee is taken from the output (already excluded from `amountOut`) and reported as 0 here —
    /// see `swapResult` for the amount.
    public func quote(_ request: QuoteRequest) throws(VenueError) -> Quote {
        let r = try swapResult(request)
        let onInput = pairState.feeOnInput(swapForY: request.direction == .aToB)
        return Quote(amountIn: r.amountIn, amountOut: r.amountOut, fee: onInput ? r.fee : 0, crossings: r.binsCrossed)
    }

    /// Price of the active bin (Q64.64, Y per X) recomputed from its id, as the program does.
    public var activePrice: UInt128? { DLMM.price(binId: activeId, binStep: fees.binStep) }
}
