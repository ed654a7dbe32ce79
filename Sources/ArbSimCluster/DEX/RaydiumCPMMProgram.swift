import ArbMath
import ArbVenues
import SolanaPrimitives

/// raydium-cp-swap `ErrorCode` (programs/cp-swap/src/error.rs; Anchor numbers from 6000).
public enum RaydiumCPMMErrorCode {
    public static let notApproved: UInt32 = 6000
    public static let invalidInput: UInt32 = 6003
    public static let exceededSlippage: UInt32 = 6005
    public static let zeroTradingTokens: UInt32 = 6006
}

/// Raydium CPMM (`CPMMoo8…`): `swap_base_input` / `swap_base_output` with the `Swap` accounts' Anchor
/// constraints (authority seeds, `amm_config`/`observation_state` addresses, vault and mint constraints), the
/// ArbVenues/ArbMath curve, vault transfers, and the accrued protocol/fund fees written back into `PoolState`.
struct RaydiumCPMMProgram: NativeProgram {
    typealias E = RaydiumCPMMErrorCode
    typealias A = AnchorErrorCode
    var loader: Address { LoaderIDs.bpfLoader2 }
    /// Measured on mainnet (issue #6): ≈ 33k CU.
    static let computeUnits: UInt64 = 33_000

    func process(_ ctx: inout InvocationContext) throws(InstructionError) {
        typealias L = RaydiumCPMMLayout
        try ctx.consume(Self.computeUnits)
        let exactIn =
            try ctx.anchorInstruction([L.swapBaseInputDiscriminator, L.swapBaseOutputDiscriminator]) == 0
        guard ctx.data.count >= 24 else { throw .custom(A.instructionDidNotDeserialize) }
        ctx.log(exactIn ? "Instruction: SwapBaseInput" : "Instruction: SwapBaseOutput")
        // swap_base_input(amount_in, minimum_amount_out) / swap_base_output(max_amount_in, amount_out).
        let first = ctx.data.le(UInt64.self, at: 8)
        let second = ctx.data.le(UInt64.self, at: 16)
        let (amount, other) = exactIn ? (first, second) : (second, first)
        guard ctx.accountCount >= 13 else { throw .custom(A.accountNotEnoughKeys) }
        let (payer, authority, config, poolIx, input, output, inVault, outVault) = (0, 1, 2, 3, 4, 5, 6, 7)
        let (inProgram, outProgram, inMint, outMint, observation) = (8, 9, 10, 11, 12)
        guard ctx.isSigner(payer) else { throw .custom(A.accountNotSigner) }
        try ctx.requireAnchorAccount(poolIx, owner: L.programId, discriminator: L.poolDiscriminator)
        var pool = try ctx.decodePool(RaydiumCPMMPool.self, at: poolIx)
        guard ctx.key(authority) == pool.authority else { throw .custom(A.constraintSeeds) }
        guard ctx.key(config) == pool.ammConfig else { throw .custom(A.constraintAddress) }
        guard ctx.key(observation) == pool.observationKey else { throw .custom(A.constraintAddress) }
        for v in [inVault, outVault] where ctx.key(v) != pool.token0Vault && ctx.key(v) != pool.token1Vault {
            throw .custom(A.constraintRaw)
        }
        for t in [inProgram, outProgram] where ctx.key(t) != ProgramIDs.token && ctx.key(t) != ProgramIDs.token2022 {
            throw .custom(A.invalidProgramId)
        }
        let inVaultToken = try DEXToken.account(ctx, inVault)
        let outVaultToken = try DEXToken.account(ctx, outVault)
        guard ctx.key(inMint) == inVaultToken.mint, ctx.key(outMint) == outVaultToken.mint else {
            throw .custom(A.constraintAddress)
        }
        // swap_base_input.rs: input vault token_0 → `require_keys_eq!(output_vault, token_1_vault)`, else the reverse.
        let direction: SwapDirection = ctx.key(inVault) == pool.token0Vault ? .aToB : .bToA
        guard ctx.key(outVault) == (direction == .aToB ? pool.token1Vault : pool.token0Vault) else {
            throw .custom(A.requireKeysEqViolated)
        }
        do { try pool.update(from: ctx.venueAccounts()) } catch { throw .custom(A.accountDidNotDeserialize) }
        guard let cfg = pool.config else { throw .custom(A.accountDidNotDeserialize) }
        let quote: Quote
        do { quote = try pool.quote(QuoteRequest(amount: amount, direction: direction, exactIn: exactIn)) } catch {
            throw .custom(error.code == .poolDisabled ? E.notApproved : E.zeroTradingTokens)
        }
        if exactIn {
            guard quote.amountOut >= other else {
                ctx.log("amount_out: \(quote.amountOut), minimum_amount_out: \(other)")
                throw .custom(E.exceededSlippage)
            }
        } else {
            guard quote.amountIn <= other else {
                ctx.log("amount_in: \(quote.amountIn), max_amount_in: \(other)")
                throw .custom(E.exceededSlippage)
            }
        }
        try DEXToken.settle(
            &ctx, userIn: input, vaultIn: inVault, user: ctx.key(payer), vaultOut: outVault, userOut: output,
            poolAuthority: pool.authority, amountIn: quote.amountIn, amountOut: quote.amountOut)

        // Accrued fees (`PoolState::update_fees`): protocol and fund shares of the trade fee, in the input token.
        let protocolFee = UInt64(UInt128(quote.fee) * UInt128(cfg.protocolFeeRate) / 1_000_000)
        let fundFee = UInt64(UInt128(quote.fee) * UInt128(cfg.fundFeeRate) / 1_000_000)
        if direction == .aToB {
            pool.protocolFees.token0 &+= protocolFee
            pool.fundFees.token0 &+= fundFee
        } else {
            pool.protocolFees.token1 &+= protocolFee
            pool.fundFees.token1 &+= fundFee
        }
        var a = ctx.account(poolIx)
        var d = a.data
        DEXLayouts.write(pool, authBump: d[L.authBump], into: &d)
        d.put(ctx.slot / 432_000, at: L.recentEpoch)
        a.data = d
        try ctx.set(poolIx, a)
    }
}
