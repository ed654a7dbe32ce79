import ArbSimCluster
import ArbState
import ArbVenues
import SolanaKeys
import SolanaPrimitives
import Testing

@testable import ArbRuntime

/// The settle rule of the decision loop (`SettleTracker`, `PoolBook.swapWritten`): a pool is evaluated as soon as
/// every account a swap on it writes has been notified for the slot, and only otherwise waits for the feed to
/// pass the slot or for the deadline.
@Suite struct SettleTests {
    static let pool: Address = "So11111111111111111111111111111111111111112"
    static let vaultA: Address = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"
    static let vaultB: Address = "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB"
    static let array: Address = "JUPyiwrYJFskUPiHa7hkeR8VUtAeFoSYbKedZNsDvCN"
    static let needs = [pool, vaultA, vaultB]

    @Test func aCompleteUpdateIsReleasedAtOnceWithItsFirstReceipt() {
        var s = SettleTracker()
        let t0 = ContinuousClock.now
        s.note(Self.vaultA, slot: 7, at: t0, pool: Self.pool, needs: Self.needs)
        s.note(Self.vaultB, slot: 7, at: t0 + .microseconds(3), pool: Self.pool, needs: Self.needs)
        #expect(s.hasWaiting)
        #expect(s.earliestDeadline == t0 + SettleTracker.settleLimit)
        #expect(s.takeReady().isEmpty)
        s.note(Self.pool, slot: 7, at: t0 + .microseconds(5), pool: Self.pool, needs: Self.needs)
        #expect(!s.hasWaiting)
        #expect(s.earliestDeadline == nil)
        #expect(s.takeReady() == [Self.pool: t0])
        #expect(s.released == (1, 0, 0))
    }

    @Test func theOrderOfArrivalDoesNotMatter() {
        // A real cluster does not promise the simulated cluster's subscription order: the state first is not
        // enough (its vaults may still be old), all three are.
        var s = SettleTracker()
        let t0 = ContinuousClock.now
        s.note(Self.pool, slot: 7, at: t0, pool: Self.pool, needs: Self.needs)
        #expect(s.takeReady().isEmpty)
        s.note(Self.vaultB, slot: 7, at: t0, pool: Self.pool, needs: Self.needs)
        #expect(s.takeReady().isEmpty)
        s.note(Self.vaultA, slot: 7, at: t0, pool: Self.pool, needs: Self.needs)
        #expect(s.takeReady() == [Self.pool: t0])
    }

    @Test func aPartialUpdateWaitsForTheDeadlineOrTheFeedPassingItsSlot() {
        var s = SettleTracker()
        let t0 = ContinuousClock.now
        s.note(Self.array, slot: 7, at: t0, pool: Self.pool, needs: Self.needs)
        s.expire(now: t0 + SettleTracker.settleLimit - .nanoseconds(1), feedSlot: 7)
        #expect(s.takeReady().isEmpty)
        s.expire(now: t0 + SettleTracker.settleLimit, feedSlot: 7)
        #expect(s.takeReady() == [Self.pool: t0])
        #expect(s.released == (0, 0, 1))

        var f = SettleTracker()
        f.note(Self.vaultA, slot: 7, at: t0, pool: Self.pool, needs: Self.needs)
        f.expire(now: t0, feedSlot: 8)
        #expect(f.takeReady() == [Self.pool: t0])
        #expect(f.released == (0, 1, 0))
    }

    @Test func aNewerSlotRestartsTheSetButNotTheDeadline() {
        var s = SettleTracker()
        let t0 = ContinuousClock.now
        s.note(Self.vaultA, slot: 7, at: t0, pool: Self.pool, needs: Self.needs)
        s.note(Self.vaultB, slot: 7, at: t0, pool: Self.pool, needs: Self.needs)
        // Slot 8 begins: slot 7's vaults do not complete slot 8's update.
        s.note(Self.pool, slot: 8, at: t0 + .microseconds(10), pool: Self.pool, needs: Self.needs)
        #expect(s.takeReady().isEmpty)
        // An older slot's account (or a slot-0 re-evaluation request) does not complete slot 8.
        s.note(Self.vaultA, slot: 7, at: t0 + .microseconds(10), pool: Self.pool, needs: Self.needs)
        s.note(Self.vaultB, slot: 0, at: t0 + .microseconds(10), pool: Self.pool, needs: Self.needs)
        #expect(s.takeReady().isEmpty)
        #expect(s.earliestDeadline == t0 + SettleTracker.settleLimit)
        s.note(Self.vaultA, slot: 8, at: t0 + .microseconds(11), pool: Self.pool, needs: Self.needs)
        s.note(Self.vaultB, slot: 8, at: t0 + .microseconds(12), pool: Self.pool, needs: Self.needs)
        #expect(s.takeReady() == [Self.pool: t0])
    }

    /// Every venue kind, built by the simulated cluster's pool factory: the accounts every swap writes are the
    /// pool's state account and its two vaults when the venue depends on them (tick/bin arrays, oracles and
    /// configs are left out).
    @Test(arguments: [VenueKind.raydiumAmmV4, .raydiumCpmm, .raydiumClmm, .orcaWhirlpool, .meteoraDlmm])
    func swapWrittenIsTheStateAndBothVaults(_ kind: VenueKind) throws {
        let (bank, created) = try Self.bankWithPool(kind)
        var book = PoolBook()
        book.add(try bank.venue(for: created))
        book.computeSwapWritten { bank.account($0)?.owner }
        let written = book.entries[created.address]?.swapWritten ?? []
        // DLMM quotes from its bins, not its reserves: the reserves are not among its dependencies (nothing
        // subscribes them), so its state account alone completes an update (every swap changes it, below).
        let expected: Set<Address> =
            kind == .meteoraDlmm ? [created.address] : [created.address, created.vaultA, created.vaultB]
        #expect(Set(written) == expected)
        #expect(written.first == created.address)
    }

    /// The rule's premise on the simulated cluster: a swap in either direction changes (so the cluster notifies)
    /// every account of `swapWritten` in the same block.
    @Test(arguments: [VenueKind.raydiumAmmV4, .raydiumCpmm, .raydiumClmm, .orcaWhirlpool, .meteoraDlmm])
    func everySwapNotifiesAllOfSwapWritten(_ kind: VenueKind) throws {
        var (bank, created) = try Self.bankWithPool(kind)
        var book = PoolBook()
        book.add(try bank.venue(for: created))
        book.computeSwapWritten { bank.account($0)?.owner }
        let written = book.entries[created.address]?.swapWritten ?? []
        let trader = E2E.trader
        bank.fund(trader.address, lamports: 1_000 * E2E.sol)
        try bank.fundTokenAccount(owner: trader.address, mint: E2E.usdc.address, amount: 1_000_000 * 1_000_000)
        for direction in [SwapDirection.aToB, .bToA] {
            let venue = try bank.venue(for: created)
            let amount = (direction == .aToB) == (venue.mintA == Mints.wrappedSOL) ? E2E.sol : 100 * 1_000_000
            let ixs = try SwapTransaction.instructions(
                owner: trader.address,
                legs: [SwapLeg(venue: venue, direction: direction, amountIn: amount, minimumOut: 1)],
                computeUnitLimit: 400_000, microLamportsPerComputeUnit: 0)
            var compiler = MessageCompiler()
            _ = try bank.submit(
                try compiler.signedTransaction(instructions: ixs, payer: trader, recentBlockhash: bank.latestBlockhash))
            let block = bank.produceBlock()
            #expect(block.transactions.allSatisfy { $0.included && $0.error == nil }, "\(kind) \(direction)")
            #expect(Set(written).isSubset(of: Set(block.changedAccounts)), "\(kind) \(direction)")
        }
    }

    static func bankWithPool(_ kind: VenueKind) throws -> (Bank, CreatedPool) {
        var bank = Bank(configuration: BankConfiguration(seed: 3, programs: E2E.programs()))
        let created = try bank.createPool(
            PoolSpec(
                kind: kind, mintA: E2E.wsol, mintB: E2E.usdc, feeRate: 2_500, reserveA: 5_000 * E2E.sol,
                reserveB: 500_000 * 1_000_000, seed: 1))
        return (bank, created)
    }
}

@Suite struct TimedInboxTests {
    let a: Address = "So11111111111111111111111111111111111111112"

    @Test func aTimedWaitEndsAtItsDeadlineWithoutABatch() async {
        let inbox = Inbox()
        let deadline = ContinuousClock.now + .milliseconds(2)
        #expect(await inbox.next(until: deadline) == nil)
        #expect(ContinuousClock.now >= deadline)
        #expect(!inbox.isClosed)
    }

    @Test func aTimedWaitReturnsWhatIsPushedBeforeItsDeadline() async {
        let inbox = Inbox()
        let t0 = ContinuousClock.now
        await withTaskGroup(of: Void.self) { g in
            g.addTask {
                let b = await inbox.next(until: .now + .seconds(60))
                #expect(b?.updates.map(\.0) == [self.a])
                #expect(b?.updates.map(\.2) == [t0])
            }
            g.addTask {
                try? await Task.sleep(for: .milliseconds(5))
                inbox.push(self.a, slot: 3, at: t0)
            }
        }
        // An earlier wait's timer does not wake a later untimed wait with nothing.
        inbox.push(a, slot: 4, at: t0)
        #expect(await inbox.next()?.updates.map(\.1) == [4])
    }

    @Test func aFullEvaluationRequestIsABatchOfItsOwn() async {
        let inbox = Inbox()
        let t0 = ContinuousClock.now
        inbox.requestFullEvaluation(at: t0)
        let b = await inbox.next()
        #expect(b?.evaluateAll == true)
        #expect(b?.updates.isEmpty == true)
        #expect(b?.firstReceived == t0)
        inbox.push(a, slot: 1, at: t0)
        #expect(await inbox.next()?.evaluateAll == false)
    }
}

@Suite struct TimelineTests {
    @Test func stagesRecordCumulativeAndStepTimes() {
        let t0 = ContinuousClock.now
        var t = TradeTimeline(received: t0)
        t.mark(.decideStart, at: t0 + .microseconds(10))
        t.mark(.engineDone, at: t0 + .microseconds(15))
        // executorStart … riskCleared not reached (e.g. a build failure): the step is from the last stage reached.
        t.mark(.signed, at: t0 + .microseconds(60))
        #expect(t.nanoseconds(.decideStart) == 10_000)
        #expect(t.nanoseconds(.assembled) == nil)
        #expect(t.instant(.signed) == t0 + .microseconds(60))
        var s = RuntimeStatus()
        s.record(t)
        #expect(s.stageLatency[TradeTimeline.Stage.signed.rawValue].percentile(50) == 60_000)
        #expect(s.stageDelta[TradeTimeline.Stage.signed.rawValue].percentile(50) == 45_000)
        #expect(s.stageDelta[TradeTimeline.Stage.engineDone.rawValue].percentile(50) == 5_000)
        #expect(s.stageLatency[TradeTimeline.Stage.assembled.rawValue].count == 0)
        #expect(s.stageTable.count == 4)  // header + three stages reached
    }
}
