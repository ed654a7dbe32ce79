import ArbMath
import SolanaPrimitives

extension MeteoraDLMMPair {
    public enum SwapInstructionVersion: Sendable, Hashable {
        /// `swap` / `swap_exact_out` (15 accounts; SPL Token mints only).
        case v1
        /// `swap2` / `swap_exact_out2` (16 accounts incl. memo program; `RemainingAccountsInfo` argument).
        case v2
    }

    /// Bin arrays the swap must be given, in swap order: the ones the quote walks plus the next one with
    /// liquidity (slack for price moves). Falls back to the bitmap neighbours when the quote cannot run.
    public func binArraysForSwap(direction: SwapDirection, amount: UInt64, exactIn: Bool) -> [Int32] {
        let swapForY = direction == .aToB
        var indices: [Int32]
        if let r = try? swapResult(QuoteRequest(amount: amount, direction: direction, exactIn: exactIn)) {
            indices = r.binArraysTouched
        } else {
            indices = []
        }
        var start = indices.last.map { swapForY ? $0 - 1 : $0 + 1 } ?? DLMM.binArrayIndex(binId: activeId)
        let target = indices.isEmpty ? Self.binArraysPerSide : indices.count + 1
        while indices.count < target,
            let next = try? DLMM.nextBinArrayWithLiquidity(
                bitmap: bitmap, extension: bitmapExtension, swapForY: swapForY, start: start)
        {
            indices.append(next)
            start = swapForY ? next - 1 : next + 1
        }
        return indices
    }

    /// Builds `swap2`/`swap_exact_out2` (default) or v1. Accounts (idls/dlmm.json): lb_pair [w],
    /// bin_array_bitmap_extension (when the pair has one, else program id), reserve_x [w], reserve_y [w], user_token_in [w],
    /// user_token_out [w], token_x_mint, token_y_mint, oracle [w], host_fee_in (absent → program id), user [s],
    /// token_x_program, token_y_program, (v2: memo program), event_authority, program, then bin arrays [w].
    /// Data: discriminator ‖ u64 ‖ u64 (‖ v2: RemainingAccountsInfo with zero slices = u32 0).
    public func swapInstructions(_ params: SwapParams) throws(VenueError) -> [Instruction] {
        try swapInstructions(params, version: .v2)
    }

    public func swapInstructions(_ params: SwapParams, version: SwapInstructionVersion) throws(VenueError)
        -> [Instruction]
    {
        typealias L = MeteoraDLMMLayout
        if version == .v1 && (tokenXProgramFlag == 1 || tokenYProgramFlag == 1) {
            throw VenueError(.unsupported, "DLMM pair \(address): v1 swap supports SPL Token mints only")
        }
        guard let eventAuthority = L.eventAuthority else {
            throw VenueError(.invalidState, "DLMM event authority PDA not derivable")
        }
        var data = ByteWriter(capacity: 28)
        switch (version, params.exactIn) {
        case (.v1, true): data.write(L.swapDiscriminator)
        case (.v1, false): data.write(L.swapExactOutDiscriminator)
        case (.v2, true): data.write(L.swap2Discriminator)
        case (.v2, false): data.write(L.swapExactOut2Discriminator)
        }
        data.u64(params.amountIn)
        data.u64(params.amountOut)
        if version == .v2 { data.u32(0) }  // RemainingAccountsInfo { slices: [] } (no transfer-hook accounts)

        let indices = binArraysForSwap(
            direction: params.direction, amount: params.exactIn ? params.amountIn : params.amountOut,
            exactIn: params.exactIn)
        guard !indices.isEmpty else {
            throw VenueError(
                .insufficientLiquidity, "DLMM pair \(address): no bin array with liquidity in that direction")
        }
        var binMetas: [AccountMeta] = []
        for i in indices {
            guard let a = binArrayAddress(i) else {
                throw VenueError(.invalidState, "DLMM pair \(address): bin array \(i) PDA not derivable")
            }
            binMetas.append(.writable(a))
        }
        // The bitmap extension when the pair has one (the program needs it to search beyond ±512), else None.
        var extensionMeta = Self.programId
        if case .present = bitmapExtension, let ext = bitmapExtensionAddress { extensionMeta = ext }
        var accounts: [AccountMeta] = [
            .writable(address), .readonly(extensionMeta), .writable(reserveX), .writable(reserveY),
            .writable(params.userSource), .writable(params.userDestination), .readonly(tokenXMint),
            .readonly(tokenYMint),
            .writable(oracle), .readonly(Self.programId), .readonly(params.owner, signer: true),
            .readonly(tokenXProgram),
            .readonly(tokenYProgram),
        ]
        if version == .v2 { accounts.append(.readonly(VenueProgramIDs.memo)) }
        accounts += [.readonly(eventAuthority), .readonly(Self.programId)]
        accounts += binMetas
        return [Instruction(programId: Self.programId, accounts: accounts, data: data.bytes)]
    }
}
