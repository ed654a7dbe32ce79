import ArbMath
import SolanaPrimitives

extension RaydiumAMMv4Pool {
    /// (coin, pc) reserves the program swaps against: vault amount − need_take_pnl (processor.rs
    /// `calc_total_without_take_pnl_no_orderbook`).
    public func reserves() throws(VenueError) -> (coin: UInt64, pc: UInt64) {
        guard let coinAmount = coinVaultAmount, let pcAmount = pcVaultAmount else {
            throw VenueError(.missingAccount, "AMM v4 pool \(address): vault balances not loaded (call update)")
        }
        guard coinAmount >= needTakePnlCoin, pcAmount >= needTakePnlPc else {
            throw VenueError(.invalidState, "AMM v4 pool \(address): need_take_pnl exceeds vault balance")
        }
        return (coinAmount - needTakePnlCoin, pcAmount - needTakePnlPc)
    }

    /// Swap permission as the program checks it. Only SwapOnly (6) pools — most live pools — are quoted:
    /// Initialized (1) pools had OpenOrders-inclusive reserves before raydium-amm #69 (Jul 2026) and which
    /// version is deployed is not known here; WaitingTrade (7) needs the cluster clock vs pool_open_time.
    func checkSwappable(now: Int64?) throws(VenueError) {
        switch RaydiumAMMv4Layout.Status(rawValue: status) {
        case .swapOnly:
            return
        case .waitingTrade:
            guard let now, now >= 0, UInt64(now) >= poolOpenTime else {
                throw VenueError(.poolDisabled, "AMM v4 pool \(address): waiting for open time \(poolOpenTime)")
            }
        case .initialized:
            throw VenueError(
                .unsupported,
                "AMM v4 pool \(address): status Initialized (orderbook-enabled reserves are version-dependent)")
        default:
            throw VenueError(.poolDisabled, "AMM v4 pool \(address): status \(status) has no swap permission")
        }
    }

    public func quote(_ request: QuoteRequest) throws(VenueError) -> Quote {
        try quote(request, now: nil)
    }

    /// `now`: cluster unix time, needed only for WaitingTrade pools.
    public func quote(_ request: QuoteRequest, now: Int64?) throws(VenueError) -> Quote {
        try checkSwappable(now: now)
        guard request.amount > 0 else { throw VenueError(.zeroAmount, "AMM v4: amount is 0") }
        let (coin, pc) = try reserves()
        let (reserveIn, reserveOut) = request.direction == .aToB ? (coin, pc) : (pc, coin)
        if request.exactIn {
            guard
                let r = RaydiumAMMv4Math.swapBaseIn(
                    amountIn: request.amount, reserveIn: reserveIn, reserveOut: reserveOut, fees: fees,
                    ceilDiv: ceilDivVersion)
            else {
                throw VenueError(
                    .insufficientLiquidity, "AMM v4 pool \(address): swap of \(request.amount) yields no valid output")
            }
            return Quote(amountIn: r.amountIn, amountOut: r.amountOut, fee: r.fee)
        }
        guard
            let r = RaydiumAMMv4Math.swapBaseOut(
                amountOut: request.amount, reserveIn: reserveIn, reserveOut: reserveOut, fees: fees,
                ceilDiv: ceilDivVersion)
        else {
            throw VenueError(.insufficientLiquidity, "AMM v4 pool \(address): cannot take \(request.amount) out")
        }
        return Quote(amountIn: r.amountIn, amountOut: r.amountOut, fee: r.fee)
    }
}
