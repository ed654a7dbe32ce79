import ArbMath
import SolanaPrimitives

public struct RaydiumCLMMQuoteDetail: Hashable, Sendable {
    public var quote: Quote
    public var swap: ClmmSwapResult
    public var transferFees: TransferFees
}

extension RaydiumCLMMVenue {
    func mapError(_ e: ClmmMathError, missingStart: Int32?) -> VenueError {
        switch e {
        case .zeroAmountSpecified:
            return VenueError(.zeroAmount, "CLMM: zero amount")
        case .tooSmallInputOrOutputAmount:
            return VenueError(
                .zeroAmount, "CLMM \(address): input or output rounds to zero (TooSmallInputOrOutputAmount)")
        case .notApproved:
            return VenueError(.poolDisabled, "CLMM \(address): swaps disabled by pool status")
        case .liquidityInsufficient, .insufficientLiquidityForDirection, .sqrtPriceLimitOverflow:
            return VenueError(.insufficientLiquidity, "CLMM \(address): \(e.rawValue)")
        case .missingTickArrayBitmapExtensionAccount where bitmapExtensionAbsent:
            return VenueError(
                .insufficientLiquidity,
                "CLMM \(address): no liquidity within the default bitmap and no extension account")
        case .missingTickArrayBitmapExtensionAccount:
            return VenueError(.missingAccount, "CLMM \(address): bitmap extension \(bitmapExtensionAddress) not loaded")
        case .notEnoughTickArrayAccount:
            let which = missingStart.map { " \(tickArrayAddress($0)) (start \($0))" } ?? ""
            return VenueError(.missingAccount, "CLMM \(address): tick array\(which) not loaded")
        case .limitOrdersUnsupported:
            return VenueError(.unsupported, "CLMM \(address): swap crosses a tick with limit orders (2026 feature)")
        case .invalidTickArray, .invalidTickIndex, .invalidTickArrayBoundary, .requireViolated:
            return VenueError(.invalidState, "CLMM \(address): \(e.rawValue)")
        default:
            return VenueError(.mathOverflow, "CLMM \(address): \(e.rawValue)")
        }
    }

    func runSwap(amount: UInt64, zeroForOne: Bool, isBaseInput: Bool) throws(VenueError) -> ClmmSwapResult {
        let pool = try swapPool()
        var missing: Int32?
        do {
            return try ClmmMath.swap(
                pool: pool, bitmapExtension: bitmapExtension,
                tickArray: { start in
                    let a = tickArrays[start]
                    if a == nil { missing = start }
                    return a
                },
                amount: amount, sqrtPriceLimit: 0, zeroForOne: zeroForOne, isBaseInput: isBaseInput)
        } catch {
            throw mapError(error, missingStart: missing)
        }
    }

    /// Refuses what this model does not reproduce: 2026 fee-on-output pools and dynamic fees.
    func checkSupported() throws(VenueError) {
        if state.feeOn != 0 {
            throw VenueError(.unsupported, "CLMM \(address): fee_on=\(state.feeOn) (fee on output) not modelled")
        }
        if state.hasDynamicFee {
            throw VenueError(.unsupported, "CLMM \(address): dynamic fee not modelled")
        }
        // exact_internal: `require_gt!(block_timestamp, pool_state.open_time)`.
        if state.openTime > 0 {
            guard let now = unixTimestamp else {
                throw VenueError(
                    .missingAccount, "CLMM \(address): open_time \(state.openTime) set; supply the Clock sysvar")
            }
            guard now > 0 && UInt64(now) > state.openTime else {
                throw VenueError(.poolDisabled, "CLMM \(address): opens at \(state.openTime), now \(now)")
            }
        }
    }

    public func quoteDetail(_ request: QuoteRequest) throws(VenueError) -> RaydiumCLMMQuoteDetail {
        try checkSupported()
        guard let vault0, let vault1 else {
            throw VenueError(.missingAccount, "CLMM \(address): vaults not loaded (call update)")
        }
        guard request.amount > 0 else { throw VenueError(.zeroAmount, "CLMM: zero amount") }
        let zeroForOne = request.direction == .aToB
        let (inVault, outVault) = zeroForOne ? (vault0, vault1) : (vault1, vault0)
        let fees = try swapTransferFees(
            inputVault: inVault, inputMint: zeroForOne ? mintAccount0 : mintAccount1,
            outputVault: outVault, outputMint: zeroForOne ? mintAccount1 : mintAccount0, epoch: epoch)
        let r: ClmmSwapResult
        let grossIn: UInt64
        if request.exactIn {
            let netIn = try fees.excluded(fees.input, request.amount)
            guard netIn > 0 else { throw VenueError(.zeroAmount, "CLMM: input is all transfer fee") }
            r = try runSwap(amount: netIn, zeroForOne: zeroForOne, isBaseInput: true)
            // swap_v2 without a price limit requires the whole specified input to be used.
            guard r.amountIn == netIn else {
                throw VenueError(
                    .insufficientLiquidity, "CLMM \(address): only \(r.amountIn) of \(netIn) can be swapped")
            }
            grossIn = request.amount
        } else {
            let grossOut = try fees.included(fees.output, request.amount)
            // swap_v2 (no price limit) then requires `amount_specified == amount out of the pool`, which a non-zero
            // output transfer fee makes impossible: the program rejects it, so do we.
            guard grossOut == request.amount else {
                throw VenueError(
                    .transferFeeUnsupported,
                    "CLMM \(address): exact-out into a transfer-fee token is rejected by swap_v2")
            }
            r = try runSwap(amount: grossOut, zeroForOne: zeroForOne, isBaseInput: false)
            grossIn = try fees.included(fees.input, r.amountIn)
        }
        // The program disables the pool when a swap drains the output vault (`vault.amount <= amount_out`).
        guard r.amountOut < outVault.amount else {
            throw VenueError(
                .insufficientLiquidity, "CLMM \(address): output \(r.amountOut) would drain vault \(outVault.amount)")
        }
        let netOut = try fees.excluded(fees.output, r.amountOut)
        return RaydiumCLMMQuoteDetail(
            quote: Quote(amountIn: grossIn, amountOut: netOut, fee: r.feeAmount, crossings: r.ticksCrossed),
            swap: r, transferFees: fees)
    }

    public func quote(_ request: QuoteRequest) throws(VenueError) -> Quote {
        try quoteDetail(request).quote
    }
}
