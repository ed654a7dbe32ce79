import ArbMath
import SolanaPrimitives

/// A quote with everything the swap instruction needs to reproduce it.
public struct WhirlpoolQuoteDetail: Hashable, Sendable {
    public var quote: Quote
    public var swap: WhirlpoolSwapResult
    /// The program's tick-array sequence for this direction (always three starts; pass all three).
    public var tickArrayStarts: [Int32]
    public var transferFees: TransferFees
}

extension WhirlpoolMathError {
    var venueError: VenueError {
        switch self {
        case .zeroTradableAmount:
            return VenueError(.zeroAmount, "Whirlpool: \(rawValue)")
        case .tickArraySequenceInvalidIndex:
            return VenueError(
                .insufficientLiquidity, "Whirlpool: the swap runs past the 3 tick arrays one swap can use")
        case .tokenMaxExceeded, .tokenMinSubceeded, .sqrtPriceOutOfBounds, .partialFillError:
            return VenueError(.insufficientLiquidity, "Whirlpool: \(rawValue)")
        case .invalidTimestamp:
            return VenueError(.invalidState, "Whirlpool: clock is behind the oracle's last update (InvalidTimestamp)")
        case .invalidTickArraySequence, .invalidSqrtPriceLimitDirection, .invalidTickSpacing:
            return VenueError(.invalidState, "Whirlpool: \(rawValue)")
        default:
            return VenueError(.mathOverflow, "Whirlpool: \(rawValue)")
        }
    }
}

extension WhirlpoolVenue {
    /// The tick arrays the program would load for a swap in this direction, as far as they are known: the
    /// sequence stops at the first array whose account was not supplied (the program stops likewise at the
    /// first array not passed). Returns the full start sequence too.
    func tickSequence(aToB: Bool) -> (arrays: [WhirlpoolTickArray], starts: [Int32]) {
        let starts = WhirlpoolMath.swapTickArrayStarts(
            tickCurrentIndex: state.tickCurrentIndex, tickSpacing: state.tickSpacing, aToB: aToB)
        var arrays: [WhirlpoolTickArray] = []
        for s in starts {
            guard let a = tickArrays[s] else { break }
            arrays.append(a)
        }
        return (arrays, starts)
    }

    func runSwap(amount: UInt64, exactIn: Bool, aToB: Bool) throws(VenueError) -> (WhirlpoolSwapResult, [Int32]) {
        let (arrays, starts) = tickSequence(aToB: aToB)
        guard !arrays.isEmpty else {
            throw VenueError(
                .missingAccount, "Whirlpool \(address): tick array \(tickArrayAddress(starts[0])) not loaded")
        }
        var adaptive: (constants: WhirlpoolAdaptiveFeeConstants, variables: WhirlpoolAdaptiveFeeVariables)?
        var timestamp: UInt64 = 0
        if state.isAdaptiveFee {
            guard let oracle else {
                throw VenueError(
                    .missingAccount, "Whirlpool \(address): adaptive-fee oracle \(oracleAddress) not loaded")
            }
            guard let now = unixTimestamp, now >= 0 else {
                throw VenueError(.missingAccount, "Whirlpool \(address): adaptive fee needs the Clock sysvar")
            }
            guard UInt64(now) >= oracle.tradeEnableTimestamp else {
                throw VenueError(.poolDisabled, "Whirlpool \(address): trading opens at \(oracle.tradeEnableTimestamp)")
            }
            adaptive = (oracle.constants, oracle.variables)
            timestamp = UInt64(now)
        }
        do {
            let r = try WhirlpoolMath.swap(
                pool: state.swapPool, tickArrays: arrays, amount: amount, sqrtPriceLimit: 0,
                amountSpecifiedIsInput: exactIn, aToB: aToB, adaptiveFee: adaptive, timestamp: timestamp)
            return (r, starts)
        } catch .tickArraySequenceInvalidIndex where arrays.count < starts.count {
            throw VenueError(
                .missingAccount,
                "Whirlpool \(address): tick array \(tickArrayAddress(starts[arrays.count])) needed but not loaded")
        } catch {
            throw error.venueError
        }
    }

    public func quoteDetail(_ request: QuoteRequest) throws(VenueError) -> WhirlpoolQuoteDetail {
        guard let vaultA, let vaultB else {
            throw VenueError(.missingAccount, "Whirlpool \(address): vaults not loaded (call update)")
        }
        guard request.amount > 0 else { throw VenueError(.zeroAmount, "Whirlpool: zero amount") }
        let aToB = request.direction == .aToB
        let (inVault, outVault) = aToB ? (vaultA, vaultB) : (vaultB, vaultA)
        let fees = try swapTransferFees(
            inputVault: inVault, inputMint: aToB ? mintAccountA : mintAccountB,
            outputVault: outVault, outputMint: aToB ? mintAccountB : mintAccountA, epoch: epoch)

        let result: WhirlpoolSwapResult
        let starts: [Int32]
        let grossIn: UInt64
        let netOut: UInt64
        if request.exactIn {
            let netIn = try fees.excluded(fees.input, request.amount)
            guard netIn > 0 else { throw VenueError(.zeroAmount, "Whirlpool: input is all transfer fee") }
            (result, starts) = try runSwap(amount: netIn, exactIn: true, aToB: aToB)
            let poolIn = aToB ? result.amountA : result.amountB
            grossIn = poolIn == netIn ? request.amount : try fees.included(fees.input, poolIn)
            netOut = try fees.excluded(fees.output, aToB ? result.amountB : result.amountA)
        } else {
            let grossOut = try fees.included(fees.output, request.amount)
            (result, starts) = try runSwap(amount: grossOut, exactIn: false, aToB: aToB)
            grossIn = try fees.included(fees.input, aToB ? result.amountA : result.amountB)
            netOut = try fees.excluded(fees.output, aToB ? result.amountB : result.amountA)
        }
        let poolOut = aToB ? result.amountB : result.amountA
        guard poolOut <= outVault.amount else {
            throw VenueError(
                .insufficientLiquidity, "Whirlpool \(address): output \(poolOut) exceeds vault \(outVault.amount)")
        }
        return WhirlpoolQuoteDetail(
            quote: Quote(amountIn: grossIn, amountOut: netOut, fee: result.totalFee, crossings: result.ticksCrossed),
            swap: result, tickArrayStarts: starts, transferFees: fees)
    }

    public func quote(_ request: QuoteRequest) throws(VenueError) -> Quote {
        try quoteDetail(request).quote
    }
}
