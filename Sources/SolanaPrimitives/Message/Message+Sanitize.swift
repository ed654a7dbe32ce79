extension VersionedMessage {
    /// The structural rules every validator applies before anything else (`Message::sanitize` for legacy and
    /// v0 in the Solana SDK): header counts within the keys, a writable fee payer, instruction indexes in range,
    /// the payer never a program, programs only from static keys (v0), at most 256 accounts, every lookup used.
    public func sanitize() throws(PrimitivesError) {
        let h = header
        let staticCount = staticAccountKeys.count
        guard Int(h.numRequiredSignatures) + Int(h.numReadonlyUnsignedAccounts) <= staticCount else {
            throw PrimitivesError(
                .invalidMessageHeader,
                "header needs \(h.numRequiredSignatures) signers + \(h.numReadonlyUnsignedAccounts) readonly unsigned, only \(staticCount) keys"
            )
        }
        guard h.numReadonlySignedAccounts < h.numRequiredSignatures else {
            throw PrimitivesError(
                .invalidMessageHeader,
                "no writable fee payer: \(h.numReadonlySignedAccounts) readonly signers of \(h.numRequiredSignatures)")
        }
        var dynamicCount = 0
        for (i, l) in addressTableLookups.enumerated() {
            let n = l.writableIndexes.count + l.readonlyIndexes.count
            guard n > 0 else { throw PrimitivesError(.invalidArgument, "address table lookup \(i) loads no account") }
            dynamicCount += n
        }
        let total = staticCount + dynamicCount
        guard total <= TransactionLimits.maxAccounts else {
            throw PrimitivesError(.tooManyAccounts, "\(total) accounts (max \(TransactionLimits.maxAccounts))")
        }
        // Programs are always static keys (a v0 lookup can never supply an invoked program).
        let maxProgram = staticCount - 1
        for (n, ix) in instructions.enumerated() {
            guard Int(ix.programIdIndex) <= maxProgram else {
                throw PrimitivesError(
                    .indexOutOfBounds,
                    "instruction \(n): program index \(ix.programIdIndex) outside \(staticCount) static keys")
            }
            guard ix.programIdIndex != 0 else {
                throw PrimitivesError(.programIdInvalid, "instruction \(n): the fee payer cannot be a program")
            }
            for a in ix.accounts where Int(a) >= total {
                throw PrimitivesError(
                    .indexOutOfBounds, "instruction \(n): account index \(a) outside \(total) accounts")
            }
        }
    }
}
