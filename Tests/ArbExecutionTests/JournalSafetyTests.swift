import ArbExecution
import Foundation
import GRDB
import SolanaPrimitives
import Testing

@testable import ArbJournal

@Suite struct JournalSafetyTests {
    static let mainnet = "5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d"
    static let simulated = "Fk9bq3yWw8PX7pLLNCkNWGJpBkKxW4tXjuYRKQYJhiYz"

    /// A journal is bound to the first cluster that uses it; another cluster's run is refused (its money would be
    /// reported together with simulated money), and the binding survives a reopen.
    @Test func aJournalRefusesAnotherCluster() throws {
        let path = tempPath("cluster")
        defer { removeJournal(path) }
        do {
            let j = try Journal(path: path)
            #expect(try j.clusterGenesisHash() == nil)
            try j.bindCluster(genesisHash: Self.simulated)
            try j.bindCluster(genesisHash: Self.simulated)  // the same cluster again: fine
        }
        let reopened = try Journal(path: path)
        #expect(try reopened.clusterGenesisHash() == Self.simulated)
        do {
            try reopened.bindCluster(genesisHash: Self.mainnet)
            Issue.record("a simulated-cluster journal accepted a mainnet run")
        } catch {
            #expect(error.code == .wrongCluster)
            #expect(error.detail.contains(Self.simulated) && error.detail.contains(Self.mainnet))
        }
        #expect(try reopened.clusterGenesisHash() == Self.simulated)
    }

    /// A damaged journal (a value of the wrong type where the schema expects an integer) is a typed read error,
    /// not a crash of the bot at start.
    @Test func aDamagedPendingRowIsATypedErrorNotACrash() throws {
        let path = tempPath("damaged")
        defer { removeJournal(path) }
        let j = try Journal(path: path)
        try j.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO submissions (opportunity_id, at_ms, signature, signed_bytes, base_mint, guard_program,
                        slot, last_valid_block_height, expected_profit, expected_gross, cost_lamports, cost_in_base,
                        cu_limit, cu_price, tip_lamports)
                    VALUES (NULL, 1, 'sig', x'00', 'mint', NULL, 1, 'not a number', 0, 0, 0, 0, 0, 0, 0)
                    """)
        }
        do {
            _ = try j.pendingSubmissions()
            Issue.record("a damaged row decoded")
        } catch {
            #expect(error.code == .read)
        }
    }
}
