import SolanaPrimitives

extension RaydiumAMMv4Pool {
    /// Builds one swap instruction in `swapForm` (raydium-amm instruction.rs / processor.rs account order):
    /// * `.v2` — tag 16 (exact-in) / 17 (exact-out): token program, amm [w], authority, coin vault [w],
    ///   pc vault [w], user source [w], user destination [w], user owner [s].
    /// * `.legacy` — tag 9 / 11 with 18 accounts: token program, amm [w], authority, open orders [w],
    ///   target orders [w], coin vault [w], pc vault [w], market program, market [w], bids [w], asks [w],
    ///   event queue [w], market coin vault [w], market pc vault [w], vault signer, user source [w],
    ///   user destination [w], user owner [s].
    /// Data: tag ‖ u64 ‖ u64 = (amount_in, minimum_out) for exact-in, (max_in, amount_out) for exact-out.
    public func swapInstructions(_ params: SwapParams) throws(VenueError) -> [Instruction] {
        typealias L = RaydiumAMMv4Layout
        var data = ByteWriter(capacity: 17)
        switch (swapForm, params.exactIn) {
        case (.v2, true): data.u8(L.tagSwapBaseInV2)
        case (.v2, false): data.u8(L.tagSwapBaseOutV2)
        case (.legacy, true): data.u8(L.tagSwapBaseIn)
        case (.legacy, false): data.u8(L.tagSwapBaseOut)
        }
        data.u64(params.amountIn)
        data.u64(params.amountOut)
        // Direction is inferred by the program from the user accounts' mints; callers pass the right pair.
        let user: [AccountMeta] = [
            .writable(params.userSource), .writable(params.userDestination), .readonly(params.owner, signer: true),
        ]
        let accounts: [AccountMeta]
        switch swapForm {
        case .v2:
            accounts =
                [
                    .readonly(VenueProgramIDs.token), .writable(address), .readonly(authority), .writable(coinVault),
                    .writable(pcVault),
                ] + user
        case .legacy:
            guard let m = marketState else {
                throw VenueError(
                    .missingAccount, "AMM v4 pool \(address): legacy swap needs the market account (update)")
            }
            accounts =
                [
                    .readonly(VenueProgramIDs.token), .writable(address), .readonly(authority), .writable(openOrders),
                    .writable(targetOrders), .writable(coinVault), .writable(pcVault), .readonly(marketProgram),
                    .writable(market), .writable(m.bids), .writable(m.asks), .writable(m.eventQueue),
                    .writable(m.baseVault), .writable(m.quoteVault), .readonly(m.vaultSigner),
                ] + user
        }
        return [Instruction(programId: Self.programId, accounts: accounts, data: data.bytes)]
    }
}
