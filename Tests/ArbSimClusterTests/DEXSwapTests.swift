import ArbMath
import ArbSimCluster
import ArbVenues
import Foundation
import SolanaKeys
import SolanaPrimitives
import Testing

/// A bank with DEX pools on non-native mints and a funded user, for swap tests.
struct DEXWorld {
    var bank = Bank()
    let user = T.key(95)
    static let usdc = DEXFixture.usdc
    static let bonk = DEXFixture.bonk
    static let wif = MintSpec(T.key(96).address, decimals: 6, mintAuthority: DEXFixture.authority.address)

    init() throws {
        bank.fund(user.address, lamports: 100 * T.sol)
        for m in [Self.usdc, Self.bonk, Self.wif] {
            bank.setAccount(
                m.address,
                Account(
                    lamports: Rent.minimumBalance(dataLength: MintLayout.size), owner: ProgramIDs.token,
                    data: MintLayout(
                        mintAuthority: m.mintAuthority, supply: 0, decimals: m.decimals, freezeAuthority: nil
                    ).encoded()))
        }
        try bank.fundTokenAccount(owner: user.address, mint: Self.usdc.address, amount: 100_000 * 1_000_000)
        try bank.fundTokenAccount(owner: user.address, mint: Self.bonk.address, amount: 1_000_000 * 100_000)
        try bank.fundTokenAccount(owner: user.address, mint: Self.wif.address, amount: 100_000 * 1_000_000)
    }

    /// A pool of `kind` trading `a`/`b` at `reserveB / reserveA`.
    mutating func pool(
        _ kind: VenueKind, _ a: MintSpec, _ b: MintSpec, _ ra: UInt64, _ rb: UInt64, seed: UInt64 = 1
    ) throws -> CreatedPool {
        try bank.createPool(
            PoolSpec(kind: kind, mintA: a, mintB: b, feeRate: 2_500, reserveA: ra, reserveB: rb, seed: seed))
    }

    /// USDC/BONK at 0.00002 USDC per BONK (1 USDC = 50,000 BONK): 1M USDC and 50B BONK of depth.
    mutating func usdcBonk(_ kind: VenueKind, seed: UInt64 = 1) throws -> CreatedPool {
        try pool(kind, Self.usdc, Self.bonk, 1_000_000 * 1_000_000, 50_000_000_000 * 100_000, seed: seed)
    }

    func ata(_ mint: Address, _ owner: Address? = nil) -> Address {
        AssociatedTokenAccount.address(wallet: owner ?? user.address, mint: mint)
    }

    func balance(_ mint: Address, _ owner: Address? = nil) -> UInt64 { T.tokenAmount(bank, ata(mint, owner)) ?? 0 }

    func venue(_ pool: CreatedPool) throws -> any Venue { try bank.venue(for: pool) }

    static func direction(_ pool: CreatedPool, selling mint: Address) -> SwapDirection {
        pool.mintA == mint ? .aToB : .bToA
    }

    /// Signs the ArbVenues `SwapTransaction` of `legs` for the user (legacy, or v0 through `table`).
    func transaction(_ legs: [SwapLeg], payer: Keypair? = nil, table: AddressLookupTableAccount? = nil) throws
        -> [UInt8]
    {
        let ixs = try SwapTransaction.instructions(
            owner: user.address, legs: legs, computeUnitLimit: 1_400_000, microLamportsPerComputeUnit: 0)
        if let table { return try T.v0(ixs, payer: payer ?? user, blockhash: bank.latestBlockhash, tables: [table]) }
        return try T.legacy(ixs, payer: payer ?? user, blockhash: bank.latestBlockhash)
    }

    /// Writes an active lookup table holding every non-program, non-signer account of `legs` (what a bot keeps
    /// for its pools), and produces a block so that it is usable.
    mutating func lookupTable(_ legs: [SwapLeg]) throws -> AddressLookupTableAccount {
        let ixs = try SwapTransaction.instructions(
            owner: user.address, legs: legs, computeUnitLimit: 1_400_000, microLamportsPerComputeUnit: 0)
        let programs = Set(ixs.map(\.programId))
        var addresses: [Address] = []
        for ix in ixs {
            for m in ix.accounts where !m.isSigner && !programs.contains(m.address) && !addresses.contains(m.address) {
                addresses.append(m.address)
            }
        }
        let key = T.key(100).address
        var w = ByteWriter(capacity: 56 + 32 * addresses.count)
        w.u32(1)  // LookupTable
        w.u64(.max)  // not deactivated
        w.u64(0)  // last extended slot
        w.u8(0)
        w.u8(1)
        w.address(user.address)  // authority
        while w.bytes.count < 56 { w.u8(0) }
        for a in addresses { w.address(a) }
        bank.setAccount(
            key,
            Account(
                lamports: Rent.minimumBalance(dataLength: w.bytes.count), owner: ProgramIDs.addressLookupTable,
                data: w.bytes))
        bank.produceBlock()
        return AddressLookupTableAccount(key: key, addresses: addresses)
    }

    mutating func land(_ bytes: [UInt8]) throws -> ExecutionResult { try T.land(&bank, bytes) }

    func accounts(_ pool: CreatedPool) -> [Account?] { pool.accounts.map { bank.account($0) } }
}

/// The program's error for each check, per venue kind.
enum Expected {
    static func minOut(_ kind: VenueKind) -> UInt32 {
        switch kind {
        case .raydiumAmmV4: RaydiumAMMv4ErrorCode.exceededSlippage
        case .raydiumCpmm: RaydiumCPMMErrorCode.exceededSlippage
        case .raydiumClmm: RaydiumCLMMErrorCode.tooLittleOutputReceived
        case .orcaWhirlpool: WhirlpoolErrorCode.amountOutBelowMinimum
        case .meteoraDlmm: MeteoraDLMMErrorCode.exceededAmountSlippageTolerance
        }
    }

    /// The input vault replaced by another token account of the same mint.
    static func wrongVault(_ kind: VenueKind, inputIsA: Bool) -> UInt32 {
        switch kind {
        case .raydiumAmmV4: inputIsA ? RaydiumAMMv4ErrorCode.invalidCoinVault : RaydiumAMMv4ErrorCode.invalidPCVault
        case .raydiumCpmm: AnchorErrorCode.constraintRaw
        case .raydiumClmm: RaydiumCLMMErrorCode.invalidInputPoolVault
        case .orcaWhirlpool: AnchorErrorCode.constraintAddress
        case .meteoraDlmm: AnchorErrorCode.constraintHasOne
        }
    }

    /// The destination is a token account of the input mint.
    static func wrongTokenAccount(_ kind: VenueKind) -> InstructionError {
        switch kind {
        case .raydiumAmmV4: .custom(RaydiumAMMv4ErrorCode.invalidUserToken)
        case .raydiumCpmm, .raydiumClmm: .custom(TokenErrorCode.mintMismatch)
        case .orcaWhirlpool: .custom(AnchorErrorCode.constraintRaw)
        case .meteoraDlmm: .custom(MeteoraDLMMErrorCode.invalidInput)
        }
    }

    static func computeUnits(_ kind: VenueKind) -> UInt64 {
        switch kind {
        case .raydiumAmmV4: 21_000
        case .raydiumCpmm: 33_000
        case .raydiumClmm: 67_000
        case .orcaWhirlpool: 41_000
        case .meteoraDlmm: 45_000
        }
    }

    static func programId(_ kind: VenueKind) -> Address {
        switch kind {
        case .raydiumAmmV4: RaydiumAMMv4Layout.programId
        case .raydiumCpmm: RaydiumCPMMLayout.programId
        case .raydiumClmm: RaydiumCLMMLayout.programId
        case .orcaWhirlpool: WhirlpoolLayout.programId
        case .meteoraDlmm: MeteoraDLMMLayout.programId
        }
    }
}

@Suite("DEX swap programs")
struct DEXSwapTests {
    /// A signed swap built with ArbVenues lands; balances move by exactly the pre-swap quote; the state written
    /// back is the swap's post-state and quotes the next swap; a second swap on it is exact again.
    @Test(arguments: VenueKind.allCases)
    func swapLandsExactlyAsQuoted(_ kind: VenueKind) throws {
        var w = try DEXWorld()
        let pool = try w.usdcBonk(kind)
        for (sell, amount) in [
            (DEXWorld.usdc.address, UInt64(1_000 * 1_000_000)), (DEXWorld.bonk.address, 40_000_000 * 100_000),
        ] {
            let buy = sell == DEXWorld.usdc.address ? DEXWorld.bonk.address : DEXWorld.usdc.address
            let venue = try w.venue(pool)
            let direction = DEXWorld.direction(pool, selling: sell)
            let quote = try venue.quote(QuoteRequest(amount: amount, direction: direction))
            let (sellBefore, buyBefore) = (w.balance(sell), w.balance(buy))
            let vaultsBefore = (T.tokenAmount(w.bank, pool.vaultA)!, T.tokenAmount(w.bank, pool.vaultB)!)
            let r = try w.land(
                try w.transaction([
                    SwapLeg(venue: venue, direction: direction, amountIn: amount, minimumOut: quote.amountOut)
                ]))
            #expect(r.error == nil, "\(kind): \(String(describing: r.error)) \(r.logs)")
            #expect(w.balance(sell) == sellBefore - quote.amountIn)
            #expect(w.balance(buy) == buyBefore + quote.amountOut)
            let (inVault, outVault) = direction == .aToB ? (pool.vaultA, pool.vaultB) : (pool.vaultB, pool.vaultA)
            let (inBefore, outBefore) = direction == .aToB ? vaultsBefore : (vaultsBefore.1, vaultsBefore.0)
            #expect(T.tokenAmount(w.bank, inVault) == inBefore + quote.amountIn)
            #expect(T.tokenAmount(w.bank, outVault) == outBefore - quote.amountOut)
            #expect(
                r.logs.contains {
                    $0.hasPrefix("Program \(Expected.programId(kind)) consumed \(Expected.computeUnits(kind)) of")
                },
                "\(r.logs)")

            // The state written back is the post-swap state the quote's model predicts.
            let after = try w.venue(pool)
            try Self.expectPostState(
                kind, before: venue, after: after, request: QuoteRequest(amount: amount, direction: direction))
            // Price impact persisted: the same swap now yields less.
            // (A DLMM bin trades at one constant price: a swap that stays in the active bin gives the same again.)
            let again = try after.quote(QuoteRequest(amount: amount, direction: direction))
            if kind == .meteoraDlmm {
                #expect(again.amountOut <= quote.amountOut, "\(kind): \(again.amountOut) vs \(quote.amountOut)")
            } else {
                #expect(again.amountOut < quote.amountOut, "\(kind): \(again.amountOut) vs \(quote.amountOut)")
            }
        }
        // A second swap on the written-back state is exact too.
        let venue = try w.venue(pool)
        let direction = DEXWorld.direction(pool, selling: DEXWorld.usdc.address)
        let q = try venue.quote(QuoteRequest(amount: 777_000_000, direction: direction))
        let before = w.balance(DEXWorld.bonk.address)
        let r = try w.land(
            try w.transaction([
                SwapLeg(venue: venue, direction: direction, amountIn: 777_000_000, minimumOut: q.amountOut)
            ]))
        #expect(r.error == nil)
        #expect(w.balance(DEXWorld.bonk.address) == before + q.amountOut)
    }

    static func expectPostState(_ kind: VenueKind, before: any Venue, after: any Venue, request: QuoteRequest) throws {
        switch kind {
        case .orcaWhirlpool:
            let b = try #require(before as? WhirlpoolVenue)
            let a = try #require(after as? WhirlpoolVenue)
            let d = try b.quoteDetail(request)
            #expect(a.state.sqrtPrice == d.swap.nextSqrtPrice && a.state.tickCurrentIndex == d.swap.nextTickIndex)
            #expect(a.state.liquidity == d.swap.nextLiquidity)
            let growth = request.direction == .aToB ? a.state.feeGrowthGlobalA : a.state.feeGrowthGlobalB
            #expect(growth == d.swap.nextFeeGrowthGlobal && growth > 0)
            let owed = request.direction == .aToB ? a.state.protocolFeeOwedA : a.state.protocolFeeOwedB
            let owedBefore = request.direction == .aToB ? b.state.protocolFeeOwedA : b.state.protocolFeeOwedB
            #expect(owed == owedBefore + d.swap.nextProtocolFee)
        case .raydiumClmm:
            let b = try #require(before as? RaydiumCLMMVenue)
            let a = try #require(after as? RaydiumCLMMVenue)
            let d = try b.quoteDetail(request)
            #expect(a.state.sqrtPriceX64 == d.swap.sqrtPrice && a.state.tickCurrent == d.swap.tick)
            #expect(a.state.liquidity == d.swap.liquidity)
            let growth = request.direction == .aToB ? a.state.feeGrowthGlobal0X64 : a.state.feeGrowthGlobal1X64
            #expect(growth == d.swap.feeGrowthGlobal && growth > 0)
            let fees = request.direction == .aToB ? a.state.protocolFeesToken0 : a.state.protocolFeesToken1
            let feesBefore = request.direction == .aToB ? b.state.protocolFeesToken0 : b.state.protocolFeesToken1
            #expect(fees == feesBefore + d.swap.protocolFee)
        case .meteoraDlmm:
            let b = try #require(before as? MeteoraDLMMPair)
            let a = try #require(after as? MeteoraDLMMPair)
            let r = try b.swapResult(request)
            #expect(a.activeId == r.endActiveId)
            let pf =
                request.direction == .aToB ? (a.protocolFee.x, b.protocolFee.x) : (a.protocolFee.y, b.protocolFee.y)
            #expect(pf.0 == pf.1 + r.protocolFee)
            // Every bin the swap used now holds its input less the fee and lost its output.
            for fill in r.fills {
                let index = DLMM.binArrayIndex(binId: fill.binId)
                let slot = Int(fill.binId - DLMM.binArrayBounds(index: index).lower)
                let old = try #require(b.binArrays[index]?.bins[slot])
                let new = try #require(a.binArrays[index]?.bins[slot])
                if request.direction == .aToB {
                    #expect(
                        new.amountX == old.amountX + fill.amountIn - fill.fee
                            && new.amountY == old.amountY - fill.amountOut)
                } else {
                    #expect(
                        new.amountY == old.amountY + fill.amountIn - fill.fee
                            && new.amountX == old.amountX - fill.amountOut)
                }
            }
        case .raydiumAmmV4:
            let b = try #require(before as? RaydiumAMMv4Pool)
            let a = try #require(after as? RaydiumAMMv4Pool)
            let q = try b.quote(request)
            let (rb, ra) = (try b.reserves(), try a.reserves())
            if request.direction == .aToB {
                #expect(ra.coin == rb.coin + q.amountIn && ra.pc == rb.pc - q.amountOut)
            } else {
                #expect(ra.pc == rb.pc + q.amountIn && ra.coin == rb.coin - q.amountOut)
            }
        case .raydiumCpmm:
            let b = try #require(before as? RaydiumCPMMPool)
            let a = try #require(after as? RaydiumCPMMPool)
            let q = try b.quote(request)
            let protocolFee = q.fee * 120_000 / 1_000_000
            let fundFee = q.fee * 40_000 / 1_000_000
            let (rb, ra) = (try b.reserves(), try a.reserves())
            if request.direction == .aToB {
                #expect(a.protocolFees.token0 == b.protocolFees.token0 + protocolFee)
                #expect(a.fundFees.token0 == b.fundFees.token0 + fundFee)
                #expect(ra.token0 == rb.token0 + q.amountIn - protocolFee - fundFee)
                #expect(ra.token1 == rb.token1 - q.amountOut)
            } else {
                #expect(a.protocolFees.token1 == b.protocolFees.token1 + protocolFee)
                #expect(ra.token1 == rb.token1 + q.amountIn - protocolFee - fundFee)
                #expect(ra.token0 == rb.token0 - q.amountOut)
            }
        }
    }

    static func swapIndex(_ kind: VenueKind, _ bytes: [UInt8]) throws -> UInt8 {
        let tx = try VersionedTransaction.deserialize(bytes)
        let keys = tx.message.staticAccountKeys
        let i = try #require(
            tx.message.instructions.lastIndex { keys[Int($0.programIdIndex)] == Expected.programId(kind) })
        return UInt8(i)
    }

    /// Expects `bytes` to fail at its swap instruction with `error`, changing nothing but the fee.
    static func expectFailure(
        _ w: inout DEXWorld, _ pool: CreatedPool, _ bytes: [UInt8], _ kind: VenueKind, _ error: InstructionError,
        payer: Address? = nil
    ) throws {
        let payerKey = payer ?? w.user.address
        let lamports = w.bank.account(payerKey)!.lamports
        let tokens = [DEXWorld.usdc.address, DEXWorld.bonk.address].map { w.balance($0) }
        let poolAccounts = w.accounts(pool)
        let r = try w.land(bytes)
        let index = try swapIndex(kind, bytes)
        #expect(r.error == .instructionError(index: index, error), "\(kind): \(String(describing: r.error))")
        #expect(w.bank.account(payerKey)!.lamports == lamports - r.fee)
        #expect([DEXWorld.usdc.address, DEXWorld.bonk.address].map { w.balance($0) } == tokens)
        let unchanged = w.accounts(pool) == poolAccounts
        #expect(unchanged, "\(kind): pool accounts changed by a failed swap")
    }

    @Test(arguments: VenueKind.allCases)
    func minOutNotMetFailsWithTheProgramsError(_ kind: VenueKind) throws {
        var w = try DEXWorld()
        let pool = try w.usdcBonk(kind)
        let venue = try w.venue(pool)
        let direction = DEXWorld.direction(pool, selling: DEXWorld.usdc.address)
        let q = try venue.quote(QuoteRequest(amount: 5_000_000_000, direction: direction))
        let bytes = try w.transaction([
            SwapLeg(venue: venue, direction: direction, amountIn: 5_000_000_000, minimumOut: q.amountOut + 1)
        ])
        try Self.expectFailure(&w, pool, bytes, kind, .custom(Expected.minOut(kind)))
    }

    @Test(arguments: VenueKind.allCases)
    func wrongAccountsFailWithTheProgramsErrors(_ kind: VenueKind) throws {
        var w = try DEXWorld()
        let pool = try w.usdcBonk(kind)
        let venue = try w.venue(pool)
        let direction = DEXWorld.direction(pool, selling: DEXWorld.usdc.address)
        let amount: UInt64 = 1_000_000_000
        let q = try venue.quote(QuoteRequest(amount: amount, direction: direction))
        let usdcATA = w.ata(DEXWorld.usdc.address)
        let bonkATA = w.ata(DEXWorld.bonk.address)
        func sign(_ ixs: [Instruction], _ payer: Keypair) throws -> [UInt8] {
            try T.legacy(
                [ComputeBudgetProgram.setComputeUnitLimit(1_400_000)] + ixs, payer: payer,
                blockhash: w.bank.latestBlockhash)
        }
        let params = SwapParams(
            direction: direction, amountIn: amount, amountOut: q.amountOut, owner: w.user.address,
            userSource: usdcATA, userDestination: bonkATA)

        // Wrong vault: the input vault replaced by another USDC token account.
        let decoy = try w.bank.fundTokenAccount(owner: T.key(97).address, mint: DEXWorld.usdc.address, amount: 1)
        let inputVault = direction == .aToB ? pool.vaultA : pool.vaultB
        var ixs = try venue.swapInstructions(params)
        ixs[0].accounts = ixs[0].accounts.map { $0.address == inputVault ? .writable(decoy) : $0 }
        try Self.expectFailure(
            &w, pool, try sign(ixs, w.user), kind,
            .custom(Expected.wrongVault(kind, inputIsA: direction == .aToB)))

        // Wrong owner: another signer spends the user's token accounts → the token program's OwnerMismatch.
        let thief = T.key(98)
        w.bank.fund(thief.address, lamports: T.sol)
        var stolen = params
        stolen.owner = thief.address
        try Self.expectFailure(
            &w, pool, try sign(try venue.swapInstructions(stolen), thief), kind,
            .custom(TokenErrorCode.ownerMismatch), payer: thief.address)

        // Wrong token account: the destination holds the input mint.
        var wrong = params
        wrong.userDestination = usdcATA
        try Self.expectFailure(
            &w, pool, try sign(try venue.swapInstructions(wrong), w.user), kind, Expected.wrongTokenAccount(kind))

        // The owner must sign: the same instruction with the signer flag dropped is rejected by the program.
        var unsigned = try venue.swapInstructions(params)
        unsigned[0].accounts = unsigned[0].accounts.map {
            $0.address == w.user.address ? .readonly(w.user.address) : $0
        }
        let payer = T.key(99)
        w.bank.fund(payer.address, lamports: T.sol)
        let expectedUnsigned: InstructionError =
            kind == .raydiumAmmV4
            ? .custom(RaydiumAMMv4ErrorCode.invalidSignAccount) : .custom(AnchorErrorCode.accountNotSigner)
        try Self.expectFailure(
            &w, pool, try sign(unsigned, payer), kind, expectedUnsigned, payer: payer.address)
    }

    /// USDC → BONK (CPMM) → WIF (Whirlpool) → USDC (DLMM) in one transaction: lands atomically, and reverts
    /// atomically when the last leg's minimum is one unit too high.
    @Test func threeLegCycleIsAtomic() throws {
        var w = try DEXWorld()
        let p1 = try w.usdcBonk(.raydiumCpmm)
        // BONK/WIF: 1 WIF = 100,000 BONK (2 USDC); WIF/USDC slightly richer (2.05 USDC) → a profitable cycle.
        let p2 = try w.pool(.orcaWhirlpool, DEXWorld.bonk, DEXWorld.wif, 50_000_000_000 * 100_000, 500_000 * 1_000_000)
        let p3 = try w.pool(.meteoraDlmm, DEXWorld.wif, DEXWorld.usdc, 500_000 * 1_000_000, 1_025_000 * 1_000_000)
        let (v1, v2, v3) = (try w.venue(p1), try w.venue(p2), try w.venue(p3))
        let d1 = DEXWorld.direction(p1, selling: DEXWorld.usdc.address)
        let d2 = DEXWorld.direction(p2, selling: DEXWorld.bonk.address)
        let d3 = DEXWorld.direction(p3, selling: DEXWorld.wif.address)
        let amount: UInt64 = 2_000 * 1_000_000
        let q1 = try v1.quote(QuoteRequest(amount: amount, direction: d1))
        let q2 = try v2.quote(QuoteRequest(amount: q1.amountOut, direction: d2))
        let q3 = try v3.quote(QuoteRequest(amount: q2.amountOut, direction: d3))
        func legs(_ lastMin: UInt64) -> [SwapLeg] {
            [
                SwapLeg(venue: v1, direction: d1, amountIn: amount, minimumOut: q1.amountOut),
                SwapLeg(venue: v2, direction: d2, amountIn: q1.amountOut, minimumOut: q2.amountOut),
                SwapLeg(venue: v3, direction: d3, amountIn: q2.amountOut, minimumOut: lastMin),
            ]
        }
        let balances = { [DEXWorld.usdc.address, DEXWorld.bonk.address, DEXWorld.wif.address].map { w.balance($0) } }
        let poolState = { [p1, p2, p3].flatMap { w.accounts($0) } }
        // Three swaps do not fit a legacy transaction (1,232 bytes): v0 through a lookup table, as a bot sends them.
        let table = try w.lookupTable(legs(q3.amountOut))

        // Revert: the last leg's minimum out is one unit above what it gives.
        let before = balances()
        let statesBefore = poolState()
        let failing = try w.transaction(legs(q3.amountOut + 1), table: table)
        let r1 = try w.land(failing)
        #expect(
            r1.error
                == .instructionError(
                    index: try Self.swapIndex(.meteoraDlmm, failing),
                    .custom(MeteoraDLMMErrorCode.exceededAmountSlippageTolerance)))
        #expect(balances() == before)
        let unchanged = poolState() == statesBefore
        #expect(unchanged, "pool accounts changed by a failed cycle")

        // Lands: USDC changes by exactly −amount + the last leg's quote; the intermediates are untouched.
        let r2 = try w.land(try w.transaction(legs(q3.amountOut), table: table))
        #expect(r2.error == nil, "\(String(describing: r2.error)) \(r2.logs)")
        #expect(balances() == [before[0] - amount + q3.amountOut, before[1], before[2]])
        #expect(q3.amountOut > amount, "the cycle was set up to be profitable: \(q3.amountOut) vs \(amount)")
        #expect(r2.computeUnitsConsumed >= 33_000 + 41_000 + 45_000)
    }
}

@Suite("DEX swap instruction forms")
struct DEXSwapFormTests {
    /// Exact-out (AMM v4 base_out, CPMM swap_base_output, CLMM/Whirlpool `amount_specified_is_input = false`,
    /// DLMM swap_exact_out2): the user receives exactly the amount asked and pays the quoted input.
    @Test(arguments: VenueKind.allCases)
    func exactOutPaysTheQuotedInput(_ kind: VenueKind) throws {
        var w = try DEXWorld()
        let pool = try w.usdcBonk(kind)
        let venue = try w.venue(pool)
        let direction = DEXWorld.direction(pool, selling: DEXWorld.usdc.address)
        let want: UInt64 = 25_000_000 * 100_000  // 25M BONK ≈ 500 USDC
        let q = try venue.quote(QuoteRequest(amount: want, direction: direction, exactIn: false))
        #expect(q.amountOut == want)
        let (usdc, bonk) = (w.balance(DEXWorld.usdc.address), w.balance(DEXWorld.bonk.address))
        let params = SwapParams(
            direction: direction, amountIn: q.amountIn, amountOut: want, exactIn: false, owner: w.user.address,
            userSource: w.ata(DEXWorld.usdc.address), userDestination: w.ata(DEXWorld.bonk.address))
        let r = try w.land(
            try T.legacy(
                [ComputeBudgetProgram.setComputeUnitLimit(1_400_000)] + venue.swapInstructions(params), payer: w.user,
                blockhash: w.bank.latestBlockhash))
        #expect(r.error == nil, "\(kind): \(String(describing: r.error)) \(r.logs)")
        #expect(w.balance(DEXWorld.usdc.address) == usdc - q.amountIn)
        #expect(w.balance(DEXWorld.bonk.address) == bonk + want)

        // A maximum input one unit below the quote fails with the program's slippage error.
        let venue2 = try w.venue(pool)
        let q2 = try venue2.quote(QuoteRequest(amount: want, direction: direction, exactIn: false))
        var tight = params
        tight.amountIn = q2.amountIn - 1
        let bytes = try T.legacy(
            [ComputeBudgetProgram.setComputeUnitLimit(1_400_000)] + venue2.swapInstructions(tight), payer: w.user,
            blockhash: w.bank.latestBlockhash)
        let maxIn: UInt32 =
            switch kind {
            case .raydiumAmmV4: RaydiumAMMv4ErrorCode.exceededSlippage
            case .raydiumCpmm: RaydiumCPMMErrorCode.exceededSlippage
            case .raydiumClmm: RaydiumCLMMErrorCode.tooMuchInputPaid
            case .orcaWhirlpool: WhirlpoolErrorCode.amountInAboveMaximum
            case .meteoraDlmm: MeteoraDLMMErrorCode.exceededAmountSlippageTolerance
            }
        try DEXSwapTests.expectFailure(&w, pool, bytes, kind, .custom(maxIn))
    }

    /// The other wire forms: Whirlpool `swap_v2` and CLMM `swap_v2` on SPL Token pools, DLMM v1 `swap`.
    @Test func otherInstructionVersionsLandAsQuoted() throws {
        var w = try DEXWorld()
        let amount: UInt64 = 800_000_000
        for kind in [VenueKind.orcaWhirlpool, .raydiumClmm, .meteoraDlmm] {
            let pool = try w.usdcBonk(kind, seed: 3)
            let venue = try w.venue(pool)
            let direction = DEXWorld.direction(pool, selling: DEXWorld.usdc.address)
            let q = try venue.quote(QuoteRequest(amount: amount, direction: direction))
            let params = SwapParams(
                direction: direction, amountIn: amount, amountOut: q.amountOut, owner: w.user.address,
                userSource: w.ata(DEXWorld.usdc.address), userDestination: w.ata(DEXWorld.bonk.address))
            let ix: Instruction
            switch kind {
            case .orcaWhirlpool:
                let v = try #require(venue as? WhirlpoolVenue)
                var i = try v.swapInstructions(params)[0]
                let aToB = direction == .aToB
                let starts = WhirlpoolMath.swapTickArrayStarts(
                    tickCurrentIndex: v.state.tickCurrentIndex, tickSpacing: v.state.tickSpacing, aToB: aToB)
                let keys = WhirlpoolLayout.SwapKeys(
                    tokenProgramA: ProgramIDs.token, tokenProgramB: ProgramIDs.token, tokenAuthority: w.user.address,
                    whirlpool: v.address, tokenMintA: v.mintA, tokenMintB: v.mintB,
                    tokenOwnerAccountA: aToB ? params.userSource : params.userDestination,
                    tokenVaultA: v.state.tokenVaultA,
                    tokenOwnerAccountB: aToB ? params.userDestination : params.userSource,
                    tokenVaultB: v.state.tokenVaultB,
                    tickArrays: starts.map(v.tickArrayAddress), oracle: v.oracleAddress)
                i = WhirlpoolLayout.swapInstruction(
                    keys, amount: amount, otherAmountThreshold: q.amountOut, sqrtPriceLimit: 0,
                    amountSpecifiedIsInput: true, aToB: aToB, v2: true)
                ix = i
            case .raydiumClmm:
                let v = try #require(venue as? RaydiumCLMMVenue)
                let starts = v.swapTickArrayStarts(params)
                let zeroForOne = direction == .aToB
                let keys = RaydiumCLMMLayout.SwapKeys(
                    payer: w.user.address, ammConfig: v.state.ammConfig, poolState: v.address,
                    inputTokenAccount: params.userSource, outputTokenAccount: params.userDestination,
                    inputVault: zeroForOne ? v.state.tokenVault0 : v.state.tokenVault1,
                    outputVault: zeroForOne ? v.state.tokenVault1 : v.state.tokenVault0,
                    observationState: v.state.observationKey,
                    inputVaultMint: zeroForOne ? v.mintA : v.mintB, outputVaultMint: zeroForOne ? v.mintB : v.mintA,
                    bitmapExtension: v.bitmapExtensionAddress, tickArrays: starts.map(v.tickArrayAddress))
                ix = RaydiumCLMMLayout.swapInstruction(
                    keys, amount: amount, otherAmountThreshold: q.amountOut, sqrtPriceLimitX64: 0, isBaseInput: true,
                    v2: true)
            default:
                let v = try #require(venue as? MeteoraDLMMPair)
                ix = try v.swapInstructions(params, version: .v1)[0]
            }
            let (usdc, bonk) = (w.balance(DEXWorld.usdc.address), w.balance(DEXWorld.bonk.address))
            let r = try w.land(
                try T.legacy(
                    [ComputeBudgetProgram.setComputeUnitLimit(1_400_000), ix], payer: w.user,
                    blockhash: w.bank.latestBlockhash))
            #expect(r.error == nil, "\(kind): \(String(describing: r.error)) \(r.logs)")
            #expect(w.balance(DEXWorld.usdc.address) == usdc - amount)
            #expect(w.balance(DEXWorld.bonk.address) == bonk + q.amountOut)
            if kind == .orcaWhirlpool {
                #expect(r.logs.contains { $0.hasPrefix("Program \(WhirlpoolLayout.programId) consumed 48000 of") })
            }
        }
    }

    /// A swap that crosses the narrow position's tick: balances exact, liquidity drops by its net, and the crossed
    /// tick's fee_growth_outside is flipped against the global growth at the crossing.
    @Test(arguments: [VenueKind.raydiumClmm, .orcaWhirlpool])
    func crossingATickUpdatesTheTick(_ kind: VenueKind) throws {
        var w = try DEXWorld()
        try w.bank.fundTokenAccount(owner: w.user.address, mint: DEXWorld.usdc.address, amount: 2_000_000 * 1_000_000)
        let pool = try w.usdcBonk(kind)
        let venue = try w.venue(pool)
        let direction = DEXWorld.direction(pool, selling: DEXWorld.usdc.address)
        var amount: UInt64 = 50_000 * 1_000_000
        var quote = try venue.quote(QuoteRequest(amount: amount, direction: direction))
        while quote.crossings == 0 {
            amount *= 2
            quote = try venue.quote(QuoteRequest(amount: amount, direction: direction))
        }
        let (usdc, bonk) = (w.balance(DEXWorld.usdc.address), w.balance(DEXWorld.bonk.address))
        let r = try w.land(
            try w.transaction([
                SwapLeg(venue: venue, direction: direction, amountIn: amount, minimumOut: quote.amountOut)
            ]))
        #expect(r.error == nil, "\(kind): \(String(describing: r.error)) \(r.logs)")
        #expect(w.balance(DEXWorld.usdc.address) == usdc - amount)
        #expect(w.balance(DEXWorld.bonk.address) == bonk + quote.amountOut)
        let aToB = direction == .aToB
        if kind == .orcaWhirlpool {
            let before = try #require(venue as? WhirlpoolVenue)
            let d = try before.quoteDetail(QuoteRequest(amount: amount, direction: direction))
            let crossing = try #require(d.swap.crossedTicks.first)
            let start = WhirlpoolMath.tickArrayStartIndex(crossing.tickIndex, tickSpacing: before.state.tickSpacing)
            let data = try #require(w.bank.account(before.tickArrayAddress(start))).data
            let o = 12 + Int((crossing.tickIndex - start) / Int32(before.state.tickSpacing)) * WhirlpoolLayout.tickSize
            let (ga, gb) =
                aToB
                ? (crossing.feeGrowthGlobalInput, before.state.feeGrowthGlobalB)
                : (before.state.feeGrowthGlobalA, crossing.feeGrowthGlobalInput)
            #expect(data.leU128(o + 33) == ga && data.leU128(o + 49) == gb)
            #expect(crossing.feeGrowthGlobalInput > 0)
            let after = try #require(try w.venue(pool) as? WhirlpoolVenue)
            #expect(after.state.liquidity == d.swap.nextLiquidity && after.state.liquidity < before.state.liquidity)
        } else {
            let before = try #require(venue as? RaydiumCLMMVenue)
            let d = try before.quoteDetail(QuoteRequest(amount: amount, direction: direction))
            let crossing = try #require(d.swap.crossedTicks.first)
            let start = ClmmMath.tickArrayStartIndex(crossing.tick, tickSpacing: before.state.tickSpacing)
            let data = try #require(w.bank.account(before.tickArrayAddress(start))).data
            let o =
                44 + Int((crossing.tick - start) / Int32(before.state.tickSpacing)) * RaydiumCLMMLayout.tickStateSize
            let (g0, g1) =
                aToB
                ? (crossing.feeGrowthGlobalInput, before.state.feeGrowthGlobal1X64)
                : (before.state.feeGrowthGlobal0X64, crossing.feeGrowthGlobalInput)
            #expect(data.leU128(o + 36) == g0 && data.leU128(o + 52) == g1)
            #expect(crossing.feeGrowthGlobalInput > 0)
            let after = try #require(try w.venue(pool) as? RaydiumCLMMVenue)
            #expect(after.state.liquidity == d.swap.liquidity && after.state.liquidity < before.state.liquidity)
        }
    }
}

extension Array where Element == UInt8 {
    func leU128(_ o: Int) -> UInt128 {
        var v: UInt128 = 0
        for i in 0..<16 { v |= UInt128(self[o + i]) << (8 * i) }
        return v
    }
}

@Suite("DEX swap load")
struct DEXSwapLoadTests {
    /// Many swaps over all five kinds in one block (2,000 with SOLARB_STRESS=1): every one lands, tokens are
    /// conserved between the user and the vaults, and the rate is printed (no time limit).
    @Test func manySwapsInOneBlockConserveTokens() throws {
        let count = ProcessInfo.processInfo.environment["SOLARB_STRESS"] == "1" ? 2_000 : 100
        var w = try DEXWorld()
        let pools = try VenueKind.allCases.map { try w.usdcBonk($0) }
        let venues = try pools.map { try w.venue($0) }
        w.bank.produceBlock()
        func total(_ mint: Address) -> UInt64 {
            pools.reduce(w.balance(mint)) { sum, p in
                sum + T.tokenAmount(w.bank, p.mintA == mint ? p.vaultA : p.vaultB)!
            }
        }
        let before = (total(DEXWorld.usdc.address), total(DEXWorld.bonk.address))
        var signatures: [Signature] = []
        for i in 0..<count {
            let k = i % pools.count
            let sellUSDC = (i / pools.count) % 2 == 0
            let sell = sellUSDC ? DEXWorld.usdc.address : DEXWorld.bonk.address
            let amount: UInt64 = sellUSDC ? 10_000_000 + UInt64(i) : 1_000_000_000 + UInt64(i)
            let leg = SwapLeg(
                venue: venues[k], direction: DEXWorld.direction(pools[k], selling: sell), amountIn: amount,
                minimumOut: 1)
            signatures.append(try w.bank.submit(try w.transaction([leg])))
        }
        let clock = ContinuousClock()
        let start = clock.now
        let block = w.bank.produceBlock()
        let elapsed = clock.now - start
        let landed = block.transactions.filter { $0.error == nil }.count
        let failures = block.transactions.filter { $0.error != nil }.map { "\($0.error!) \($0.logs.suffix(2))" }
        #expect(landed == count, "\(failures.prefix(3))")
        #expect(Set(block.transactions.map(\.signature)) == Set(signatures))
        #expect((total(DEXWorld.usdc.address), total(DEXWorld.bonk.address)) == before)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("DEX swap load: \(count) swaps over 5 venue kinds in one block: \(Int(Double(count) / seconds)) swaps/s")
    }
}
