/// Constant-product (x·y = k) math exactly as Raydium AMM v4 and Raydium CPMM compute it on chain.
/// Every intermediate is `UInt128` (the programs use u128 / `U128`); every result that the program would
/// `unwrap()` or `as_u64()` into a panic is a `nil` here, so callers can turn it into a typed error.
public enum ConstantProduct {
    /// `floor(amountIn * reserveOut / (reserveIn + amountIn))` — raydium-cp-swap
    /// `ConstantProductCurve::swap_base_input_without_fees` and raydium-amm `swap_token_amount_base_in`.
    @inlinable
    public static func outputForInput(_ amountIn: UInt128, reserveIn: UInt128, reserveOut: UInt128) -> UInt128? {
        let (numerator, o1) = amountIn.multipliedReportingOverflow(by: reserveOut)
        let (denominator, o2) = reserveIn.addingReportingOverflow(amountIn)
        guard !o1, !o2, denominator != 0 else { return nil }
        return numerator / denominator
    }

    /// `ceil(reserveIn * amountOut / (reserveOut - amountOut))` — `swap_base_output_without_fees` /
    /// `swap_token_amount_base_out`. nil when `amountOut >= reserveOut` (the program panics or errors).
    @inlinable
    public static func inputForOutput(_ amountOut: UInt128, reserveIn: UInt128, reserveOut: UInt128) -> UInt128? {
        guard amountOut < reserveOut else { return nil }
        let (numerator, o1) = reserveIn.multipliedReportingOverflow(by: amountOut)
        guard !o1 else { return nil }
        return FullWidth.ceilDiv(numerator, reserveOut - amountOut)
    }
}

// MARK: - Raydium AMM v4

/// Raydium AMM v4 (`675kPX9…`) swap math: raydium-amm @27f461dd program/src/processor.rs
/// `process_swap_base_in` / `process_swap_base_out`, math.rs `Calculator`.
public enum RaydiumAMMv4Math {
    /// How `checked_ceil_div` rounds the swap fee. raydium-amm 78c6a81d (2025-08-26) replaced the SPL
    /// token-swap style ceil-div (quotient 0 → 1 only if 2·x ≥ d) by a plain ceiling; identical for
    /// fee inputs ≥ 400 units at the default 25/10000.
    public enum CeilDivVersion: Sendable, Hashable {
        /// Plain ceiling (current source).
        case plain
        /// Pre-78c6a81d: a zero quotient is rounded to 1 only when `2 * numerator >= denominator`.
        case legacySplTokenSwap
    }

    public struct Fees: Sendable, Hashable {
        public var numerator: UInt64
        public var denominator: UInt64
        public init(numerator: UInt64, denominator: UInt64) {
            self.numerator = numerator
            self.denominator = denominator
        }
    }

    public struct Result: Sendable, Hashable {
        public var amountIn: UInt64
        public var amountOut: UInt64
        public var fee: UInt64
    }

    static func ceilDiv(_ n: UInt128, _ d: UInt128, _ version: CeilDivVersion) -> UInt128? {
        guard d != 0 else { return nil }
        let (q, r) = n.quotientAndRemainder(dividingBy: d)
        switch version {
        case .plain:
            return r == 0 ? q : q + 1
        case .legacySplTokenSwap:
            // spl-math `checked_ceil_div` as vendored by raydium-amm before 78c6a81d: when the quotient is 0,
            // return 1 iff 2·n ≥ d; otherwise a plain ceiling.
            if q == 0 { return n * 2 >= d ? 1 : 0 }
            return r == 0 ? q : q + 1
        }
    }

    /// Exact-in: fee = ceil(amountIn·num/den), out = floor(reserveOut·(in − fee)/(reserveIn + in − fee)).
    /// nil = the program rejects (zero in or out, out ≥ reserve, overflow, bad fee fraction).
    public static func swapBaseIn(
        amountIn: UInt64, reserveIn: UInt64, reserveOut: UInt64, fees: Fees, ceilDiv version: CeilDivVersion = .plain
    ) -> Result? {
        guard amountIn > 0, fees.denominator > 0, fees.numerator <= fees.denominator else { return nil }
        guard let fee = ceilDiv(UInt128(amountIn) * UInt128(fees.numerator), UInt128(fees.denominator), version),
            fee <= UInt128(amountIn)
        else { return nil }
        let net = UInt128(amountIn) - fee
        guard
            let out = ConstantProduct.outputForInput(
                net, reserveIn: UInt128(reserveIn), reserveOut: UInt128(reserveOut)),
            out > 0, out < UInt128(reserveOut)
        else { return nil }
        return Result(amountIn: amountIn, amountOut: UInt64(out), fee: UInt64(fee))
    }

    /// Exact-out: in_before_fee = ceil(reserveIn·out/(reserveOut − out)); in = ceil(in_before_fee·den/(den − num)).
    public static func swapBaseOut(
        amountOut: UInt64, reserveIn: UInt64, reserveOut: UInt64, fees: Fees, ceilDiv version: CeilDivVersion = .plain
    ) -> Result? {
        guard amountOut > 0, fees.denominator > fees.numerator else { return nil }
        guard
            let before = ConstantProduct.inputForOutput(
                UInt128(amountOut), reserveIn: UInt128(reserveIn), reserveOut: UInt128(reserveOut))
        else { return nil }
        let (scaled, o) = before.multipliedReportingOverflow(by: UInt128(fees.denominator))
        guard !o, let withFee = ceilDiv(scaled, UInt128(fees.denominator - fees.numerator), version),
            withFee <= UInt128(UInt64.max), withFee > 0
        else { return nil }
        return Result(amountIn: UInt64(withFee), amountOut: amountOut, fee: UInt64(withFee - before))
    }
}

// MARK: - Raydium CPMM

/// Raydium CPMM (`CPMMoo8…`) math: raydium-cp-swap @609780f1 programs/cp-swap/src/curve/{calculator,fees}.rs.
/// Rates are in units of 1e-6 (`FEE_RATE_DENOMINATOR_VALUE`).
public enum RaydiumCPMMMath {
    public static let feeRateDenominator: UInt64 = 1_000_000

    public struct Rates: Sendable, Hashable {
        public var trade: UInt64
        public var protocolRate: UInt64
        public var fund: UInt64
        /// Already zeroed when the pool has `enable_creator_fee == false` (`adjust_creator_fee_rate`).
        public var creator: UInt64
        public init(trade: UInt64, protocolRate: UInt64, fund: UInt64, creator: UInt64) {
            self.trade = trade
            self.protocolRate = protocolRate
            self.fund = fund
            self.creator = creator
        }
    }

    public struct Result: Sendable, Hashable {
        /// Input the curve takes (after any Token-2022 input transfer fee).
        public var inputAmount: UInt64
        /// Output leaving the vault to the user (before any Token-2022 output transfer fee).
        public var outputAmount: UInt64
        public var tradeFee: UInt64
        public var protocolFee: UInt64
        public var fundFee: UInt64
        public var creatorFee: UInt64
        /// Whether `creatorFee` is denominated in the input token (else the output token).
        public var creatorFeeOnInput: Bool
    }

    @inlinable static func ceilMulDiv(_ a: UInt128, _ n: UInt128, _ d: UInt128) -> UInt128? {
        guard d != 0 else { return nil }
        let (p, o) = a.multipliedReportingOverflow(by: n)
        guard !o else { return nil }
        let (s, o2) = p.addingReportingOverflow(d - 1)
        guard !o2 else { return nil }
        return s / d
    }

    @inlinable static func floorMulDiv(_ a: UInt128, _ n: UInt128, _ d: UInt128) -> UInt128? {
        guard d != 0 else { return nil }
        let (p, o) = a.multipliedReportingOverflow(by: n)
        guard !o else { return nil }
        return p / d
    }

    /// `Fees::calculate_pre_fee_amount`: ceil(post·1e6/(1e6 − rate)); identity when rate is 0.
    @inlinable static func preFee(_ post: UInt128, _ rate: UInt64) -> UInt128? {
        if rate == 0 { return post }
        guard rate < feeRateDenominator else { return nil }
        return ceilMulDiv(post, UInt128(feeRateDenominator), UInt128(feeRateDenominator - rate))
    }

    /// `CurveCalculator::swap_base_input`; `reserveIn/Out` are vault amounts minus accrued protocol, fund and
    /// creator fees. nil when the program would fail (`ZeroTradingTokens`, overflow, zero reserves).
    public static func swapBaseInput(
        amountIn: UInt64, reserveIn: UInt64, reserveOut: UInt64, rates: Rates, creatorFeeOnInput: Bool
    ) -> Result? {
        guard rates.trade < feeRateDenominator, rates.creator < feeRateDenominator else { return nil }
        let input = UInt128(amountIn)
        var creatorFee: UInt128 = 0
        let tradeFee: UInt128
        let inputLessFees: UInt128
        if creatorFeeOnInput {
            guard let total = ceilMulDiv(input, UInt128(rates.trade + rates.creator), UInt128(feeRateDenominator)),
                let split = floorMulDiv(total, UInt128(rates.creator), UInt128(rates.trade + rates.creator)),
                total <= input
            else { return nil }
            creatorFee = split
            tradeFee = total - split
            inputLessFees = input - total
        } else {
            guard let fee = ceilMulDiv(input, UInt128(rates.trade), UInt128(feeRateDenominator)), fee <= input else {
                return nil
            }
            tradeFee = fee
            inputLessFees = input - fee
        }
        guard let protocolFee = floorMulDiv(tradeFee, UInt128(rates.protocolRate), UInt128(feeRateDenominator)),
            let fundFee = floorMulDiv(tradeFee, UInt128(rates.fund), UInt128(feeRateDenominator)),
            let swapped = ConstantProduct.outputForInput(
                inputLessFees, reserveIn: UInt128(reserveIn), reserveOut: UInt128(reserveOut)),
            swapped <= UInt128(reserveOut)
        else { return nil }
        var output = swapped
        if !creatorFeeOnInput {
            guard let fee = ceilMulDiv(swapped, UInt128(rates.creator), UInt128(feeRateDenominator)), fee <= swapped
            else { return nil }
            creatorFee = fee
            output = swapped - fee
        }
        guard output <= UInt128(UInt64.max), tradeFee <= UInt128(UInt64.max) else { return nil }
        return Result(
            inputAmount: amountIn, outputAmount: UInt64(output), tradeFee: UInt64(tradeFee),
            protocolFee: UInt64(protocolFee), fundFee: UInt64(fundFee), creatorFee: UInt64(creatorFee),
            creatorFeeOnInput: creatorFeeOnInput)
    }

    /// `CurveCalculator::swap_base_output`: the input needed for exactly `amountOut` leaving the vault.
    public static func swapBaseOutput(
        amountOut: UInt64, reserveIn: UInt64, reserveOut: UInt64, rates: Rates, creatorFeeOnInput: Bool
    ) -> Result? {
        guard rates.trade < feeRateDenominator, rates.creator < feeRateDenominator else { return nil }
        let out = UInt128(amountOut)
        var creatorFee: UInt128 = 0
        var actualOut = out
        if !creatorFeeOnInput {
            guard let gross = preFee(out, rates.creator) else { return nil }
            creatorFee = gross - out
            actualOut = gross
        }
        guard
            let swapped = ConstantProduct.inputForOutput(
                actualOut, reserveIn: UInt128(reserveIn), reserveOut: UInt128(reserveOut))
        else { return nil }
        let inputWithFee: UInt128
        let tradeFee: UInt128
        if creatorFeeOnInput {
            guard let withFee = preFee(swapped, rates.trade + rates.creator) else { return nil }
            let total = withFee - swapped
            guard let split = floorMulDiv(total, UInt128(rates.creator), UInt128(rates.trade + rates.creator)) else {
                return nil
            }
            creatorFee = split
            tradeFee = total - split
            inputWithFee = withFee
        } else {
            guard let withFee = preFee(swapped, rates.trade) else { return nil }
            tradeFee = withFee - swapped
            inputWithFee = withFee
        }
        guard let protocolFee = floorMulDiv(tradeFee, UInt128(rates.protocolRate), UInt128(feeRateDenominator)),
            let fundFee = floorMulDiv(tradeFee, UInt128(rates.fund), UInt128(feeRateDenominator)),
            inputWithFee <= UInt128(UInt64.max), creatorFee <= UInt128(UInt64.max)
        else { return nil }
        return Result(
            inputAmount: UInt64(inputWithFee), outputAmount: amountOut, tradeFee: UInt64(tradeFee),
            protocolFee: UInt64(protocolFee), fundFee: UInt64(fundFee), creatorFee: UInt64(creatorFee),
            creatorFeeOnInput: creatorFeeOnInput)
    }
}

extension RaydiumCPMMMath {
    /// `ConstantProductCurve::lp_tokens_to_trading_tokens`: token amounts for `lp` of `supply`; ceiling rounding
    /// adds 1 only to a non-zero amount with a remainder. nil on overflow or zero supply.
    public static func lpTokensToTradingTokens(
        lp: UInt128, supply: UInt128, vault0: UInt128, vault1: UInt128, roundUp: Bool
    ) -> (token0: UInt128, token1: UInt128)? {
        guard supply != 0 else { return nil }
        let (p0, o0) = lp.multipliedReportingOverflow(by: vault0)
        let (p1, o1) = lp.multipliedReportingOverflow(by: vault1)
        guard !o0, !o1 else { return nil }
        var (t0, r0) = p0.quotientAndRemainder(dividingBy: supply)
        var (t1, r1) = p1.quotientAndRemainder(dividingBy: supply)
        if roundUp {
            if r0 > 0 && t0 > 0 { t0 += 1 }
            if r1 > 0 && t1 > 0 { t1 += 1 }
        }
        return (t0, t1)
    }
}
