import SolanaPrimitives

extension RaydiumCPMMPool {
    /// `swap_base_input(amount_in, minimum_amount_out)` / `swap_base_output(max_amount_in, amount_out)`:
    /// 8-byte discriminator + two u64 (24 bytes). Accounts (the `Swap` struct, 13): payer [s], authority,
    /// amm_config, pool_state [w], input token account [w], output token account [w], input vault [w],
    /// output vault [w], input token program, output token program, input mint, output mint, observation [w].
    public func swapInstructions(_ params: SwapParams) throws(VenueError) -> [Instruction] {
        typealias L = RaydiumCPMMLayout
        var data = ByteWriter(capacity: 24)
        data.write(params.exactIn ? L.swapBaseInputDiscriminator : L.swapBaseOutputDiscriminator)
        data.u64(params.amountIn)
        data.u64(params.amountOut)
        let aToB = params.direction == .aToB
        let (inVault, outVault) = aToB ? (token0Vault, token1Vault) : (token1Vault, token0Vault)
        let (inProgram, outProgram) = aToB ? (token0Program, token1Program) : (token1Program, token0Program)
        let (inMint, outMint) = aToB ? (token0Mint, token1Mint) : (token1Mint, token0Mint)
        let accounts: [AccountMeta] = [
            .readonly(params.owner, signer: true), .readonly(authority), .readonly(ammConfig), .writable(address),
            .writable(params.userSource), .writable(params.userDestination), .writable(inVault), .writable(outVault),
            .readonly(inProgram), .readonly(outProgram), .readonly(inMint), .readonly(outMint),
            .writable(observationKey),
        ]
        return [Instruction(programId: Self.programId, accounts: accounts, data: data.bytes)]
    }
}
