import ArbMath
import ArbVenues
import SolanaPrimitives

/// raydium-clmm `ErrorCode` (programs/amm/src/error.rs; Anchor numbers from 6000).
public enum RaydiumCLMMErrorCode {
    public static let notApproved: UInt32 = 6000
    public static let liquidityInsufficient: UInt32 = 6016
    public static let tooLittleOutputReceived: UInt32 = 6018
    public static let tooMuchInputPaid: UInt32 = 6019
    public static let zeroAmountSpecified: UInt32 = 6020
    public static let invalidInputPoolVault: UInt32 = 6021
    public static let tooSmallInputOrOutputAmount: UInt32 = 6022
    public static let notEnoughTickArrayAccount: UInt32 = 6023
}

/// Raydium CLMM (`CAMMCzo5…`): `swap` and `swap_v2` with the account constraints (`amm_config` and
/// `observation_state` addresses, vaults matching the pool for the direction), the ArbVenues/ArbMath tick walk
/// over the tick arrays passed (first fixed, the rest as remaining accounts), vault transfers, and the new sqrt
/// price, tick, liquidity, fee growth, protocol/fund fees and swap counters written back into `PoolState`.
struct RaydiumCLMMProgram: NativeProgram {
    typealias E = RaydiumCLMMErrorCode
    typealias A = AnchorErrorCode
    var loader: Address { LoaderIDs.bpfLoader2 }
    /// Measured on mainnet (issue #6): swap_v2 ≈ 67k CU; `swap` is charged the same.
    static let computeUnits: UInt64 = 67_000

    func process(_ ctx: inout InvocationContext) throws(InstructionError) {
        typealias L = RaydiumCLMMLayout
        try ctx.consume(Self.computeUnits)
        let v2 = try ctx.anchorInstruction([L.swapDiscriminator, L.swapV2Discriminator]) == 1
        guard ctx.data.count >= 41 else { throw .custom(A.instructionDidNotDeserialize) }
        ctx.log(v2 ? "Instruction: SwapV2" : "Instruction: Swap")
        let amount = ctx.data.le(UInt64.self, at: 8)
        let threshold = ctx.data.le(UInt64.self, at: 16)
        let sqrtLimit = ctx.data.le(UInt128.self, at: 24)
        guard ctx.data[40] <= 1 else { throw .custom(A.instructionDidNotDeserialize) }
        let isBaseInput = ctx.data[40] == 1
        guard ctx.accountCount >= (v2 ? 13 : 10) else { throw .custom(A.accountNotEnoughKeys) }
        let (payer, config, poolIx, input, output, inVault, outVault, observation) = (0, 1, 2, 3, 4, 5, 6, 7)
        guard ctx.isSigner(payer) else { throw .custom(A.accountNotSigner) }
        try ctx.requireAnchorAccount(poolIx, owner: L.programId, discriminator: L.poolStateDiscriminator)
        var venue = try ctx.decodePool(RaydiumCLMMVenue.self, at: poolIx)
        let state = venue.state
        guard ctx.key(config) == state.ammConfig else { throw .custom(A.constraintAddress) }
        guard ctx.key(observation) == state.observationKey else { throw .custom(A.constraintAddress) }
        guard ctx.key(8) == ProgramIDs.token else { throw .custom(A.invalidProgramId) }
        if v2 {
            guard ctx.key(9) == ProgramIDs.token2022 else { throw .custom(A.invalidProgramId) }
            guard ctx.key(10) == ProgramIDs.memo else { throw .custom(A.invalidProgramId) }
        }
        guard sqrtLimit == 0 else {
            // Partial fills against a price limit are not modelled; ArbVenues always sends 0 (no limit).
            ctx.log("simulated CLMM: sqrt_price_limit_x64 must be 0")
            throw .invalidInstructionData
        }
        let inVaultToken = try DEXToken.account(ctx, inVault)
        let zeroForOne = inVaultToken.mint == state.tokenMint0
        let expected = zeroForOne ? (state.tokenVault0, state.tokenVault1) : (state.tokenVault1, state.tokenVault0)
        guard ctx.key(inVault) == expected.0, ctx.key(outVault) == expected.1 else {
            throw .custom(E.invalidInputPoolVault)
        }
        if v2 {
            let outVaultToken = try DEXToken.account(ctx, outVault)
            guard ctx.key(11) == inVaultToken.mint, ctx.key(12) == outVaultToken.mint else {
                throw .custom(A.constraintAddress)
            }
        }
        guard amount > 0 else { throw .custom(E.zeroAmountSpecified) }
        do { try venue.update(from: ctx.venueAccounts()) } catch { throw .custom(A.accountDidNotDeserialize) }
        let detail: RaydiumCLMMQuoteDetail
        do {
            detail = try venue.quoteDetail(
                QuoteRequest(amount: amount, direction: zeroForOne ? .aToB : .bToA, exactIn: isBaseInput))
        } catch {
            switch error.code {
            case .zeroAmount: throw .custom(E.tooSmallInputOrOutputAmount)
            case .poolDisabled: throw .custom(E.notApproved)
            case .missingAccount: throw .custom(E.notEnoughTickArrayAccount)
            default: throw .custom(E.liquidityInsufficient)
            }
        }
        let q = detail.quote
        try ConcentratedLiquidity.checkThreshold(
            &ctx, q, threshold: threshold, exactIn: isBaseInput, belowMinimum: E.tooLittleOutputReceived,
            aboveMaximum: E.tooMuchInputPaid)
        try DEXToken.settle(
            &ctx, userIn: input, vaultIn: inVault, user: ctx.key(payer), vaultOut: outVault, userOut: output,
            poolAuthority: ctx.key(poolIx), amountIn: q.amountIn, amountOut: q.amountOut)

        let r = detail.swap
        var s = state
        s.sqrtPriceX64 = r.sqrtPrice
        s.tickCurrent = r.tick
        s.liquidity = r.liquidity
        if zeroForOne {
            s.feeGrowthGlobal0X64 = r.feeGrowthGlobal
            s.protocolFeesToken0 &+= r.protocolFee
            s.fundFeesToken0 &+= r.fundFee
            s.swapInAmountToken0 &+= UInt128(r.amountIn)
            s.swapOutAmountToken1 &+= UInt128(r.amountOut)
        } else {
            s.feeGrowthGlobal1X64 = r.feeGrowthGlobal
            s.protocolFeesToken1 &+= r.protocolFee
            s.fundFeesToken1 &+= r.fundFee
            s.swapInAmountToken1 &+= UInt128(r.amountIn)
            s.swapOutAmountToken0 &+= UInt128(r.amountOut)
        }
        s.recentEpoch = ctx.slot / 432_000
        var a = ctx.account(poolIx)
        DEXLayouts.write(s, into: &a.data)
        try ctx.set(poolIx, a)

        // Crossed ticks (`TickState::cross`).
        try ConcentratedLiquidity.recordCrossings(
            &ctx, r.crossedTicks.map { .init(tick: $0.tick, feeGrowthGlobalInput: $0.feeGrowthGlobalInput) },
            inputIsToken0: zeroForOne, globals: (state.feeGrowthGlobal0X64, state.feeGrowthGlobal1X64),
            tickSpacing: state.tickSpacing, geometry: .raydiumCLMM,
            arrayStart: { ClmmMath.tickArrayStartIndex($0, tickSpacing: state.tickSpacing) },
            arrayAddress: { venue.tickArrayAddress($0) }, missingArray: E.notEnoughTickArrayAccount)
    }
}
