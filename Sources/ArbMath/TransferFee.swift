/// Token-2022 transfer fee (`TransferFee` in solana-program/token-2022 interface/src/extension/transfer_fee/mod.rs):
/// the fee a transfer of `amount` pays is `min(ceil(amount * bps / 10_000), maximum_fee)`, withheld in the
/// destination account, so the receiver gets `amount - fee`.
public struct TransferFee: Hashable, Sendable {
    public static let oneInBasisPoints: UInt64 = 10_000

    public var epoch: UInt64
    public var maximumFee: UInt64
    public var basisPoints: UInt16

    public init(epoch: UInt64 = 0, maximumFee: UInt64, basisPoints: UInt16) {
        self.epoch = epoch
        self.maximumFee = maximumFee
        self.basisPoints = basisPoints
    }

    /// A fee of zero (a mint without the extension, or a zero-bps schedule).
    public static let none = TransferFee(maximumFee: 0, basisPoints: 0)

    public var isZero: Bool { basisPoints == 0 || maximumFee == 0 }

    /// Fee withheld from a transfer of `preFeeAmount` (`calculate_fee`). Nil only on arithmetic overflow.
    public func calculateFee(_ preFeeAmount: UInt64) -> UInt64? {
        let bps = UInt128(basisPoints)
        if bps == 0 || preFeeAmount == 0 { return 0 }
        let numerator = UInt128(preFeeAmount) * bps
        let raw = (numerator + UInt128(Self.oneInBasisPoints) - 1) / UInt128(Self.oneInBasisPoints)
        guard let rawFee = raw.uint64 else { return nil }
        return Swift.min(rawFee, maximumFee)
    }

    /// What the receiver gets when `preFeeAmount` is sent (`calculate_post_fee_amount`).
    public func calculatePostFeeAmount(_ preFeeAmount: UInt64) -> UInt64? {
        guard let fee = calculateFee(preFeeAmount), fee <= preFeeAmount else { return nil }
        return preFeeAmount - fee
    }

    /// The amount to send so that the receiver gets `postFeeAmount` (`calculate_pre_fee_amount`).
    public func calculatePreFeeAmount(_ postFeeAmount: UInt64) -> UInt64? {
        let bps = UInt128(basisPoints)
        let one = UInt128(Self.oneInBasisPoints)
        if bps == 0 { return postFeeAmount }
        if postFeeAmount == 0 { return 0 }
        if bps == one {
            let (s, o) = maximumFee.addingReportingOverflow(postFeeAmount)
            return o ? nil : s
        }
        guard bps < one else { return nil }
        let numerator = UInt128(postFeeAmount) * one
        let denominator = one - bps
        let rawPreFee = (numerator + denominator - 1) / denominator
        if rawPreFee - UInt128(postFeeAmount) >= UInt128(maximumFee) {
            let (s, o) = postFeeAmount.addingReportingOverflow(maximumFee)
            return o ? nil : s
        }
        return rawPreFee.uint64
    }

    /// The fee paid by the transfer that delivers exactly `postFeeAmount` (`calculate_inverse_fee`).
    public func calculateInverseFee(_ postFeeAmount: UInt64) -> UInt64? {
        guard let pre = calculatePreFeeAmount(postFeeAmount) else { return nil }
        return calculateFee(pre)
    }
}

extension TransferFee {
    /// What the DEX programs send so that `excluded` arrives (Whirlpool `calculate_transfer_fee_included_amount`,
    /// Raydium `get_transfer_inverse_fee`): `excluded + calculate_inverse_fee(excluded)`, with a 100% rate
    /// charging `maximum_fee`. Nil on overflow or when the fee of the result does not verify (the program errors).
    public func includedAmount(forExcluded excluded: UInt64) -> UInt64? {
        if excluded == 0 { return 0 }
        let fee: UInt64
        if UInt64(basisPoints) == Self.oneInBasisPoints {
            fee = maximumFee
        } else {
            guard let f = calculateInverseFee(excluded) else { return nil }
            fee = f
        }
        let (included, overflow) = excluded.addingReportingOverflow(fee)
        guard !overflow, calculateFee(included) == fee else { return nil }
        return included
    }
}

/// The `TransferFeeConfig` mint extension's two schedules; the newer applies from its epoch on.
public struct TransferFeeConfig: Hashable, Sendable {
    public var olderTransferFee: TransferFee
    public var newerTransferFee: TransferFee
    public var withheldAmount: UInt64

    public init(olderTransferFee: TransferFee, newerTransferFee: TransferFee, withheldAmount: UInt64 = 0) {
        self.olderTransferFee = olderTransferFee
        self.newerTransferFee = newerTransferFee
        self.withheldAmount = withheldAmount
    }

    /// `get_epoch_fee`: the newer schedule once `epoch >= newer.epoch`, else the older one.
    public func fee(atEpoch epoch: UInt64) -> TransferFee {
        epoch >= newerTransferFee.epoch ? newerTransferFee : olderTransferFee
    }
}

/// Errors of the throwing helpers (the Orca SDK's `INVALID_TRANSFER_FEE` / `AMOUNT_EXCEEDS_MAX_U64`).
public enum TransferFeeError: Error, Hashable, Sendable {
    case invalidTransferFee
    case amountExceedsMaxU64
}

extension TransferFee {
    /// Amount the receiver gets after the fee (Orca core `try_apply_transfer_fee`); bps over 10 000 is invalid.
    public func applying(to amount: UInt64) throws(TransferFeeError) -> UInt64 {
        guard UInt64(basisPoints) <= Self.oneInBasisPoints else { throw .invalidTransferFee }
        guard let fee = calculateFee(amount) else { throw .amountExceedsMaxU64 }
        return amount - fee
    }

    /// Amount to send so the receiver gets `amount` (Orca core `try_reverse_apply_transfer_fee`).
    public func reverseApplying(to amount: UInt64) throws(TransferFeeError) -> UInt64 {
        guard UInt64(basisPoints) <= Self.oneInBasisPoints else { throw .invalidTransferFee }
        guard let pre = calculatePreFeeAmount(amount) else { throw .amountExceedsMaxU64 }
        return pre
    }
}
