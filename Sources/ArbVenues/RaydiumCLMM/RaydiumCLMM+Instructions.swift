import ArbMath
import SolanaPrimitives

extension RaydiumCLMMVenue {
    /// Tick arrays (start indexes, swap order) to pass for a swap of these params: the arrays the quote visits,
    /// then further initialized arrays up to three, so a small price move before execution still succeeds.
    public func swapTickArrayStarts(_ params: SwapParams) -> [Int32] {
        let zeroForOne = params.direction == .aToB
        let amount = params.exactIn ? params.amountIn : params.amountOut
        var starts: [Int32] = []
        if let r = try? runSwap(amount: amount, zeroForOne: zeroForOne, isBaseInput: params.exactIn) {
            starts = r.tickArraysVisited
        }
        if let pool = try? swapPool() {
            for s in ClmmMath.initializedTickArrayStarts(
                pool: pool, bitmapExtension: bitmapExtension, zeroForOne: zeroForOne, limit: 3)
            where starts.count < 3 && !starts.contains(s) {
                starts.append(s)
            }
        }
        return starts
    }

    /// `swap` (SPL Token on both sides) or `swap_v2` (any Token-2022 side). Exact-in: `amount = amountIn`,
    /// threshold = minimum out; exact-out: `amount = amountOut`, threshold = maximum in. `sqrt_price_limit = 0`.
    /// Remaining accounts: the bitmap extension (when it exists) then the further tick arrays, in swap order.
    public func swapInstructions(_ params: SwapParams) throws(VenueError) -> [Instruction] {
        try checkSupported()
        let zeroForOne = params.direction == .aToB
        let starts = swapTickArrayStarts(params)
        guard let first = starts.first else {
            throw VenueError(.insufficientLiquidity, "CLMM \(address): no initialized tick array in this direction")
        }
        let (inVault, outVault) =
            zeroForOne ? (state.tokenVault0, state.tokenVault1) : (state.tokenVault1, state.tokenVault0)
        let (inMint, outMint) = zeroForOne ? (state.tokenMint0, state.tokenMint1) : (state.tokenMint1, state.tokenMint0)

        var data = ByteWriter(capacity: 41)
        data.write(RaydiumCLMMLayout.swapDiscriminator)
        data.u64(params.exactIn ? params.amountIn : params.amountOut)
        data.u64(params.exactIn ? params.amountOut : params.amountIn)
        data.write(withUnsafeBytes(of: UInt128(0).littleEndian) { Array($0) })
        data.bool(params.exactIn)

        var remaining: [AccountMeta] = []
        if bitmapExtension != nil { remaining.append(.writable(bitmapExtensionAddress)) }
        let classic =
            (vault0?.tokenProgram ?? ProgramIDs.token) == ProgramIDs.token
            && (vault1?.tokenProgram ?? ProgramIDs.token) == ProgramIDs.token
        if classic {
            var accounts: [AccountMeta] = [
                .readonly(params.owner, signer: true),
                .readonly(state.ammConfig),
                .writable(address),
                .writable(params.userSource),
                .writable(params.userDestination),
                .writable(inVault),
                .writable(outVault),
                .writable(state.observationKey),
                .readonly(ProgramIDs.token),
                .writable(tickArrayAddress(first)),
            ]
            accounts += remaining
            accounts += starts.dropFirst().map { .writable(tickArrayAddress($0)) }
            return [Instruction(programId: Self.programId, accounts: accounts, data: data.bytes)]
        }
        var v2 = data.bytes
        v2.replaceSubrange(0..<8, with: RaydiumCLMMLayout.swapV2Discriminator)
        var accounts: [AccountMeta] = [
            .readonly(params.owner, signer: true),
            .readonly(state.ammConfig),
            .writable(address),
            .writable(params.userSource),
            .writable(params.userDestination),
            .writable(inVault),
            .writable(outVault),
            .writable(state.observationKey),
            .readonly(ProgramIDs.token),
            .readonly(ProgramIDs.token2022),
            .readonly(ProgramIDs.memo),
            .readonly(inMint),
            .readonly(outMint),
        ]
        accounts += remaining
        accounts += starts.map { .writable(tickArrayAddress($0)) }
        return [Instruction(programId: Self.programId, accounts: accounts, data: v2)]
    }
}
