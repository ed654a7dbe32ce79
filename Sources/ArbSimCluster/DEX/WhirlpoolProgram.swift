import ArbMath
import ArbVenues
import SolanaPrimitives

/// Orca Whirlpool `ErrorCode` (programs/whirlpool/src/errors.rs; Anchor numbers from 6000, hex in the source).
public enum WhirlpoolErrorCode {
    /// 0x1793
    public static let zeroTradableAmount: UInt32 = 6035
    /// 0x1794
    public static let amountOutBelowMinimum: UInt32 = 6036
    /// 0x1795
    public static let amountInAboveMaximum: UInt32 = 6037
    /// 0x1796
    public static let tickArraySequenceInvalidIndex: UInt32 = 6038
    /// 0x1781: other failures of the walk (overflows) are reported as `TokenMaxExceeded`.
    public static let tokenMaxExceeded: UInt32 = 6017
}

/// Orca Whirlpool (`whirLbMi…`): `swap` (11 accounts) and `swap_v2` (15 accounts) with the Anchor constraints
/// (vault addresses, owner accounts' mints, token programs, oracle seeds), the ArbVenues/ArbMath tick walk over the
/// three tick arrays passed, vault transfers, and the new sqrt price, tick, liquidity, fee growth and protocol fee
/// written back into the `Whirlpool` account.
struct WhirlpoolProgram: NativeProgram {
    typealias E = WhirlpoolErrorCode
    typealias A = AnchorErrorCode
    var loader: Address { LoaderIDs.bpfLoader2 }
    /// Measured on mainnet (issue #6): swap ≈ 41k CU, swap_v2 ≈ 48k CU.
    static let swapUnits: UInt64 = 41_000
    static let swapV2Units: UInt64 = 48_000

    func process(_ ctx: inout InvocationContext) throws(InstructionError) {
        typealias L = WhirlpoolLayout
        let v2 = try ctx.anchorInstruction([L.swapDiscriminator, L.swapV2Discriminator]) == 1
        try ctx.consume(v2 ? Self.swapV2Units : Self.swapUnits)
        guard ctx.data.count >= (v2 ? 43 : 42) else { throw .custom(A.instructionDidNotDeserialize) }
        ctx.log(v2 ? "Instruction: SwapV2" : "Instruction: Swap")
        let amount = ctx.data.le(UInt64.self, at: 8)
        let threshold = ctx.data.le(UInt64.self, at: 16)
        let sqrtLimit = ctx.data.le(UInt128.self, at: 24)
        guard ctx.data[40] <= 1, ctx.data[41] <= 1 else { throw .custom(A.instructionDidNotDeserialize) }
        let exactIn = ctx.data[40] == 1
        let aToB = ctx.data[41] == 1
        guard ctx.accountCount >= (v2 ? 15 : 11) else { throw .custom(A.accountNotEnoughKeys) }
        // Positions of the named accounts in each form.
        let authority = v2 ? 3 : 1
        let poolIx = v2 ? 4 : 2
        let (ownerA, vaultA, ownerB, vaultB) = v2 ? (7, 8, 9, 10) : (3, 4, 5, 6)
        let arrays = v2 ? [11, 12, 13] : [7, 8, 9]
        let oracle = v2 ? 14 : 10
        guard ctx.isSigner(authority) else { throw .custom(A.accountNotSigner) }
        try ctx.requireAnchorAccount(poolIx, owner: L.programId, discriminator: L.whirlpoolDiscriminator)
        for i in arrays where !ctx.isWritable(i) { throw .custom(A.accountNotMutable) }  // tick arrays are `mut`
        var venue = try ctx.decodePool(WhirlpoolVenue.self, at: poolIx)
        let state = venue.state
        if v2 {
            for i in [0, 1] where ctx.key(i) != ProgramIDs.token && ctx.key(i) != ProgramIDs.token2022 {
                throw .custom(A.invalidProgramId)
            }
            guard ctx.key(2) == ProgramIDs.memo else { throw .custom(A.invalidProgramId) }
            guard ctx.key(5) == state.tokenMintA, ctx.key(6) == state.tokenMintB else {
                throw .custom(A.constraintAddress)
            }
        } else {
            guard ctx.key(0) == ProgramIDs.token else { throw .custom(A.invalidProgramId) }
        }
        guard ctx.key(vaultA) == state.tokenVaultA, ctx.key(vaultB) == state.tokenVaultB else {
            throw .custom(A.constraintAddress)
        }
        guard try DEXToken.account(ctx, ownerA).mint == state.tokenMintA,
            try DEXToken.account(ctx, ownerB).mint == state.tokenMintB
        else { throw .custom(A.constraintRaw) }
        guard ctx.key(oracle) == venue.oracleAddress else { throw .custom(A.constraintSeeds) }
        guard sqrtLimit == 0 else {
            // Partial fills against a price limit are not modelled; ArbVenues always sends 0 (MIN/MAX).
            ctx.log("simulated Whirlpool: sqrt_price_limit must be 0")
            throw .invalidInstructionData
        }
        guard amount > 0 else { throw .custom(E.zeroTradableAmount) }
        // The walk uses the arrays of the program's sequence for the current tick among those passed: the source
        // holds only the instruction's accounts, so an array that was not passed is missing to the walk too.
        let source = ctx.venueAccounts()
        do { try venue.update(from: source) } catch { throw .custom(A.accountDidNotDeserialize) }
        let detail: WhirlpoolQuoteDetail
        do {
            detail = try venue.quoteDetail(
                QuoteRequest(amount: amount, direction: aToB ? .aToB : .bToA, exactIn: exactIn))
        } catch {
            switch error.code {
            case .zeroAmount: throw .custom(E.zeroTradableAmount)
            case .missingAccount, .insufficientLiquidity: throw .custom(E.tickArraySequenceInvalidIndex)
            default: throw .custom(E.tokenMaxExceeded)
            }
        }
        let q = detail.quote
        try ConcentratedLiquidity.checkThreshold(
            &ctx, q, threshold: threshold, exactIn: exactIn, belowMinimum: E.amountOutBelowMinimum,
            aboveMaximum: E.amountInAboveMaximum)
        let (userIn, vaultIn, vaultOut, userOut) =
            aToB ? (ownerA, vaultA, vaultB, ownerB) : (ownerB, vaultB, vaultA, ownerA)
        try DEXToken.settle(
            &ctx, userIn: userIn, vaultIn: vaultIn, user: ctx.key(authority), vaultOut: vaultOut, userOut: userOut,
            poolAuthority: ctx.key(poolIx), amountIn: q.amountIn, amountOut: q.amountOut)
        let r = detail.swap
        var s = state
        s.sqrtPrice = r.nextSqrtPrice
        s.tickCurrentIndex = r.nextTickIndex
        s.liquidity = r.nextLiquidity
        if aToB {
            s.feeGrowthGlobalA = r.nextFeeGrowthGlobal
            s.protocolFeeOwedA &+= r.nextProtocolFee
        } else {
            s.feeGrowthGlobalB = r.nextFeeGrowthGlobal
            s.protocolFeeOwedB &+= r.nextProtocolFee
        }
        var a = ctx.account(poolIx)
        DEXLayouts.write(s, into: &a.data)
        try ctx.set(poolIx, a)

        // Crossed ticks (`Tick::update` on cross). Dynamic tick arrays keep only initialized ticks' bytes; their
        // fee growth is not modelled (skipped).
        try ConcentratedLiquidity.recordCrossings(
            &ctx, r.crossedTicks.map { .init(tick: $0.tickIndex, feeGrowthGlobalInput: $0.feeGrowthGlobalInput) },
            inputIsToken0: aToB, globals: (state.feeGrowthGlobalA, state.feeGrowthGlobalB),
            tickSpacing: state.tickSpacing, geometry: .whirlpool, fixedArraySize: L.fixedTickArraySize,
            arrayStart: { WhirlpoolMath.tickArrayStartIndex($0, tickSpacing: state.tickSpacing) },
            arrayAddress: { venue.tickArrayAddress($0) }, missingArray: E.tickArraySequenceInvalidIndex)
    }
}
