import ArbVenues
import SolanaPrimitives
import Testing

/// The conformance suite every venue passes (issue #3): decode (and typed errors for wrong/truncated bytes),
/// zero and one-unit inputs, output monotonic in input, never more than the output vault holds, fee within
/// the input, and quotes stable across a fresh decode of the same bytes. Also sanity-checks the swap instruction.
///
/// Use: `try VenueConformance.check(MyVenue.self, pool: poolAccount, accounts: everyAccountTheQuoteNeeds,
/// outputVault: { venue, direction in ...vault address... }, amounts: [...])`.
enum VenueConformance {
    struct Report {
        var quotes = 0
        var refusals: [VenueError.Code: Int] = [:]
    }

    @discardableResult
    static func check<V: Venue>(
        _ type: V.Type, pool: AccountData, accounts: [Address: AccountData],
        outputVault: (V, SwapDirection) -> Address, amounts: [UInt64], exactOut: Bool = true,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Report {
        var report = Report()
        // Decode, and the registry agrees.
        var venue = try V(pool: pool)
        #expect(venue.address == pool.address, sourceLocation: sourceLocation)
        #expect(VenueRegistry.detect(pool) == V.kind, sourceLocation: sourceLocation)
        #expect(venue.mintA != venue.mintB, sourceLocation: sourceLocation)
        #expect(venue.accountsToUpdate().contains(pool.address), sourceLocation: sourceLocation)
        try venue.update(from: accounts)
        // Bad bytes are typed errors, never traps.
        var wrongOwner = pool
        wrongOwner.owner = ProgramIDs.system
        #expect(throws: VenueError.self, sourceLocation: sourceLocation) { try V(pool: wrongOwner) }
        for length in Set([0, 7, 8, pool.data.count / 2, pool.data.count - 1]) where length < pool.data.count {
            var cut = pool
            cut.data = Array(pool.data.prefix(length))
            #expect(throws: VenueError.self, sourceLocation: sourceLocation) { try V(pool: cut) }
        }
        var grown = pool
        grown.data.append(0)
        #expect(throws: VenueError.self, sourceLocation: sourceLocation) { try V(pool: grown) }

        // A second instance decoded from the same bytes.
        var again = try V(pool: pool)
        try again.update(from: accounts)

        for direction in SwapDirection.allCases {
            // Zero input is refused with `zeroAmount`.
            do {
                _ = try venue.quote(QuoteRequest(amount: 0, direction: direction))
                Issue.record("zero input quoted", sourceLocation: sourceLocation)
            } catch {
                #expect(error.code == .zeroAmount, sourceLocation: sourceLocation)
            }
            let vaultAmount = try VaultAccount(try #require(accounts[outputVault(venue, direction)])).amount
            var lastOut: UInt64 = 0
            var lastIn: UInt64 = 0
            for amount in ([1] + amounts).sorted() {
                let request = QuoteRequest(amount: amount, direction: direction)
                let q: Quote
                do {
                    q = try venue.quote(request)
                } catch {
                    report.refusals[error.code, default: 0] += 1
                    continue
                }
                report.quotes += 1
                #expect(
                    q.amountIn <= amount, "\(direction) \(amount): took \(q.amountIn)", sourceLocation: sourceLocation)
                #expect(
                    q.fee <= q.amountIn, "\(direction) \(amount): fee \(q.fee) > input", sourceLocation: sourceLocation)
                #expect(
                    q.amountOut <= vaultAmount, "\(direction) \(amount): out \(q.amountOut) > vault",
                    sourceLocation: sourceLocation)
                #expect(
                    q.amountOut >= lastOut, "\(direction) \(amount): output not monotonic",
                    sourceLocation: sourceLocation)
                #expect(
                    q.amountIn >= lastIn, "\(direction) \(amount): input not monotonic", sourceLocation: sourceLocation)
                if amount == 1 { #expect(q.amountOut <= vaultAmount, sourceLocation: sourceLocation) }
                lastOut = q.amountOut
                lastIn = q.amountIn
                // Same bytes, same answer.
                #expect(try again.quote(request) == q, sourceLocation: sourceLocation)
                // Exact-out of what exact-in yields never costs more than the exact-in input.
                if exactOut && q.amountOut > 0 {
                    if let back = try? venue.quote(
                        QuoteRequest(amount: q.amountOut, direction: direction, exactIn: false))
                    {
                        #expect(back.amountOut >= q.amountOut, sourceLocation: sourceLocation)
                        #expect(
                            back.amountIn <= q.amountIn, "\(direction) \(amount): exact-out costs more",
                            sourceLocation: sourceLocation)
                    }
                }
                // The swap instruction: the venue's program, the owner as the only signer, user accounts writable.
                let owner = Address(raw: .init(w0: 1, w1: 2, w2: 3, w3: 4))
                let src = Address(raw: .init(w0: 5, w1: 6, w2: 7, w3: 8))
                let dst = Address(raw: .init(w0: 9, w1: 10, w2: 11, w3: 12))
                let ixs = try venue.swapInstructions(
                    SwapParams(
                        direction: direction, amountIn: amount, amountOut: q.amountOut, owner: owner,
                        userSource: src, userDestination: dst))
                #expect(!ixs.isEmpty, sourceLocation: sourceLocation)
                for ix in ixs {
                    #expect(ix.programId == V.programId, sourceLocation: sourceLocation)
                    #expect(ix.accounts.filter(\.isSigner).map(\.address) == [owner], sourceLocation: sourceLocation)
                    for meta in ix.accounts where meta.address == src || meta.address == dst {
                        #expect(meta.isWritable, sourceLocation: sourceLocation)
                    }
                }
            }
        }
        #expect(report.quotes > 0, "no amount could be quoted", sourceLocation: sourceLocation)
        return report
    }
}
