/// Meteora DLMM (lb_clmm, `LBUZKhRx…`) bin math, transcribed from the semantics of MeteoraAg/dlmm-sdk
/// @fb02e51a commons/src/{math/u64x64_math.rs, math/price_math.rs, extensions/lb_pair.rs, extensions/bin.rs,
/// quote.rs} (IDL 0.12.0: limit orders and `collect_fee_mode`). Prices are Q64.64 (token Y per token X).
public enum DLMM {
    public static let maxBinPerArray: Int32 = 70
    public static let minBinId: Int32 = -443_636
    public static let maxBinId: Int32 = 443_636
    public static let feePrecision: UInt64 = 1_000_000_000
    public static let maxFeeRate: UInt64 = 100_000_000
    public static let basisPointMax: UInt64 = 10_000
    /// Default bitmap in the LbPair covers bin-array indices −512…511.
    public static let binArrayBitmapSize: Int32 = 512
    /// `LIMIT_ORDER_FEE_SHARE` (IDL constants): share of a limit-order fill's fee that goes to the order placer.
    public static let limitOrderFeeShare: UInt64 = 5_000
    static let scaleOffset = 64
    static let one: UInt128 = 1 << 64
    /// `MAX_EXPONENTIAL` in u64x64_math.rs: 19 exponent bits are enough for ±443636.
    static let maxExponential: UInt32 = 0x80000

    // MARK: Price

    /// `u64x64_math::pow(base, exp)` bit for bit: inverts a base ≥ 1 so the running product stays below 2^128,
    /// multiplies with `>> 64` truncation per step, inverts back with `u128::MAX / result`. nil = overflow.
    public static func pow(_ base: UInt128, _ exp: Int32) -> UInt128? {
        var invert = exp < 0
        if exp == 0 { return one }
        let e: UInt32 = exp.magnitude
        if e >= maxExponential { return nil }
        var squared = base
        var result = one
        if squared >= result {
            guard squared != 0 else { return nil }
            squared = UInt128.max / squared
            invert.toggle()
        }
        var bit: UInt32 = 1
        while bit < maxExponential {
            if e & bit != 0 {
                let (p, o) = result.multipliedReportingOverflow(by: squared)
                guard !o else { return nil }
                result = p >> 64
            }
            bit <<= 1
            if bit < maxExponential {
                let (p, o) = squared.multipliedReportingOverflow(by: squared)
                guard !o else { return nil }
                squared = p >> 64
            }
        }
        if result == 0 { return nil }
        if invert { result = UInt128.max / result }
        return result
    }

    /// `get_price_from_id`: (1 + binStep/10000)^id in Q64.64, with base = 2^64 + (binStep << 64) / 10000.
    public static func price(binId: Int32, binStep: UInt16) -> UInt128? {
        let bps = (UInt128(binStep) << 64) / UInt128(basisPointMax)
        return pow(one + bps, binId)
    }

    // MARK: Bin arrays

    /// floor(binId / 70) (toward −∞).
    public static func binArrayIndex(binId: Int32) -> Int32 {
        let (q, r) = binId.quotientAndRemainder(dividingBy: maxBinPerArray)
        return (binId < 0 && r != 0) ? q - 1 : q
    }

    public static func binArrayBounds(index: Int32) -> (lower: Int32, upper: Int32) {
        let lower = index &* maxBinPerArray
        return (lower, lower &+ maxBinPerArray &- 1)
    }

    /// `next_bin_array_index_with_liquidity_internal` over the LbPair's 1024-bit bitmap (16 little-endian words,
    /// bit k ↔ array index k − 512). Returns (index, true) for the nearest set bit at or beyond `start` in the
    /// swap direction, else (−513 or 512, false): the caller must switch to the extension bitmap.
    public static func nextBinArrayIndexWithLiquidity(
        bitmap: [UInt64], swapForY: Bool, startIndex: Int32
    ) -> (index: Int32, hasLiquidity: Bool) {
        precondition(bitmap.count == 16, "LbPair bitmap is 16 words")
        let offset = Int(startIndex) + Int(binArrayBitmapSize)
        if swapForY {
            var bit = min(offset, 1023)
            while bit >= 0 {
                let word = bitmap[bit >> 6]
                let inWord = bit & 63
                let masked = inWord == 63 ? word : word & ((UInt64(1) << (inWord + 1)) - 1)
                if masked != 0 {
                    let top = (bit & ~63) + (63 - masked.leadingZeroBitCount)
                    return (Int32(top) - binArrayBitmapSize, true)
                }
                bit = (bit & ~63) - 1
            }
            return (-binArrayBitmapSize - 1, false)
        } else {
            var bit = max(offset, 0)
            while bit <= 1023 {
                let word = bitmap[bit >> 6] >> UInt64(bit & 63)
                if word != 0 {
                    return (Int32(bit + word.trailingZeroBitCount) - binArrayBitmapSize, true)
                }
                bit = (bit & ~63) + 64
            }
            return (binArrayBitmapSize, false)
        }
    }

    // MARK: Fees

    /// Static fee parameters (`StaticParameters`) plus bin step.
    public struct FeeParameters: Sendable, Hashable {
        public var baseFactor: UInt16
        public var binStep: UInt16
        public var baseFeePowerFactor: UInt8
        public var variableFeeControl: UInt32
        public var maxVolatilityAccumulator: UInt32
        public var filterPeriod: UInt16
        public var decayPeriod: UInt16
        public var reductionFactor: UInt16
        public var protocolShare: UInt16

        public init(
            baseFactor: UInt16, binStep: UInt16, baseFeePowerFactor: UInt8, variableFeeControl: UInt32,
            maxVolatilityAccumulator: UInt32, filterPeriod: UInt16, decayPeriod: UInt16, reductionFactor: UInt16,
            protocolShare: UInt16
        ) {
            self.baseFactor = baseFactor
            self.binStep = binStep
            self.baseFeePowerFactor = baseFeePowerFactor
            self.variableFeeControl = variableFeeControl
            self.maxVolatilityAccumulator = maxVolatilityAccumulator
            self.filterPeriod = filterPeriod
            self.decayPeriod = decayPeriod
            self.reductionFactor = reductionFactor
            self.protocolShare = protocolShare
        }

        /// base_factor · bin_step · 10 · 10^power (1e-9 units). nil on overflow.
        public var baseFee: UInt128? {
            var p: UInt128 = 1
            for _ in 0..<baseFeePowerFactor {
                let (n, o) = p.multipliedReportingOverflow(by: 10)
                guard !o else { return nil }
                p = n
            }
            let (v, o) = (UInt128(baseFactor) * UInt128(binStep) * 10).multipliedReportingOverflow(by: p)
            return o ? nil : v
        }

        /// ceil((va · bin_step)² · variable_fee_control / 1e11); 0 when the control is 0.
        /// nil on overflow (the program's `checked_*` would fail the swap).
        public func variableFee(volatilityAccumulator: UInt32) -> UInt128? {
            guard variableFeeControl > 0 else { return 0 }
            let vb = UInt128(volatilityAccumulator) * UInt128(binStep)  // < 2^48
            let sq = vb * vb  // < 2^96
            let (v, o1) = UInt128(variableFeeControl).multipliedReportingOverflow(by: sq)
            let (w, o2) = v.addingReportingOverflow(99_999_999_999)
            guard !o1, !o2 else { return nil }
            return w / 100_000_000_000
        }

        /// min(base + variable, MAX_FEE_RATE).
        public func totalFeeRate(volatilityAccumulator: UInt32) -> UInt64? {
            guard let base = baseFee, let variable = variableFee(volatilityAccumulator: volatilityAccumulator) else {
                return nil
            }
            let (t, o) = base.addingReportingOverflow(variable)
            guard !o else { return nil }
            return UInt64(min(t, UInt128(DLMM.maxFeeRate)))
        }
    }

    /// `compute_fee`: fee to add on top of a net amount, ceil(amount · rate / (1e9 − rate)).
    public static func feeOnTop(_ amount: UInt64, rate: UInt64) -> UInt64? {
        guard rate < feePrecision else { return nil }
        let d = UInt128(feePrecision - rate)
        let v = (UInt128(amount) * UInt128(rate) + d - 1) / d
        return v <= UInt128(UInt64.max) ? UInt64(v) : nil
    }

    /// `compute_fee_from_amount`: fee contained in a gross amount, ceil(amount · rate / 1e9).
    /// `rate` ≤ 1e9 (callers pass `totalFeeRate`, capped at 1e8); larger rates are clamped to 1e9.
    public static func feeIncluded(_ amount: UInt64, rate: UInt64) -> UInt64 {
        let rate = min(rate, feePrecision)
        return UInt64((UInt128(amount) * UInt128(rate) + UInt128(feePrecision - 1)) / UInt128(feePrecision))
    }

    /// `compute_protocol_fee`: floor(fee · protocol_share / 10000).
    public static func protocolFee(_ fee: UInt64, protocolShare: UInt16) -> UInt64 {
        UInt64(UInt128(fee) * UInt128(protocolShare) / UInt128(basisPointMax))
    }

    /// Dynamic-fee state (`VariableParameters`).
    public struct VolatilityState: Sendable, Hashable {
        public var volatilityAccumulator: UInt32
        public var volatilityReference: UInt32
        public var indexReference: Int32
        public var lastUpdateTimestamp: Int64

        public init(
            volatilityAccumulator: UInt32, volatilityReference: UInt32, indexReference: Int32,
            lastUpdateTimestamp: Int64
        ) {
            self.volatilityAccumulator = volatilityAccumulator
            self.volatilityReference = volatilityReference
            self.indexReference = indexReference
            self.lastUpdateTimestamp = lastUpdateTimestamp
        }

        /// `update_references(now)` at the start of a swap.
        public mutating func updateReferences(now: Int64, activeId: Int32, parameters: FeeParameters) -> Bool {
            let (elapsed, o) = now.subtractingReportingOverflow(lastUpdateTimestamp)
            guard !o else { return false }
            if elapsed >= Int64(parameters.filterPeriod) {
                indexReference = activeId
                if elapsed < Int64(parameters.decayPeriod) {
                    let (m, o2) = volatilityAccumulator.multipliedReportingOverflow(
                        by: UInt32(parameters.reductionFactor))
                    guard !o2 else { return false }
                    volatilityReference = m / UInt32(DLMM.basisPointMax)
                } else {
                    volatilityReference = 0
                }
            }
            return true
        }

        /// `update_volatility_accumulator` before each bin: min(ref + |index_ref − active| · 10000, max).
        public mutating func updateVolatilityAccumulator(activeId: Int32, parameters: FeeParameters) {
            let delta = UInt64((Int64(indexReference) - Int64(activeId)).magnitude)
            let v = UInt64(volatilityReference) + delta * DLMM.basisPointMax
            volatilityAccumulator = UInt32(min(v, UInt64(parameters.maxVolatilityAccumulator)))
        }
    }

    // MARK: Bin amounts

    /// Amount of the out-token for `amountIn` at `price` (`Bin::get_amount_out`).
    public static func amountOut(_ amountIn: UInt64, price: UInt128, swapForY: Bool, _ rounding: Rounding) -> UInt64? {
        let v =
            swapForY
            ? FullWidth.mulShr(price, UInt128(amountIn), scaleOffset, rounding)
            : FullWidth.shlDiv(UInt128(amountIn), price, scaleOffset, rounding)
        guard let v, v <= UInt128(UInt64.max) else { return nil }
        return UInt64(v)
    }

    /// Amount of the in-token needed for `amountOut` at `price` (`Bin::get_amount_in`).
    public static func amountIn(_ amountOut: UInt64, price: UInt128, swapForY: Bool, _ rounding: Rounding) -> UInt64? {
        let v =
            swapForY
            ? FullWidth.shlDiv(UInt128(amountOut), price, scaleOffset, rounding)
            : FullWidth.mulShr(UInt128(amountOut), price, scaleOffset, rounding)
        guard let v, v <= UInt128(UInt64.max) else { return nil }
        return UInt64(v)
    }
}
