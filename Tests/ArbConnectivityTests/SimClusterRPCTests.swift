import ArbRPC
import ArbSimCluster
import ArbState
import SolanaKeys
import SolanaPrimitives
import Testing

/// The real `RPCClient` against the simulated cluster over loopback HTTP: every method, decoded into the client's
/// typed values and compared with what the cluster holds.
@Suite struct SimClusterRPCTests {
    @Test func everyMethodDecodesTheClustersAnswers() async throws {
        // 120 token accounts of ours + 5 of another owner: more than one getMultipleAccounts request.
        let h = SimHarness(tokenAccounts: 120, otherAccounts: 5)
        try await h.start()
        let rpc = try h.rpc()
        let cluster = h.cluster
        await cluster.advance(slots: 3)

        // getSlot / getBlockHeight / getLatestBlockhash
        let bank = await cluster.bank
        // reads name the last produced block, whose state they serve
        let stateSlot = bank.slot - 1
        #expect(try await rpc.getSlot() == bank.slot)
        #expect(try await rpc.getBlockHeight() == bank.blockHeight)
        let latest = try await rpc.getLatestBlockhash()
        #expect(latest.slot == stateSlot)
        #expect(latest.value.blockhash == bank.latestBlockhash)
        #expect(latest.value.lastValidBlockHeight == bank.lastValidBlockHeight(for: bank.latestBlockhash))
        #expect(latest.value.lastValidBlockHeight == bank.blockHeight + 150)

        // getBalance / getAccountInfo
        #expect(try await rpc.getBalance(h.payer.address).value == 100 * SimHarness.sol)
        let info = try await rpc.getAccountInfo(h.tokenAccounts[7])
        let held = try #require(await cluster.account(h.tokenAccounts[7]))
        #expect(info.slot == stateSlot)
        #expect(info.value?.owner == ProgramIDs.token)
        #expect(info.value?.lamports == held.lamports)
        #expect(info.value?.data == held.data)
        #expect(info.value?.data.count == 165)
        #expect(try await rpc.getAccountInfo(SimHarness.derived(0x77, 1)).value == nil)

        // getMultipleAccounts: 250 keys. The cluster (like the real RPC) rejects more than 100 keys per request,
        // so an answer at all proves the client split them; 130 of them do not exist.
        let missing = (0..<125).map { SimHarness.derived(0x55, $0) }
        let keys = h.tokenAccounts + h.otherTokenAccounts + missing
        #expect(keys.count == 250)
        let multi = try await rpc.getMultipleAccounts(keys)
        #expect(multi.accounts.count == 125)
        #expect(Set(multi.absent.map(\.address)) == Set(missing))
        #expect(multi.minContextSlot == stateSlot && multi.maxContextSlot == stateSlot)
        for a in h.tokenAccounts + h.otherTokenAccounts {
            #expect(multi.accounts[a]?.data == (await cluster.account(a))?.data)
            #expect(multi.accounts[a]?.source == .snapshot)
        }
        await #expect(throws: RPCError.self) { _ = try await rpc.getMultipleAccountsChunk(Array(keys.prefix(101))) }

        // getProgramAccounts with dataSize and memcmp filters
        let ofMint = try await rpc.getProgramAccounts(
            ProgramIDs.token, filters: [.dataSize(165), .memcmp(offset: 0, bytes: h.mint.bytes)])
        #expect(Set(ofMint.value.map(\.address)) == Set(h.tokenAccounts + h.otherTokenAccounts))
        #expect(ofMint.slot == stateSlot)
        let ofOther = try await rpc.getProgramAccounts(
            ProgramIDs.token, filters: [.dataSize(165), .memcmp(offset: 32, bytes: h.other.address.bytes)])
        #expect(Set(ofOther.value.map(\.address)) == Set(h.otherTokenAccounts))
        for a in ofOther.value { #expect(a.data == (await cluster.account(a.address))?.data) }
        // the client's local filter evaluation (used when a refused subscription is dropped) agrees with the node
        let ownerFilters: [ProgramAccountsFilter] = [.dataSize(165), .memcmp(offset: 32, bytes: h.other.address.bytes)]
        for a in h.tokenAccounts + h.otherTokenAccounts {
            let data = (await cluster.account(a))?.data ?? []
            #expect(ownerFilters.allSatisfy { $0.matches(data) } == h.otherTokenAccounts.contains(a))
        }
        #expect(
            !ProgramAccountsFilter.memcmp(offset: 160, bytes: [0, 0, 0, 0, 0, 0]).matches(
                [UInt8](repeating: 0, count: 165)))
        #expect(ProgramAccountsFilter.memcmp(offset: 165, bytes: []).matches([UInt8](repeating: 0, count: 165)))
        #expect(!ProgramAccountsFilter.memcmp(offset: UInt64.max, bytes: [1]).matches([1]))
        let mints = try await rpc.getProgramAccounts(ProgramIDs.token, filters: [.dataSize(82)])
        #expect(mints.value.contains { $0.address == h.mint })
        #expect(!mints.value.contains { $0.data.count != 82 })

        // getTokenAccountBalance: integer base units and decimals
        let balance = try await rpc.getTokenAccountBalance(h.tokenAccounts[0])
        #expect(balance.value == TokenAmount(amount: h.initialAmount, decimals: SimHarness.decimals))

        // sendTransaction (ok) → getSignatureStatuses / getTransaction / getRecentPrioritizationFees
        let a = h.tokenAccounts[0]
        let b = h.tokenAccounts[1]
        let good = try await h.transaction([
            ComputeBudgetProgram.setComputeUnitPrice(microLamports: 7_000), h.transfer(a, b, 123_456),
        ])
        #expect(try await rpc.sendTransaction(good.bytes) == good.signature)
        let pending = try await rpc.getSignatureStatuses([good.signature])
        #expect(pending.value == [nil])  // queued, not in a block yet
        let landed = await cluster.advanceSlot()
        let statuses = try await rpc.getSignatureStatuses([good.signature, Signature.zero])
        #expect(statuses.value.count == 2)
        let status = try #require(statuses.value[0])
        #expect(status.slot == landed.slot)
        #expect(status.err == nil)
        #expect(status.confirmationStatus == .confirmed)
        #expect(statuses.value[1] == nil)
        let tx = try #require(try await rpc.getTransaction(good.signature))
        #expect(tx.slot == landed.slot)
        #expect(tx.err == nil)
        #expect(tx.transactionBytes == good.bytes)
        #expect(tx.signatures == [good.signature])
        let record = try #require(await cluster.record(good.signature))
        #expect(tx.fee == record.result.fee)
        #expect((tx.fee ?? 0) > 5_000)  // signature fee + priority fee
        #expect(tx.preBalances == record.result.preBalances && tx.postBalances == record.result.postBalances)
        #expect(tx.computeUnitsConsumed == record.result.computeUnitsConsumed)
        #expect(!tx.logMessages.isEmpty)
        #expect(try await rpc.getTransaction(Signature.zero) == nil)
        #expect(try await rpc.getTokenAccountBalance(b).value.amount == h.initialAmount + 123_456)
        let fees = try await rpc.getRecentPrioritizationFees([a])
        #expect(fees.contains(PrioritizationFee(slot: landed.slot, prioritizationFee: 7_000)))
        #expect(fees.allSatisfy { $0.slot == landed.slot ? $0.prioritizationFee == 7_000 : $0.prioritizationFee == 0 })

        // simulateTransaction: a token transfer larger than the balance fails with the token program's Custom(1)
        let tooMuch = try await h.transaction([h.transfer(a, b, 10 * h.initialAmount)])
        let sim = try await rpc.simulateTransaction(tooMuch.bytes)
        #expect(sim.value.err == .instructionError(index: 0, .custom(1)))
        #expect(sim.value.logs.contains { $0.hasPrefix("Program \(ProgramIDs.token) failed") })
        #expect((sim.value.unitsConsumed ?? 0) > 0)
        let fine = try await rpc.simulateTransaction(
            try await h.transaction([h.transfer(a, b, 1)]).bytes, options: .init(sigVerify: true))
        #expect(fine.value.err == nil)

        // sendTransaction failures, each typed
        // -32002 + BlockhashNotFound (a blockhash the cluster never produced)
        let unknownHash = Hash(raw: try Bytes32(bytes: [UInt8](repeating: 9, count: 32)))
        let stale = try await h.transaction([h.transfer(a, b, 1)], blockhash: unknownHash)
        let e1 = await sendError(rpc, stale.bytes)
        #expect(e1?.code == .preflightFailure && e1?.rpcCode == -32002)
        #expect(e1?.transactionError == .blockhashNotFound)
        // -32002 + InstructionError(0, Custom(1))
        let e2 = await sendError(rpc, tooMuch.bytes)
        #expect(e2?.code == .preflightFailure)
        #expect(e2?.transactionError == .instructionError(index: 0, .custom(1)))
        #expect(e2?.transactionError?.customProgramError == 1)
        #expect(e2?.logs?.isEmpty == false)
        // -32002 + InsufficientFundsForFee (a payer holding less than the fee)
        let poor = SimHarness.key(40)
        await cluster.fund(poor.address, lamports: 1_000)
        let broke = try await h.transaction(
            [SystemProgram.transfer(from: poor.address, to: h.payer.address, lamports: 1)], payer: poor)
        let e3 = await sendError(rpc, broke.bytes)
        #expect(e3?.code == .preflightFailure)
        #expect(e3?.transactionError == .insufficientFundsForFee)
        // -32003: the signature does not verify
        var forged = try await h.transaction([h.transfer(a, b, 2)]).bytes
        forged[5] ^= 0x80
        let e4 = await sendError(rpc, forged)
        #expect(e4?.code == .signatureVerificationFailure && e4?.rpcCode == -32003)
        #expect(e4?.isRetriable == false)
        // none of them reached a block
        await cluster.advanceSlot()
        #expect(
            try await rpc.getSignatureStatuses([stale.signature, tooMuch.signature, broke.signature]).value == [
                nil, nil, nil,
            ])
        #expect(rpc.health[0].consecutiveFailures == 0, "typed failures must not count against the endpoint")
        await h.stop()
    }

    func sendError(_ rpc: RPCClient, _ bytes: [UInt8]) async -> RPCError? {
        do {
            _ = try await rpc.sendTransaction(bytes)
            return nil
        } catch { return error }
    }
}
