import ArbMath
import SolanaPrimitives

extension RaydiumCPMMPool {
    /// Reserves as the program swaps against them: vault − protocol − fund − creator fees (`vault_amount_without_fee`).
    public func reserves() throws(VenueError) -> (token0: UInt64, token1: UInt64) {
        guard let a0 = vault0Amount, let a1 = vault1Amount else {
            throw VenueError(.missingAccount, "CPMM pool \(address): vault balances not loaded (call update)")
        }
        let (f0a, o1) = protocolFees.token0.addingReportingOverflow(fundFees.token0)
        let (f0, o2) = f0a.addingReportingOverflow(creatorFees.token0)
        let (f1a, o3) = protocolFees.token1.addingReportingOverflow(fundFees.token1)
        let (f1, o4) = f1a.addingReportingOverflow(creatorFees.token1)
        guard !o1, !o2, !o3, !o4 else { throw VenueError(.mathOverflow, "CPMM pool \(address): accrued fees overflow") }
        guard a0 >= f0, a1 >= f1 else {
            throw VenueError(.invalidState, "CPMM pool \(address): accrued fees exceed vault balance")
        }
        return (a0 - f0, a1 - f1)
    }

    /// `is_creator_fee_on_input`.
    func creatorFeeOnInput(_ direction: SwapDirection) -> Bool {
        switch creatorFeeOn {
        case 0: return true
        case 1: return direction == .aToB
        default: return direction == .bToA
        }
    }

    public func quote(_ request: QuoteRequest) throws(VenueError) -> Quote {
        guard status & RaydiumCPMMLayout.swapDisabledBit == 0 else {
            throw VenueError(.poolDisabled, "CPMM pool \(address): swap disabled (status \(status))")
        }
        if let clock, clock.unixTimestamp < 0 || UInt64(clock.unixTimestamp) < openTime {
            throw VenueError(.poolDisabled, "CPMM pool \(address): opens at \(openTime)")
        }
        guard let config else { throw VenueError(.missingAccount, "CPMM pool \(address): amm config not loaded") }
        guard request.amount > 0 else { throw VenueError(.zeroAmount, "CPMM: amount is 0") }
        let (r0, r1) = try reserves()
        // token_price_x32 divides by both reserves: the program fails on an empty side.
        guard r0 > 0, r1 > 0 else { throw VenueError(.insufficientLiquidity, "CPMM pool \(address): empty reserve") }
        let aToB = request.direction == .aToB
        let (reserveIn, reserveOut) = aToB ? (r0, r1) : (r1, r0)
        // Token-2022 transfer fees (swap_base_input/output.rs): the input transfer loses its fee before the
        // curve; the output transfer loses its fee after it. Exact-out grosses both sides up.
        let epoch = clock?.epoch
        let fee0 = try VenueTransferFee.fee(
            mint0, tokenProgram: token0Program, epoch: epoch, venue: "CPMM pool \(address)")
        let fee1 = try VenueTransferFee.fee(
            mint1, tokenProgram: token1Program, epoch: epoch, venue: "CPMM pool \(address)")
        let (feeIn, feeOut) = aToB ? (fee0, fee1) : (fee1, fee0)
        let rates = RaydiumCPMMMath.Rates(
            trade: config.tradeFeeRate, protocolRate: config.protocolFeeRate, fund: config.fundFeeRate,
            creator: enableCreatorFee ? config.creatorFeeRate : 0)
        let onInput = creatorFeeOnInput(request.direction)
        if request.exactIn {
            let actualIn = try VenueTransferFee.excluded(feeIn, request.amount)
            guard actualIn > 0 else {
                throw VenueError(.insufficientLiquidity, "CPMM pool \(address): input consumed by transfer fee")
            }
            guard
                let r = RaydiumCPMMMath.swapBaseInput(
                    amountIn: actualIn, reserveIn: reserveIn, reserveOut: reserveOut, rates: rates,
                    creatorFeeOnInput: onInput)
            else {
                throw VenueError(
                    .insufficientLiquidity, "CPMM pool \(address): swap of \(request.amount) yields nothing")
            }
            let received = try VenueTransferFee.excluded(feeOut, r.outputAmount)
            guard received > 0 else {
                throw VenueError(
                    .insufficientLiquidity, "CPMM pool \(address): swap of \(request.amount) yields nothing")
            }
            // Fees in the input token: trade fee, plus the creator fee when it is charged on the input.
            return Quote(amountIn: request.amount, amountOut: received, fee: r.tradeFee + (onInput ? r.creatorFee : 0))
        }
        let grossOut = try VenueTransferFee.included(feeOut, request.amount)
        guard
            let r = RaydiumCPMMMath.swapBaseOutput(
                amountOut: grossOut, reserveIn: reserveIn, reserveOut: reserveOut, rates: rates,
                creatorFeeOnInput: onInput),
            r.inputAmount > 0
        else {
            throw VenueError(.insufficientLiquidity, "CPMM pool \(address): cannot take \(request.amount) out")
        }
        let grossIn = try VenueTransferFee.included(feeIn, r.inputAmount)
        return Quote(amountIn: grossIn, amountOut: request.amount, fee: r.tradeFee + (onInput ? r.creatorFee : 0))
    }
}
