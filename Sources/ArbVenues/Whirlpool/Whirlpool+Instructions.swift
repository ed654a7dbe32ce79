import ArbMath
import SolanaPrimitives

extension WhirlpoolVenue {
    /// `swap` (classic SPL Token on both sides) or `swap_v2` (any Token-2022 side), with the three tick arrays of
    /// the program's sequence for the direction and `sqrt_price_limit = 0` (the program then uses MIN/MAX and, for
    /// exact-out, rejects partial fills). Exact-in: `amount = amountIn`, threshold = minimum out (transfer-fee
    /// excluded). Exact-out: `amount = amountOut`, threshold = maximum in.
    public func swapInstructions(_ params: SwapParams) throws(VenueError) -> [Instruction] {
        if state.isAdaptiveFee {
            throw VenueError(.unsupported, "Whirlpool \(address) is an adaptive-fee pool")
        }
        let aToB = params.direction == .aToB
        let starts = WhirlpoolMath.swapTickArrayStarts(
            tickCurrentIndex: state.tickCurrentIndex, tickSpacing: state.tickSpacing, aToB: aToB)
        let tickArrayKeys = starts.map(tickArrayAddress)
        let (ownerA, ownerB) =
            aToB
            ? (params.userSource, params.userDestination) : (params.userDestination, params.userSource)

        var data = ByteWriter(capacity: 43)
        data.write(WhirlpoolLayout.swapDiscriminator)
        data.u64(params.exactIn ? params.amountIn : params.amountOut)
        data.u64(params.exactIn ? params.amountOut : params.amountIn)
        data.write(withUnsafeBytes(of: UInt128(0).littleEndian) { Array($0) })  // sqrt_price_limit: none
        data.bool(params.exactIn)
        data.bool(aToB)

        let programA = vaultA?.tokenProgram ?? ProgramIDs.token
        let programB = vaultB?.tokenProgram ?? ProgramIDs.token
        let oracle = WhirlpoolLayout.oracleAddress(whirlpool: address)
        if programA == ProgramIDs.token && programB == ProgramIDs.token {
            let accounts: [AccountMeta] = [
                .readonly(ProgramIDs.token),
                .readonly(params.owner, signer: true),
                .writable(address),
                .writable(ownerA),
                .writable(state.tokenVaultA),
                .writable(ownerB),
                .writable(state.tokenVaultB),
                .writable(tickArrayKeys[0]),
                .writable(tickArrayKeys[1]),
                .writable(tickArrayKeys[2]),
                .readonly(oracle),
            ]
            return [Instruction(programId: Self.programId, accounts: accounts, data: data.bytes)]
        }
        // swap_v2: same arguments with the discriminator replaced, plus `remaining_accounts_info: None`.
        var v2 = data.bytes
        v2.replaceSubrange(0..<8, with: WhirlpoolLayout.swapV2Discriminator)
        v2.append(0)
        let accounts: [AccountMeta] = [
            .readonly(programA),
            .readonly(programB),
            .readonly(ProgramIDs.memo),
            .readonly(params.owner, signer: true),
            .writable(address),
            .readonly(state.tokenMintA),
            .readonly(state.tokenMintB),
            .writable(ownerA),
            .writable(state.tokenVaultA),
            .writable(ownerB),
            .writable(state.tokenVaultB),
            .writable(tickArrayKeys[0]),
            .writable(tickArrayKeys[1]),
            .writable(tickArrayKeys[2]),
            .writable(oracle),
        ]
        return [Instruction(programId: Self.programId, accounts: accounts, data: v2)]
    }
}
