import ArbSimCluster
import SolanaKeys
import SolanaPrimitives
import Testing

@Suite struct BankTests {
    let payer = T.key(1)
    let alice = T.key(2)

    func bank(seed: UInt64 = 7) -> Bank {
        Bank(configuration: .init(seed: seed, genesisAccounts: [payer.address: Account(lamports: 10 * T.sol)]))
    }

    @Test func transferLandsAndChargesTheFee() throws {
        var b = bank()
        let bytes = try T.legacy(
            [SystemProgram.transfer(from: payer.address, to: alice.address, lamports: T.sol)], payer: payer,
            blockhash: b.latestBlockhash)
        let r = try T.land(&b, bytes)
        #expect(r.error == nil)
        #expect(r.fee == 5_000)
        #expect(r.computeUnitsConsumed == 150)
        #expect(b.account(alice.address)?.lamports == T.sol)
        #expect(b.account(payer.address)?.lamports == 9 * T.sol - 5_000)
        #expect(r.logs.first == "Program 11111111111111111111111111111111 invoke [1]")
        #expect(b.record(r.signature)?.slot == 0)
        // The same transaction again is a duplicate.
        #expect(throws: TransactionError.alreadyProcessed) { _ = try b.submit(bytes) }
    }

    @Test func priorityFeeIsCeilOfPriceTimesLimit() throws {
        var b = bank()
        let bytes = try T.legacy(
            [
                ComputeBudgetProgram.setComputeUnitLimit(1_001),
                ComputeBudgetProgram.setComputeUnitPrice(microLamports: 1_500),
                SystemProgram.transfer(from: payer.address, to: alice.address, lamports: T.sol),
            ], payer: payer, blockhash: b.latestBlockhash)
        let r = try T.land(&b, bytes)
        #expect(r.error == nil)
        // 5000 + ceil(1001 × 1500 / 1e6) = 5000 + 2
        #expect(r.fee == 5_002)
        #expect(r.computeUnitsConsumed == 450)
    }

    @Test func insufficientLamportsIsCustom1AndRollsBackEarlierInstructions() throws {
        var b = bank()
        let bob = T.key(3)
        let bytes = try T.legacy(
            [
                SystemProgram.transfer(from: payer.address, to: bob.address, lamports: T.sol),
                SystemProgram.transfer(from: payer.address, to: alice.address, lamports: 100 * T.sol),
            ], payer: payer, blockhash: b.latestBlockhash)
        let r = try T.land(&b, bytes)
        #expect(r.error == .instructionError(index: 1, .custom(1)))
        #expect(r.included)
        #expect(b.account(bob.address) == nil)  // first transfer rolled back
        #expect(b.account(payer.address)?.lamports == 10 * T.sol - 5_000)  // only the fee
    }

    @Test func transferBelowRentExemptionToNewAccountFails() throws {
        var b = bank()
        let bytes = try T.legacy(
            [SystemProgram.transfer(from: payer.address, to: alice.address, lamports: 1_000)], payer: payer,
            blockhash: b.latestBlockhash)
        let r = try T.land(&b, bytes)
        #expect(r.error == .insufficientFundsForRent(accountIndex: 1))
        #expect(b.account(alice.address) == nil)
    }

    @Test func expiredBlockhashIsBlockhashNotFound() throws {
        var b = bank()
        let old = b.latestBlockhash
        for _ in 0..<150 { b.produceBlock() }
        #expect(b.lastValidBlockHeight(for: old) == 150)
        let ok = try T.legacy(
            [SystemProgram.transfer(from: payer.address, to: alice.address, lamports: T.sol)], payer: payer,
            blockhash: old)
        #expect(b.simulate(try VersionedTransaction.deserialize(ok)).error == nil)
        b.produceBlock()
        #expect(b.lastValidBlockHeight(for: old) == nil)
        let r = try T.land(&b, ok)
        #expect(r.error == .blockhashNotFound)
        #expect(!r.included)
        #expect(b.account(payer.address)?.lamports == 10 * T.sol)  // no fee
    }

    @Test func badSignatureIsRejected() throws {
        var b = bank()
        var bytes = try T.legacy(
            [SystemProgram.transfer(from: payer.address, to: alice.address, lamports: T.sol)], payer: payer,
            blockhash: b.latestBlockhash)
        bytes[10] ^= 0x01  // inside the first signature
        #expect(throws: TransactionError.signatureFailure) { _ = try b.submit(bytes) }
        // A valid signature by the wrong key is rejected too.
        let m = try LegacyMessage(
            instructions: [SystemProgram.transfer(from: payer.address, to: alice.address, lamports: T.sol)],
            payer: payer.address, recentBlockhash: b.latestBlockhash)
        let forged = VersionedTransaction(signatures: [try alice.sign(message: m.serialize())], message: .legacy(m))
        #expect(throws: TransactionError.signatureFailure) { _ = try b.submit(forged.serialize()) }
    }

    @Test func tooLowComputeLimitIsComputationalBudgetExceeded() throws {
        var b = bank()
        let bytes = try T.legacy(
            [
                ComputeBudgetProgram.setComputeUnitLimit(299),
                SystemProgram.transfer(from: payer.address, to: alice.address, lamports: T.sol),
            ], payer: payer, blockhash: b.latestBlockhash)
        let r = try T.land(&b, bytes)
        #expect(r.error == .instructionError(index: 1, .computationalBudgetExceeded))
        #expect(r.computeUnitsConsumed == 299)
        #expect(b.account(alice.address) == nil)
        #expect(b.account(payer.address)?.lamports == 10 * T.sol - 5_000)
        // Exactly enough (150 compute budget + 150 transfer) succeeds.
        let enough = try T.legacy(
            [
                ComputeBudgetProgram.setComputeUnitLimit(300),
                SystemProgram.transfer(from: payer.address, to: alice.address, lamports: T.sol),
            ], payer: payer, blockhash: b.latestBlockhash)
        #expect(try T.land(&b, enough).error == nil)
    }

    @Test func duplicateAndMalformedComputeBudgetInstructions() throws {
        var b = bank()
        let dup = try T.legacy(
            [
                ComputeBudgetProgram.setComputeUnitLimit(1_000), ComputeBudgetProgram.setComputeUnitLimit(2_000),
                SystemProgram.transfer(from: payer.address, to: alice.address, lamports: T.sol),
            ], payer: payer, blockhash: b.latestBlockhash)
        #expect(try T.land(&b, dup).error == .duplicateInstruction(1))
        let bad = try T.legacy(
            [
                Instruction(programId: ProgramIDs.computeBudget, accounts: [], data: [2, 1]),
                SystemProgram.transfer(from: payer.address, to: alice.address, lamports: T.sol),
            ], payer: payer, blockhash: b.latestBlockhash)
        #expect(try T.land(&b, bad).error == .instructionError(index: 0, .invalidInstructionData))
    }

    @Test func unfundedFeePayerIsAccountNotFound() throws {
        var b = bank()
        let nobody = T.key(9)
        let bytes = try T.legacy(
            [MemoProgram.memo("hi")], payer: nobody, blockhash: b.latestBlockhash)
        #expect(try T.land(&b, bytes).error == .accountNotFound)
    }

    @Test func priorityFeeOrdersTransactionsWithinASlot() throws {
        var b = bank()
        // Both spend most of the payer's balance; only the first to execute can succeed.
        func spend(price: UInt64, to: Address) throws -> [UInt8] {
            try T.legacy(
                [
                    ComputeBudgetProgram.setComputeUnitPrice(microLamports: price),
                    SystemProgram.transfer(from: payer.address, to: to, lamports: 6 * T.sol),
                ], payer: payer, blockhash: b.latestBlockhash)
        }
        let low = try b.submit(try spend(price: 1, to: alice.address))
        let high = try b.submit(try spend(price: 1_000_000, to: T.key(4).address))
        let block = b.produceBlock()
        #expect(block.transactions.map(\.signature) == [high, low])
        #expect(block.transactions[0].error == nil)
        #expect(block.transactions[1].error == .instructionError(index: 1, .custom(1)))
        #expect(b.account(T.key(4).address)?.lamports == 6 * T.sol)
        let fees = b.recentPrioritizationFees(addresses: [])
        #expect(fees.last?.fee == 1)
    }

    @Test func durableNonceTransactionLandsAfterItsBlockhashExpires() throws {
        var b = bank()
        let nonce = T.key(5)
        let rent = Rent.minimumBalance(dataLength: 80)
        let create = try T.legacy(
            SystemProgram.createNonceAccount(
                from: payer.address, nonce: nonce.address, authority: payer.address, lamports: rent),
            payer: payer, blockhash: b.latestBlockhash, signers: [nonce])
        let created = try T.land(&b, create)
        #expect(created.error == nil, "\(created.logs)")
        let stored = try NonceAccountState(data: b.account(nonce.address)!.data)
        #expect(stored.authority == payer.address)
        #expect(stored.lamportsPerSignature == 5_000)
        for _ in 0..<200 { b.produceBlock() }
        let durable = try T.legacy(
            [
                SystemProgram.advanceNonceAccount(nonce: nonce.address, authority: payer.address),
                SystemProgram.transfer(from: payer.address, to: alice.address, lamports: T.sol),
            ], payer: payer, blockhash: stored.durableNonce)
        let r = try T.land(&b, durable)
        #expect(r.error == nil, "\(r.logs)")
        #expect(b.account(alice.address)?.lamports == T.sol)
        let advanced = try NonceAccountState(data: b.account(nonce.address)!.data)
        #expect(advanced.durableNonce != stored.durableNonce)
        // Replaying with the old nonce: no longer valid.
        let again = try T.legacy(
            [
                SystemProgram.advanceNonceAccount(nonce: nonce.address, authority: payer.address),
                MemoProgram.memo("replay"),
            ], payer: payer, blockhash: stored.durableNonce)
        #expect(try T.land(&b, again).error == .blockhashNotFound)
        // A failing durable transaction still advances the nonce and pays the fee.
        let current = try NonceAccountState(data: b.account(nonce.address)!.data).durableNonce
        let failing = try T.legacy(
            [
                SystemProgram.advanceNonceAccount(nonce: nonce.address, authority: payer.address),
                SystemProgram.transfer(from: payer.address, to: alice.address, lamports: 1_000 * T.sol),
            ], payer: payer, blockhash: current)
        let f = try T.land(&b, failing)
        #expect(f.error == .instructionError(index: 1, .custom(1)))
        #expect(try NonceAccountState(data: b.account(nonce.address)!.data).durableNonce != current)
        // Withdraw everything: closes the nonce account.
        b.produceBlock()
        let withdraw = try T.legacy(
            [
                SystemProgram.withdrawNonceAccount(
                    nonce: nonce.address, authority: payer.address, to: payer.address, lamports: rent)
            ], payer: payer, blockhash: b.latestBlockhash)
        #expect(try T.land(&b, withdraw).error == nil)
        #expect(b.account(nonce.address) == nil)
    }

    @Test func splTokenMintTransferAndErrors() throws {
        var b = bank()
        let mint = T.key(10)
        try T.createMint(&b, payer: payer, mint: mint, authority: payer.address)
        let payerATA = AssociatedTokenAccount.address(wallet: payer.address, mint: mint.address)
        let aliceATA = AssociatedTokenAccount.address(wallet: alice.address, mint: mint.address)
        let setup = try T.legacy(
            [
                AssociatedTokenProgram.create(payer: payer.address, wallet: payer.address, mint: mint.address),
                AssociatedTokenProgram.createIdempotent(
                    payer: payer.address, wallet: alice.address, mint: mint.address),
                AssociatedTokenProgram.createIdempotent(
                    payer: payer.address, wallet: alice.address, mint: mint.address),
                TokenProgram.mintTo(
                    mint: mint.address, destination: payerATA, authority: payer.address, amount: 1_000_000),
            ], payer: payer, blockhash: b.latestBlockhash)
        let s = try T.land(&b, setup)
        #expect(s.error == nil, "\(s.logs)")
        #expect(T.tokenAmount(b, payerATA) == 1_000_000)
        #expect(b.account(aliceATA)?.lamports == Rent.minimumBalance(dataLength: 165))

        let move = try T.legacy(
            [
                TokenProgram.transferChecked(
                    source: payerATA, mint: mint.address, destination: aliceATA, authority: payer.address,
                    amount: 250_000, decimals: 6)
            ], payer: payer, blockhash: b.latestBlockhash)
        let m = try T.land(&b, move)
        #expect(m.error == nil)
        #expect(T.tokenAmount(b, aliceATA) == 250_000)
        #expect(m.preTokenBalances.map(\.amount).sorted() == [0, 1_000_000])
        #expect(m.postTokenBalances.map(\.amount).sorted() == [250_000, 750_000])
        #expect(m.postTokenBalances.allSatisfy { $0.decimals == 6 })
        #expect(m.logs.contains("Program log: Instruction: TransferChecked"))

        let tooMuch = try T.legacy(
            [
                TokenProgram.transfer(
                    source: payerATA, destination: aliceATA, authority: payer.address, amount: 750_001)
            ], payer: payer, blockhash: b.latestBlockhash)
        #expect(try T.land(&b, tooMuch).error == .instructionError(index: 0, .custom(1)))
        let wrongDecimals = try T.legacy(
            [
                TokenProgram.transferChecked(
                    source: payerATA, mint: mint.address, destination: aliceATA, authority: payer.address,
                    amount: 1, decimals: 9)
            ], payer: payer, blockhash: b.latestBlockhash)
        #expect(try T.land(&b, wrongDecimals).error == .instructionError(index: 0, .custom(18)))
        // Alice's account, spent by the payer: owner mismatch.
        let notOwner = try T.legacy(
            [TokenProgram.transfer(source: aliceATA, destination: payerATA, authority: payer.address, amount: 1)],
            payer: payer, blockhash: b.latestBlockhash)
        #expect(try T.land(&b, notOwner).error == .instructionError(index: 0, .custom(4)))
        // Non-idempotent create of an existing ATA: IllegalOwner (as in LiteSVM).
        let recreate = try T.legacy(
            [AssociatedTokenProgram.create(payer: payer.address, wallet: alice.address, mint: mint.address)],
            payer: payer, blockhash: b.latestBlockhash)
        #expect(try T.land(&b, recreate).error == .instructionError(index: 0, .illegalOwner))
        // Close with a balance fails; after moving it out, close returns the rent.
        let closeFull = try T.legacy(
            [TokenProgram.closeAccount(account: aliceATA, destination: alice.address, owner: alice.address)],
            payer: payer, blockhash: b.latestBlockhash, signers: [alice])
        #expect(try T.land(&b, closeFull).error == .instructionError(index: 0, .custom(11)))
        let drainAndClose = try T.legacy(
            [
                TokenProgram.transfer(
                    source: aliceATA, destination: payerATA, authority: alice.address, amount: 250_000),
                TokenProgram.closeAccount(account: aliceATA, destination: alice.address, owner: alice.address),
            ], payer: payer, blockhash: b.latestBlockhash, signers: [alice])
        let dc = try T.land(&b, drainAndClose)
        #expect(dc.error == nil, "\(dc.logs)")
        #expect(b.account(aliceATA) == nil)
        #expect(b.account(alice.address)?.lamports == Rent.minimumBalance(dataLength: 165))
    }

    @Test func wrappedSOLSyncNative() throws {
        var b = bank()
        let ata = AssociatedTokenAccount.address(wallet: payer.address, mint: Mints.wrappedSOL)
        let bytes = try T.legacy(
            [
                AssociatedTokenProgram.createIdempotent(
                    payer: payer.address, wallet: payer.address, mint: Mints.wrappedSOL),
                SystemProgram.transfer(from: payer.address, to: ata, lamports: T.sol),
                TokenProgram.syncNative(account: ata),
            ], payer: payer, blockhash: b.latestBlockhash)
        let r = try T.land(&b, bytes)
        #expect(r.error == nil, "\(r.logs)")
        #expect(T.tokenAmount(b, ata) == T.sol)
    }

    @Test func v0TransactionThroughALookupTableOnlyAfterTheExtendingSlot() throws {
        var b = bank()
        b.produceBlock()
        let recent = b.slot - 1
        let (createIx, table) = try AddressLookupTableProgram.create(
            authority: payer.address, payer: payer.address, recentSlot: recent)
        let recipients = (20..<24).map { T.key(UInt8($0)).address }
        let extendIx = AddressLookupTableProgram.extend(
            table: table, authority: payer.address, payer: payer.address, addresses: recipients)
        let setup = try T.land(&b, try T.legacy([createIx, extendIx], payer: payer, blockhash: b.latestBlockhash))
        #expect(setup.error == nil, "\(setup.logs)")
        let state = try AddressLookupTableState(data: b.account(table)!.data)
        #expect(state.addresses == recipients)
        #expect(state.authority == payer.address)

        // Extend again and use the new entry in the same slot: not yet active.
        let late = T.key(30).address
        let extend2 = try T.legacy(
            [
                ComputeBudgetProgram.setComputeUnitPrice(microLamports: 10),
                AddressLookupTableProgram.extend(
                    table: table, authority: payer.address, payer: payer.address, addresses: [late]),
            ], payer: payer, blockhash: b.latestBlockhash)
        let tableAccount = AddressLookupTableAccount(key: table, addresses: recipients + [late])
        let useLate = try T.v0(
            [SystemProgram.transfer(from: payer.address, to: late, lamports: T.sol)], payer: payer,
            blockhash: b.latestBlockhash, tables: [tableAccount])
        _ = try b.submit(extend2)
        let lateSig = try b.submit(useLate)
        let block = b.produceBlock()
        #expect(block.transactions.first { $0.signature == lateSig }?.error == .invalidAddressLookupTableIndex)

        // Next slot: all five addresses resolve.
        let ixs = (recipients + [late]).map { SystemProgram.transfer(from: payer.address, to: $0, lamports: T.sol) }
        let v0 = try T.v0(ixs, payer: payer, blockhash: b.latestBlockhash, tables: [tableAccount])
        let tx = try VersionedTransaction.deserialize(v0)
        #expect(tx.message.addressTableLookups.first?.writableIndexes.count == 5)
        let r = try T.land(&b, v0)
        #expect(r.error == nil, "\(r.logs)")
        #expect(Set(r.loadedWritable) == Set(recipients + [late]))
        #expect(r.loadedReadonly.isEmpty)
        for a in recipients + [late] { #expect(b.account(a)?.lamports == T.sol) }

        // Deactivate: the table keeps resolving while deactivating; extending is refused.
        let deactivate = try T.land(
            &b,
            try T.legacy(
                [AddressLookupTableProgram.deactivate(table: table, authority: payer.address)], payer: payer,
                blockhash: b.latestBlockhash))
        #expect(deactivate.error == nil)
        let extend3 = try T.legacy(
            [
                AddressLookupTableProgram.extend(
                    table: table, authority: payer.address, payer: payer.address, addresses: [T.key(31).address])
            ], payer: payer, blockhash: b.latestBlockhash)
        #expect(try T.land(&b, extend3).error == .instructionError(index: 0, .invalidArgument))
    }

    @Test func lookupTableCreateRejectsAFutureSlot() throws {
        var b = bank()
        let (createIx, _) = try AddressLookupTableProgram.create(
            authority: payer.address, payer: payer.address, recentSlot: b.slot)
        let r = try T.land(&b, try T.legacy([createIx], payer: payer, blockhash: b.latestBlockhash))
        #expect(r.error == .instructionError(index: 0, .invalidInstructionData))
    }

    @Test func memoRequiresSignersAndUTF8() throws {
        var b = bank()
        let ok = try T.land(
            &b,
            try T.legacy([MemoProgram.memo("gm", signers: [payer.address])], payer: payer, blockhash: b.latestBlockhash)
        )
        #expect(ok.error == nil)
        #expect(ok.logs.contains("Program log: Memo (len 2): \"gm\""))
        let badUTF8 = Instruction(programId: ProgramIDs.memo, accounts: [], data: [0xff, 0xfe])
        let bad = try T.land(&b, try T.legacy([badUTF8], payer: payer, blockhash: b.latestBlockhash))
        #expect(bad.error == .instructionError(index: 0, .invalidInstructionData))
    }

    @Test func sameSeedAndInputsGiveTheSameLedgerHash() throws {
        func run(seed: UInt64) throws -> Hash {
            var b = bank(seed: seed)
            for i in 0..<20 {
                let bytes = try T.legacy(
                    [
                        ComputeBudgetProgram.setComputeUnitPrice(microLamports: UInt64(i % 3)),
                        SystemProgram.transfer(
                            from: payer.address, to: T.key(UInt8(40 + i % 5)).address, lamports: T.sol / 10),
                    ], payer: payer, blockhash: b.latestBlockhash)
                _ = try b.submit(bytes)
                if i % 4 == 3 { b.produceBlock() }
            }
            for _ in 0..<10 { b.produceBlock() }
            return b.ledgerHash()
        }
        let a = try run(seed: 1)
        #expect(a == (try run(seed: 1)))
        #expect(a != (try run(seed: 2)))
    }
}

@Suite struct LogTests {
    @Test func failureLogsUseTheRuntimesDisplayText() throws {
        let payer = T.key(1)
        var b = Bank(configuration: .init(seed: 1, genesisAccounts: [payer.address: Account(lamports: 10 * T.sol)]))
        let bytes = try T.legacy(
            [
                ComputeBudgetProgram.setComputeUnitLimit(200),
                SystemProgram.transfer(from: payer.address, to: T.key(2).address, lamports: T.sol),
            ], payer: payer, blockhash: b.latestBlockhash)
        let r = try T.land(&b, bytes)
        // The exact log LiteSVM produces for this transaction (conformance/simcluster prints it).
        #expect(
            r.logs == [
                "Program ComputeBudget111111111111111111111111111111 invoke [1]",
                "Program ComputeBudget111111111111111111111111111111 success",
                "Program 11111111111111111111111111111111 invoke [1]",
                "Program 11111111111111111111111111111111 failed: Computational budget exceeded",
            ])
        #expect(r.computeUnitsConsumed == 200)
    }
}
