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
        // Token-2022 transfer fees: refused until TransferFee math is wired in (never quoted as fee-free).
        try mint0?.requireNoTransferFee(venue: "CPMM pool \(address)")
        try mint1?.requireNoTransferFee(venue: "CPMM pool \(address)")
        guard request.amount > 0 else { throw VenueError(.zeroAmount, "CPMM: amount is 0") }
        let (r0, r1) = try reserves()
        // token_price_x32 divides by both reserves: the program fails on an empty side.
        guard r0 > 0, r1 > 0 else { throw VenueError(.insufficientLiquidity, "CPMM pool \(address): empty reserve") }
        let (reserveIn, reserveOut) = request.direction == .aToB ? (r0, r1) : (r1, r0)
        let rates = RaydiumCPMMMath.Rates(
            trade: config.tradeFeeRate, protocol_: config.protocolFeeRate, fund: config.fundFeeRate,
            creator: enableCreatorFee ? config.creatorFeeRate : 0)
        let onInput = creatorFeeOnInput(request.direction)
        if request.exactIn {
            guard let r = RaydiumCPMMMath.swapBaseInput(
                amountIn: request.amount, reserveIn: reserveIn, reserveOut: reserveOut, rates: rates,
                creatorFeeOnInput: onInput), r.outputAmount > 0
            else {
                throw VenueError(.insufficientLiquidity, "CPMM pool \(address): swap of \(request.amount) yields nothing")
            }
            // Fees in the input token: trade fee, plus the creator fee when it is charged on the input.
            let fee = r.tradeFee + (onInput ? r.creatorFee : 0)
            return Quote(amountIn: r.inputAmount, amountOut: r.outputAmount, fee: fee)
        }
        guard let r = RaydiumCPMMMath.swapBaseOutput(
            amountOut: request.amount, reserveIn: reserveIn, reserveOut: reserveOut, rates: rates, creatorFeeOnInput: onInput)
        else {
            throw VenueError(.insufficientLiquidity, "CPMM pool \(address): cannot take \(request.amount) out")
        }
        return Quote(amountIn: r.inputAmount, amountOut: r.outputAmount, fee: r.tradeFee + (onInput ? r.creatorFee : 0))
    }
}
