import ArbMath
import ArbTestSupport
import ArbVenues
import SolanaKeys
import SolanaPrimitives
import Testing

/// The transaction `solarb pool --tx` and `round-trip --tx` build: compute budget, ATAs, wSOL wrap/unwrap,
/// chained legs with the guard on the last leg; compiled to v0, signed, and read back.
@Suite(.enabled(if: Fixtures.root != nil, Comment(rawValue: Fixtures.skipMessage)))
struct SwapTransactionTests {
    @Test func roundTripOnTheRealPool() throws {
        let (venue, _) = try WhirlpoolQuoteTests.venue()
        let wallet = try Keypair(seed: Array(1...32))
        let amount: UInt64 = 1_000_000_000
        let q1 = try venue.quote(QuoteRequest(amount: amount, direction: .aToB))
        let leg1Min = try Slippage.minAmount(q1.amountOut, toleranceBps: 50)
        let minProfit: UInt64 = 1_000
        let legs = [
            SwapLeg(venue: venue, direction: .aToB, amountIn: amount, minimumOut: leg1Min),
            SwapLeg(venue: venue, direction: .bToA, amountIn: leg1Min, minimumOut: amount + minProfit),
        ]
        let ixs = try SwapTransaction.instructions(
            owner: wallet.address, legs: legs, computeUnitLimit: 400_000, microLamportsPerComputeUnit: 1_000)
        let wsol = AssociatedTokenAccount.address(wallet: wallet.address, mint: Mints.wrappedSOL)
        let usdc = AssociatedTokenAccount.address(wallet: wallet.address, mint: Mints.usdc)
        #expect(
            ixs.map(\.programId) == [
                ProgramIDs.computeBudget, ProgramIDs.computeBudget, ProgramIDs.associatedToken,
                ProgramIDs.associatedToken,
                ProgramIDs.system, ProgramIDs.token, WhirlpoolLayout.programId, WhirlpoolLayout.programId,
                ProgramIDs.token,
            ])
        #expect(ixs[0] == ComputeBudgetProgram.setComputeUnitLimit(400_000))
        #expect(ixs[4] == SystemProgram.transfer(from: wallet.address, to: wsol, lamports: amount))
        #expect(ixs[5] == TokenProgram.syncNative(account: wsol))
        #expect(ixs[8] == TokenProgram.closeAccount(account: wsol, destination: wallet.address, owner: wallet.address))
        // Leg 1 sells SOL from the wSOL ATA into the USDC ATA; leg 2 the reverse, guarded by input + min profit.
        let swap1 = ixs[6]
        let swap2 = ixs[7]
        #expect(swap1.accounts[3].address == wsol && swap1.accounts[5].address == usdc)
        #expect(swap2.accounts[3].address == wsol && swap2.accounts[5].address == usdc)
        #expect(Array(swap1.data[8..<16]) == withUnsafeBytes(of: amount.littleEndian) { Array($0) })
        #expect(Array(swap1.data[16..<24]) == withUnsafeBytes(of: leg1Min.littleEndian) { Array($0) })
        #expect(Array(swap2.data[8..<16]) == withUnsafeBytes(of: leg1Min.littleEndian) { Array($0) })
        #expect(Array(swap2.data[16..<24]) == withUnsafeBytes(of: (amount + minProfit).littleEndian) { Array($0) })
        #expect(swap1.data[41] == 1 && swap2.data[41] == 0)  // a_to_b
        // Compile, sign, serialize within the packet limit, read back, verify.
        let message = try V0Message(
            instructions: ixs, payer: wallet.address, recentBlockhash: Hash(raw: .init(w0: 7, w1: 7, w2: 7, w3: 7)))
        let tx = try VersionedTransaction(message: .v0(message), signers: [wallet])
        let bytes = try tx.serializeForSending()
        let back = try VersionedTransaction.deserialize(bytes)
        try back.verifySignatures()
        #expect(back == tx)
        #expect(message.header.numRequiredSignatures == 1)
    }

    @Test func legsMustChain() throws {
        let (venue, _) = try WhirlpoolQuoteTests.venue()
        #expect(throws: VenueError.self) {
            try SwapTransaction.instructions(
                owner: .zero,
                legs: [
                    SwapLeg(venue: venue, direction: .aToB, amountIn: 1, minimumOut: 0),
                    SwapLeg(venue: venue, direction: .aToB, amountIn: 1, minimumOut: 0),
                ], computeUnitLimit: 1, microLamportsPerComputeUnit: 0)
        }
    }
}
