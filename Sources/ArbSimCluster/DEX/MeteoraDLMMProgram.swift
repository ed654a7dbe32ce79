import ArbMath
import ArbVenues
import SolanaPrimitives

/// Meteora DLMM (lb_clmm) `LBError` numbers (dlmm-sdk idls/dlmm.json `errors`; Anchor numbers from 6000).
public enum MeteoraDLMMErrorCode {
    public static let invalidInput: UInt32 = 6002
    public static let exceededAmountSlippageTolerance: UInt32 = 6003
    public static let binArrayNotFound: UInt32 = 6009
    public static let pairInsufficientLiquidity: UInt32 = 6012
    public static let invalidBinArray: UInt32 = 6027
    public static let bitmapExtensionAccountIsNotProvided: UInt32 = 6036
    public static let poolDisabled: UInt32 = 6042
}

/// Meteora DLMM (`LBUZKhRx…`): `swap`, `swap_exact_out`, `swap2`, `swap_exact_out2` with the `Swap` accounts'
/// `has_one` constraints (reserves, mints, oracle), event-authority seeds, the ArbVenues/ArbMath bin walk over
/// the bin arrays passed as remaining accounts, reserve transfers, and per-bin amounts, active id, protocol fees
/// and volatility parameters written back.
struct MeteoraDLMMProgram: NativeProgram {
    typealias E = MeteoraDLMMErrorCode
    typealias A = AnchorErrorCode
    var loader: Address { LoaderIDs.bpfLoader2 }
    /// Measured on mainnet (issue #6): swap2 ≈ 45k CU; every form is charged the same.
    static let computeUnits: UInt64 = 45_000

    func process(_ ctx: inout InvocationContext) throws(InstructionError) {
        typealias L = MeteoraDLMMLayout
        try ctx.consume(Self.computeUnits)
        // swap, swap_exact_out, swap2, swap_exact_out2.
        let form = try ctx.anchorInstruction([
            L.swapDiscriminator, L.swapExactOutDiscriminator, L.swap2Discriminator, L.swapExactOut2Discriminator,
        ])
        let (v2, exactIn) = (form >= 2, form % 2 == 0)
        guard ctx.data.count >= (v2 ? 28 : 24) else { throw .custom(A.instructionDidNotDeserialize) }
        if v2 {
            // RemainingAccountsInfo { slices: Vec<RemainingAccountsSlice> }: transfer-hook accounts (none here).
            guard ctx.data.le(UInt32.self, at: 24) == 0 else {
                ctx.log("simulated DLMM: transfer-hook remaining accounts are not modelled")
                throw .custom(E.invalidInput)
            }
        }
        ctx.log(
            "Instruction: "
                + (v2 ? (exactIn ? "Swap2" : "SwapExactOut2") : (exactIn ? "Swap" : "SwapExactOut")))
        // Exact-in: (amount_in, min_amount_out); exact-out: (max_in_amount, out_amount).
        let first = ctx.data.le(UInt64.self, at: 8)
        let second = ctx.data.le(UInt64.self, at: 16)
        let fixed = v2 ? 16 : 15
        guard ctx.accountCount >= fixed else { throw .custom(A.accountNotEnoughKeys) }
        let (pairIx, extIx, reserveX, reserveY, userIn, userOut, mintX, mintY, oracle, user) =
            (0, 1, 2, 3, 4, 5, 6, 7, 8, 10)
        let (eventAuthority, programIx) = v2 ? (14, 15) : (13, 14)
        guard ctx.isSigner(user) else { throw .custom(A.accountNotSigner) }
        try ctx.requireAnchorAccount(pairIx, owner: L.programId, discriminator: L.lbPairDiscriminator)
        var pair = try ctx.decodePool(MeteoraDLMMPair.self, at: pairIx)
        guard ctx.key(reserveX) == pair.reserveX, ctx.key(reserveY) == pair.reserveY,
            ctx.key(mintX) == pair.tokenXMint, ctx.key(mintY) == pair.tokenYMint, ctx.key(oracle) == pair.oracle
        else { throw .custom(A.constraintHasOne) }
        guard ctx.key(11) == pair.tokenXProgram, ctx.key(12) == pair.tokenYProgram else {
            throw .custom(A.invalidProgramId)
        }
        if v2 { guard ctx.key(13) == ProgramIDs.memo else { throw .custom(A.invalidProgramId) } }
        guard ctx.key(eventAuthority) == L.eventAuthority else { throw .custom(A.constraintSeeds) }
        guard ctx.key(programIx) == L.programId else { throw .custom(A.constraintAddress) }
        let inMint = try DEXToken.account(ctx, userIn).mint
        let outMint = try DEXToken.account(ctx, userOut).mint
        let swapForY: Bool
        if inMint == pair.tokenXMint && outMint == pair.tokenYMint {
            swapForY = true
        } else if inMint == pair.tokenYMint && outMint == pair.tokenXMint {
            swapForY = false
        } else {
            throw .custom(E.invalidInput)
        }
        guard first > 0, second > 0 || exactIn else { throw .custom(E.invalidInput) }

        // The pair, the bitmap extension when passed (else the program id: none), and every bin array passed.
        let hasExtension = ctx.key(extIx) != L.programId
        if !hasExtension { pair.bitmapExtension = .absent }
        do { try pair.update(from: ctx.venueAccounts()) } catch { throw .custom(A.accountDidNotDeserialize) }
        if !hasExtension { pair.bitmapExtension = .absent }
        for i in fixed..<ctx.accountCount {
            let account = ctx.venueAccount(i)
            let ba: MeteoraDLMMBinArray
            do { ba = try MeteoraDLMMBinArray(account: account) } catch { throw .custom(E.invalidBinArray) }
            do { try pair.insert(ba) } catch { throw .custom(E.invalidBinArray) }
        }
        let amount = exactIn ? first : second
        let r: DLMM.SwapResult
        do {
            r = try pair.swapResult(
                QuoteRequest(amount: amount, direction: swapForY ? .aToB : .bToA, exactIn: exactIn))
        } catch {
            switch error.code {
            case .poolDisabled: throw .custom(E.poolDisabled)
            case .missingAccount:
                throw .custom(hasExtension ? E.binArrayNotFound : E.bitmapExtensionAccountIsNotProvided)
            default: throw .custom(E.pairInsufficientLiquidity)
            }
        }
        if exactIn {
            guard r.amountIn == amount else { throw .custom(E.pairInsufficientLiquidity) }
            guard r.amountOut >= second else {
                ctx.log("amount_out: \(r.amountOut), min_amount_out: \(second)")
                throw .custom(E.exceededAmountSlippageTolerance)
            }
        } else {
            guard r.amountIn <= first else {
                ctx.log("amount_in: \(r.amountIn), max_in_amount: \(first)")
                throw .custom(E.exceededAmountSlippageTolerance)
            }
        }
        let (inReserve, outReserve) = swapForY ? (reserveX, reserveY) : (reserveY, reserveX)
        try DEXToken.settle(
            &ctx, userIn: userIn, vaultIn: inReserve, user: ctx.key(user), vaultOut: outReserve, userOut: userOut,
            poolAuthority: ctx.key(pairIx), amountIn: r.amountIn, amountOut: r.amountOut)

        // Bins: the input (less the fee, which is claimable separately) goes into each bin, the output leaves it.
        var changed: [Int32: [(Int, DLMM.Bin)]] = [:]
        for fill in r.fills {
            let index = DLMM.binArrayIndex(binId: fill.binId)
            guard var ba = pair.binArrays[index] else { throw .custom(E.binArrayNotFound) }
            let slot = Int(fill.binId - DLMM.binArrayBounds(index: index).lower)
            var bin = ba.bins[slot]
            let intoBin = fill.feeOnInput ? fill.amountIn - fill.fee : fill.amountIn
            let fromBin = fill.feeOnInput ? fill.amountOut : fill.amountOut + fill.fee
            if swapForY {
                bin.amountX &+= intoBin
                guard bin.amountY >= fromBin else { throw .custom(E.pairInsufficientLiquidity) }
                bin.amountY -= fromBin
            } else {
                bin.amountY &+= intoBin
                guard bin.amountX >= fromBin else { throw .custom(E.pairInsufficientLiquidity) }
                bin.amountX -= fromBin
            }
            ba.bins[slot] = bin
            pair.binArrays[index] = ba
            changed[index, default: []].append((slot, bin))
        }
        for (index, bins) in changed {
            guard let ba = pair.binArrays[index], let pos = ctx.position(of: ba.address) else {
                throw .custom(E.binArrayNotFound)
            }
            var a = ctx.account(pos)
            for (slot, bin) in bins { DEXLayouts.writeBin(bin, index: slot, version: ba.version, into: &a.data) }
            try ctx.set(pos, a)
        }
        pair.activeId = r.endActiveId
        if swapForY { pair.protocolFee.x &+= r.protocolFee } else { pair.protocolFee.y &+= r.protocolFee }
        if var v = r.volatility {
            v.lastUpdateTimestamp = ctx.unixTimestamp
            pair.volatility = v
        }
        var a = ctx.account(pairIx)
        DEXLayouts.write(pair, into: &a.data)
        try ctx.set(pairIx, a)
    }
}
