import ArbSimCluster
import SolanaKeys
import SolanaPrimitives
import Testing

/// PubSub through the in-process transport (the same three calls the WebSocket server makes).
@Suite struct PubSubTests {
    @Test func programAndAccountNotificationsIncludingAClosedAccount() async throws {
        let payer = T.key(1)
        let cluster = SimCluster(
            configuration: .init(seed: 2, genesisAccounts: [payer.address: Account(lamports: 10 * T.sol)]))
        let (conn, messages) = await cluster.openConnection()
        var it = messages.makeAsyncIterator()
        func next() async throws -> SimJSON {
            guard let text = await it.next() else { throw TestFailure("stream ended") }
            return try SimJSON.parse(text)
        }
        let ata = AssociatedTokenAccount.address(wallet: payer.address, mint: Mints.wrappedSOL)
        await cluster.handlePubSub(
            connection: conn,
            text:
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"programSubscribe\",\"params\":[\"\(ProgramIDs.token)\",{\"encoding\":\"base64\",\"filters\":[{\"dataSize\":165}]}]}"
        )
        let programSub = try await next()["result"]?.uint64Value
        await cluster.handlePubSub(
            connection: conn,
            text: "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"accountSubscribe\",\"params\":[\"\(ata)\"]}")
        let accountSub = try await next()["result"]?.uint64Value
        #expect(programSub != nil && accountSub != nil)

        let create = try T.legacy(
            [
                AssociatedTokenProgram.createIdempotent(
                    payer: payer.address, wallet: payer.address, mint: Mints.wrappedSOL)
            ],
            payer: payer, blockhash: await cluster.latestBlockhash)
        _ = try await cluster.submit(create)
        await cluster.advanceSlot()
        var got: [String: SimJSON] = [:]
        for _ in 0..<2 {
            let n = try await next()
            got[n["method"]?.stringValue ?? "?"] = n["params"]?["result"]
        }
        #expect(got["programNotification"]?["value"]?["pubkey"] == .string(ata.base58))
        #expect(got["programNotification"]?["value"]?["account"]?["space"]?.uint64Value == 165)
        #expect(got["accountNotification"]?["value"]?["owner"] == .string(ProgramIDs.token.base58))

        let close = try T.legacy(
            [TokenProgram.closeAccount(account: ata, destination: payer.address, owner: payer.address)], payer: payer,
            blockhash: await cluster.latestBlockhash)
        _ = try await cluster.submit(close)
        await cluster.advanceSlot()
        let closed = try await next()
        #expect(closed["method"] == .string("accountNotification"))
        #expect(closed["params"]?["result"]?["value"]?["lamports"]?.uint64Value == 0)
        #expect(closed["params"]?["result"]?["value"]?["owner"] == .string(ProgramIDs.system.base58))

        // Unsubscribe: a second unsubscribe of the same id is an error.
        await cluster.handlePubSub(
            connection: conn,
            text: "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"accountUnsubscribe\",\"params\":[\(accountSub ?? 0)]}")
        #expect(try await next()["result"] == .bool(true))
        await cluster.handlePubSub(
            connection: conn,
            text: "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"accountUnsubscribe\",\"params\":[\(accountSub ?? 0)]}")
        #expect(try await next()["error"]?["code"] == .int(-32602))
        await cluster.closeConnection(conn)
    }
}
