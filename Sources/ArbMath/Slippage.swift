/// Slippage and swap-fee helpers in the integer form the Orca SDK uses (orca-so/whirlpools rust-sdk/core
/// src/math/token.rs): bps of 10 000, fee rates of 1e-6, results rounded against the trader.
public enum Slippage {
    public enum Error: Swift.Error, Hashable, Sendable {
        case invalidSlippageTolerance
        case amountExceedsMaxU64
    }

    static func mulDiv(_ amount: UInt64, _ product: UInt128, _ denominator: UInt128, roundUp: Bool) throws(Error)
        -> UInt64
    {
        if amount == 0 || product == 0 { return 0 }
        guard denominator != 0, let q = FullMath.mulDiv(UInt128(amount), product, denominator, roundUp: roundUp),
            let v = q.uint64
        else { throw .amountExceedsMaxU64 }
        return v
    }

    /// Largest acceptable input: `ceil(amount * (10000 + bps) / 10000)`.
    public static func maxAmount(_ amount: UInt64, toleranceBps: UInt16) throws(Error) -> UInt64 {
        guard toleranceBps <= 10_000 else { throw .invalidSlippageTolerance }
        return try mulDiv(amount, 10_000 + UInt128(toleranceBps), 10_000, roundUp: true)
    }

    /// Smallest acceptable output: `floor(amount * (10000 - bps) / 10000)`.
    public static func minAmount(_ amount: UInt64, toleranceBps: UInt16) throws(Error) -> UInt64 {
        guard toleranceBps <= 10_000 else { throw .invalidSlippageTolerance }
        return try mulDiv(amount, 10_000 - UInt128(toleranceBps), 10_000, roundUp: false)
    }

    /// Amount left after a swap fee of `feeRate` (1e-6): `floor(amount * (1e6 - fee) / 1e6)`.
    public static func applySwapFee(_ amount: UInt64, feeRate: UInt32) throws(Error) -> UInt64 {
        guard feeRate <= 1_000_000 else { throw .amountExceedsMaxU64 }
        return try mulDiv(amount, 1_000_000 - UInt128(feeRate), 1_000_000, roundUp: false)
    }

    /// Amount before a swap fee: `ceil(amount * 1e6 / (1e6 - fee))`.
    public static func reverseApplySwapFee(_ amount: UInt64, feeRate: UInt32) throws(Error) -> UInt64 {
        guard feeRate < 1_000_000 else { throw .amountExceedsMaxU64 }
        return try mulDiv(amount, 1_000_000, 1_000_000 - UInt128(feeRate), roundUp: true)
    }
}
