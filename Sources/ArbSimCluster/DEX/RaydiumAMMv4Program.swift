import ArbMath
import ArbVenues
import SolanaPrimitives

/// raydium-amm `AmmError` numbers (program/src/error.rs, enum order), returned as `Custom(n)`.
public enum RaydiumAMMv4ErrorCode {
    public static let invalidProgramAddress: UInt32 = 1
    public static let expectedAccount: UInt32 = 3
    public static let invalidCoinVault: UInt32 = 4
    public static let invalidPCVault: UInt32 = 5
    public static let invalidOpenOrders: UInt32 = 10
    public static let invalidTargetOrders: UInt32 = 13
    public static let invalidOwner: UInt32 = 18
    public static let invalidSignAccount: UInt32 = 21
    public static let invalidStatus: UInt32 = 22
    public static let invalidInstruction: UInt32 = 23
    public static let wrongAccountsNumber: UInt32 = 24
    public static let invalidAmmAccountOwner: UInt32 = 27
    public static let invalidInput: UInt32 = 29
    /// 0x1e
    public static let exceededSlippage: UInt32 = 30
    public static let checkedEmptyFunds: UInt32 = 36
    public static let insufficientFunds: UInt32 = 40
    public static let invalidSplTokenProgram: UInt32 = 38
    public static let invalidUserToken: UInt32 = 42
}

/// Raydium AMM v4 (`675kPX9M…`): `SwapBaseIn`/`SwapBaseOut` (tags 9/11, 17 or 18 accounts) and
/// `SwapBaseInV2`/`SwapBaseOutV2` (tags 16/17, 8 accounts), with the processor's account checks, the
/// constant-product math of ArbVenues/ArbMath, vault transfers and the `StateData` swap counters written back.
/// The OpenBook market accounts of the legacy form are accepted but not used (SwapOnly pools).
struct RaydiumAMMv4Program: NativeProgram {
    typealias E = RaydiumAMMv4ErrorCode
    var loader: Address { LoaderIDs.bpfLoader2 }
    /// Measured on mainnet (issue #6): swap_base_in ≈ 21k CU; base_out is charged the same.
    static let computeUnits: UInt64 = 21_000

    /// Instruction positions of the accounts the swap uses.
    struct Positions {
        var tokenProgram = 0
        var amm = 1
        var authority = 2
        var openOrders: Int?
        var targetOrders: Int?
        var coinVault: Int
        var pcVault: Int
        var userSource: Int
        var userDestination: Int
        var owner: Int
    }

    func process(_ ctx: inout InvocationContext) throws(InstructionError) {
        try ctx.consume(Self.computeUnits)
        guard ctx.data.count >= 17, let tag = ctx.data.first else { throw .custom(E.invalidInstruction) }
        let exactIn: Bool
        let p: Positions
        switch tag {
        case RaydiumAMMv4Layout.tagSwapBaseInV2, RaydiumAMMv4Layout.tagSwapBaseOutV2:
            exactIn = tag == RaydiumAMMv4Layout.tagSwapBaseInV2
            guard ctx.accountCount == 8 else { throw .custom(E.wrongAccountsNumber) }
            p = Positions(coinVault: 3, pcVault: 4, userSource: 5, userDestination: 6, owner: 7)
        case RaydiumAMMv4Layout.tagSwapBaseIn, RaydiumAMMv4Layout.tagSwapBaseOut:
            exactIn = tag == RaydiumAMMv4Layout.tagSwapBaseIn
            switch ctx.accountCount {
            case 18:
                p = Positions(
                    openOrders: 3, targetOrders: 4, coinVault: 5, pcVault: 6, userSource: 15, userDestination: 16,
                    owner: 17)
            case 17:
                p = Positions(openOrders: 3, coinVault: 4, pcVault: 5, userSource: 14, userDestination: 15, owner: 16)
            default: throw .custom(E.wrongAccountsNumber)
            }
        default:
            throw .custom(E.invalidInstruction)
        }
        ctx.log(exactIn ? "Instruction: SwapBaseIn" : "Instruction: SwapBaseOut")
        // (amount_in, minimum_amount_out) for base-in; (max_amount_in, amount_out) for base-out.
        let first = ctx.data.le(UInt64.self, at: 1)
        let second = ctx.data.le(UInt64.self, at: 9)
        let (amount, other) = exactIn ? (first, second) : (second, first)

        // The order of processor.rs `process_swap_base_in_v2` / `_base_out_v2`.
        let ammAccount = ctx.account(p.amm)
        // `AmmInfo::load_mut_checked` (state.rs): owner, size, initialized.
        guard ammAccount.owner == RaydiumAMMv4Layout.programId else { throw .custom(E.invalidAmmAccountOwner) }
        guard ammAccount.data.count == RaydiumAMMv4Layout.size else { throw .custom(E.expectedAccount) }
        var pool: RaydiumAMMv4Pool
        do { pool = try RaydiumAMMv4Pool(pool: ctx.venueAccount(p.amm)) } catch { throw .custom(E.invalidStatus) }
        guard ctx.isSigner(p.owner) else { throw .custom(E.invalidSignAccount) }
        guard ctx.key(p.tokenProgram) == ProgramIDs.token else { throw .custom(E.invalidSplTokenProgram) }
        guard ctx.key(p.authority) == pool.authority else { throw .custom(E.invalidProgramAddress) }
        guard ctx.key(p.coinVault) == pool.coinVault else { throw .custom(E.invalidCoinVault) }
        guard ctx.key(p.pcVault) == pool.pcVault else { throw .custom(E.invalidPCVault) }
        if let o = p.openOrders, ctx.key(o) != pool.openOrders { throw .custom(E.invalidOpenOrders) }
        if let t = p.targetOrders, ctx.key(t) != pool.targetOrders { throw .custom(E.invalidTargetOrders) }
        for u in [p.userSource, p.userDestination] where ctx.key(u) == pool.coinVault || ctx.key(u) == pool.pcVault {
            throw .custom(E.invalidUserToken)
        }
        let source = try DEXToken.account(ctx, p.userSource)
        let destination = try DEXToken.account(ctx, p.userDestination)
        let status = RaydiumAMMv4Layout.Status(rawValue: pool.status)
        guard status == .swapOnly || status == .initialized || status == .waitingTrade else {
            throw .custom(E.invalidStatus)
        }
        // Direction from the user accounts' mints: coin→pc iff source is coin and destination pc.
        let direction: SwapDirection
        if source.mint == pool.coinMint && destination.mint == pool.pcMint {
            direction = .aToB
        } else if source.mint == pool.pcMint && destination.mint == pool.coinMint {
            direction = .bToA
        } else {
            throw .custom(E.invalidUserToken)
        }
        guard amount > 0, other > 0 || exactIn else { throw .custom(E.invalidInput) }
        do { try pool.update(from: ctx.venueAccounts()) } catch { throw .invalidAccountData }
        let quote: Quote
        do {
            quote = try pool.quote(
                QuoteRequest(amount: amount, direction: direction, exactIn: exactIn), now: ctx.unixTimestamp)
        } catch let e where e.code == .poolDisabled || e.code == .unsupported {
            throw .custom(E.invalidStatus)
        } catch {
            throw .custom(E.insufficientFunds)
        }
        // The program checks the user's balance itself before its slippage check.
        guard source.amount >= quote.amountIn else { throw .custom(E.insufficientFunds) }
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
        guard quote.amountOut > 0 else { throw .custom(E.invalidInput) }
        let (inVault, outVault) = direction == .aToB ? (p.coinVault, p.pcVault) : (p.pcVault, p.coinVault)
        try DEXToken.settle(
            &ctx, userIn: p.userSource, vaultIn: inVault, user: ctx.key(p.owner), vaultOut: outVault,
            userOut: p.userDestination, poolAuthority: pool.authority, amountIn: quote.amountIn,
            amountOut: quote.amountOut)

        // StateData swap counters (state.rs): in/out amounts (u128) and the accumulated fee of the input side.
        typealias S = DEXLayouts.AMMv4Stats
        var a = ctx.account(p.amm)
        var d = a.data
        func add128(_ offset: Int, _ v: UInt64) { d.put(d.le(UInt128.self, at: offset) &+ UInt128(v), at: offset) }
        func add64(_ offset: Int, _ v: UInt64) { d.put(d.le(UInt64.self, at: offset) &+ v, at: offset) }
        if direction == .aToB {
            add128(S.swapCoinInAmount, quote.amountIn)
            add128(S.swapPcOutAmount, quote.amountOut)
            add64(S.swapAccCoinFee, quote.fee)
        } else {
            add128(S.swapPcInAmount, quote.amountIn)
            add128(S.swapCoinOutAmount, quote.amountOut)
            add64(S.swapAccPcFee, quote.fee)
        }
        a.data = d
        try ctx.set(p.amm, a)
    }
}
