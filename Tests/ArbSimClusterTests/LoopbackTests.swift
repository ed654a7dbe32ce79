import ArbSimCluster
import Foundation
import HummingbirdWSClient
import Logging
import SolanaKeys
import SolanaPrimitives
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The cluster over real sockets: JSON-RPC over HTTP with a plain HTTP client, PubSub with a plain WebSocket client.
/// Slots advance only when the test says so (no wall-clock dependence).
@Suite struct LoopbackTests {
    let payer = T.key(1)
    let alice = T.key(2)

    /// Starts the servers on free ports, runs `body`, then stops them.
    func withServer(_ body: @Sendable (SimCluster, SimClusterServer.Endpoints) async throws -> Void) async throws {
        let cluster = SimCluster(
            configuration: .init(seed: 3, genesisAccounts: [payer.address: Account(lamports: 10 * T.sol)]))
        let (ready, sink) = AsyncStream<SimClusterServer.Endpoints>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Cancellation at the end of a test makes the server log shutdown noise at error level.
                var logger = Logger(label: "simcluster-test")
                logger.logLevel = .critical
                try await SimClusterServer.run(
                    cluster: cluster, configuration: .init(rpcPort: 0, webSocketPort: 0, slotDuration: nil),
                    logger: logger
                ) { sink.yield($0) }
            }
            var it = ready.makeAsyncIterator()
            guard let endpoints = await it.next() else { throw TestFailure("server did not start") }
            do {
                try await body(cluster, endpoints)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    static func rpc(_ url: String, _ method: String, _ params: String = "[]") async throws -> SimJSON {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\(method)\",\"params\":\(params)}".utf8)
        let (data, _) = try await URLSession.shared.data(for: request)
        return try SimJSON.parse(Array(data))
    }

    @Test func transferOverHTTPLandsAndNotifiesOverWebSocket() async throws {
        let payer = self.payer
        let alice = self.alice
        try await withServer { cluster, endpoints in
            let url = endpoints.rpcURL
            #expect(try await Self.rpc(url, "getHealth")["result"] == .string("ok"))
            #expect(try await Self.rpc(url, "getVersion")["result"]?["solana-core"] != nil)
            let latest = try await Self.rpc(url, "getLatestBlockhash")
            let blockhash = try Hash(base58: latest["result"]?["value"]?["blockhash"]?.stringValue ?? "")
            #expect(latest["result"]?["value"]?["lastValidBlockHeight"]?.uint64Value == 150)

            // PubSub: subscribe to Alice's account, the slot and (after sending) the signature.
            let bytes = try T.legacy(
                [SystemProgram.transfer(from: payer.address, to: alice.address, lamports: T.sol)], payer: payer,
                blockhash: blockhash)
            let sig = try VersionedTransaction.deserialize(bytes).signatures[0]
            try await WebSocketClient.connect(url: endpoints.webSocketURL, logger: Logger(label: "test")) {
                inbound, outbound, _ in
                var frames = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                func next() async throws -> SimJSON {
                    guard case .text(let t) = try await frames.next() else { throw TestFailure("socket closed") }
                    return try SimJSON.parse(t)
                }
                try await outbound.write(
                    .text(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"accountSubscribe\",\"params\":[\"\(alice.address)\",{\"encoding\":\"base64\"}]}"
                    ))
                let accountSub = try await next()["result"]?.uint64Value
                try await outbound.write(.text("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"slotSubscribe\"}"))
                let slotSub = try await next()["result"]?.uint64Value
                #expect(accountSub != nil && slotSub != nil && accountSub != slotSub)

                let sent = try await Self.rpc(
                    url, "sendTransaction",
                    "[\"\(Data(bytes).base64EncodedString())\",{\"encoding\":\"base64\"}]")
                #expect(sent["result"]?.stringValue == sig.description, "\(sent)")
                try await outbound.write(
                    .text(
                        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"signatureSubscribe\",\"params\":[\"\(sig)\"]}"))
                let sigSub = try await next()["result"]?.uint64Value
                #expect(sigSub != nil)

                await cluster.advanceSlot()
                var seen: Set<String> = []
                while seen.count < 3 {
                    let n = try await next()
                    let method = n["method"]?.stringValue ?? ""
                    seen.insert(method)
                    let result = n["params"]?["result"]
                    switch method {
                    case "accountNotification":
                        #expect(n["params"]?["subscription"]?.uint64Value == accountSub)
                        #expect(result?["value"]?["lamports"]?.uint64Value == T.sol)
                        #expect(result?["context"]?["slot"]?.uint64Value == 0)
                        #expect(result?["value"]?["data"]?[1] == .string("base64"))
                    case "slotNotification":
                        #expect(result?["slot"]?.uint64Value == 0)
                    case "signatureNotification":
                        #expect(result?["value"]?["err"] == .null)
                    default:
                        Issue.record("unexpected message \(n)")
                    }
                }
                try await outbound.close(.normalClosure, reason: nil)
            }

            let balance = try await Self.rpc(url, "getBalance", "[\"\(alice.address)\"]")
            #expect(balance["result"]?["value"]?.uint64Value == T.sol)
            let payerBalance = try await Self.rpc(url, "getBalance", "[\"\(payer.address)\"]")
            #expect(payerBalance["result"]?["value"]?.uint64Value == 9 * T.sol - 5_000)
            let statuses = try await Self.rpc(url, "getSignatureStatuses", "[[\"\(sig)\"]]")
            let status = statuses["result"]?["value"]?[0]
            #expect(status?["err"] == .null)
            #expect(status?["status"] == .object(["Ok": .null]))
            #expect(status?["confirmationStatus"] == .string("confirmed"))
            let tx = try await Self.rpc(url, "getTransaction", "[\"\(sig)\",{\"encoding\":\"base64\"}]")
            #expect(tx["result"]?["meta"]?["fee"]?.uint64Value == 5_000)
            #expect(tx["result"]?["meta"]?["computeUnitsConsumed"]?.uint64Value == 150)
            #expect(tx["result"]?["transaction"]?[0] == .string(Data(bytes).base64EncodedString()))
            #expect(tx["result"]?["version"] == .string("legacy"))
        }
    }

    @Test func rejectionsHaveTheRealRPCShapes() async throws {
        let payer = self.payer
        let alice = self.alice
        try await withServer { cluster, endpoints in
            let url = endpoints.rpcURL
            let old = await cluster.latestBlockhash
            await cluster.advance(slots: 151)
            let expired = try T.legacy(
                [SystemProgram.transfer(from: payer.address, to: alice.address, lamports: T.sol)], payer: payer,
                blockhash: old)
            let r = try await Self.rpc(
                url, "sendTransaction", "[\"\(Data(expired).base64EncodedString())\",{\"encoding\":\"base64\"}]")
            #expect(r["error"]?["code"] == .int(-32002))
            #expect(r["error"]?["data"]?["err"] == .string("BlockhashNotFound"))
            #expect(r["error"]?["message"] == .string("Transaction simulation failed: Blockhash not found"))

            var forged = try T.legacy(
                [SystemProgram.transfer(from: payer.address, to: alice.address, lamports: T.sol)], payer: payer,
                blockhash: await cluster.latestBlockhash)
            forged[5] ^= 0x80
            let bad = try await Self.rpc(
                url, "sendTransaction", "[\"\(Data(forged).base64EncodedString())\",{\"encoding\":\"base64\"}]")
            #expect(bad["error"]?["code"] == .int(-32003))

            let lowCU = try T.legacy(
                [
                    ComputeBudgetProgram.setComputeUnitLimit(200),
                    SystemProgram.transfer(from: payer.address, to: alice.address, lamports: T.sol),
                ], payer: payer, blockhash: await cluster.latestBlockhash)
            let sim = try await Self.rpc(
                url, "simulateTransaction", "[\"\(Data(lowCU).base64EncodedString())\",{\"encoding\":\"base64\"}]")
            #expect(
                sim["result"]?["value"]?["err"]
                    == .object(["InstructionError": .array([.int(1), .string("ComputationalBudgetExceeded")])]))
            let sent = try await Self.rpc(
                url, "sendTransaction", "[\"\(Data(lowCU).base64EncodedString())\",{\"encoding\":\"base64\"}]")
            #expect(sent["error"]?["code"] == .int(-32002))
            #expect(
                sent["error"]?["data"]?["err"]
                    == .object(["InstructionError": .array([.int(1), .string("ComputationalBudgetExceeded")])]))
            // With skipPreflight it lands and fails on chain, paying the fee.
            let landed = try await Self.rpc(
                url, "sendTransaction",
                "[\"\(Data(lowCU).base64EncodedString())\",{\"encoding\":\"base64\",\"skipPreflight\":true}]")
            let sig = landed["result"]?.stringValue ?? ""
            await cluster.advanceSlot()
            let status = try await Self.rpc(url, "getSignatureStatuses", "[[\"\(sig)\"]]")
            #expect(
                status["result"]?["value"]?[0]?["err"]
                    == .object(["InstructionError": .array([.int(1), .string("ComputationalBudgetExceeded")])]))

            let unknown = try await Self.rpc(url, "getFoo")
            #expect(unknown["error"]?["code"] == .int(-32601))
            let notToken = try await Self.rpc(url, "getTokenAccountBalance", "[\"\(payer.address)\"]")
            #expect(notToken["error"]?["code"] == .int(-32602))
        }
    }

    @Test func airdropAccountQueriesAndInProcessTransport() async throws {
        let cluster = SimCluster(configuration: .init(seed: 5))
        let bob = T.key(3).address
        func call(_ method: String, _ params: String = "[]") async throws -> SimJSON {
            try SimJSON.parse(
                await cluster.handleHTTP(
                    Array("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"\(method)\",\"params\":\(params)}".utf8)))
        }
        let airdrop = try await call("requestAirdrop", "[\"\(bob)\", 2000000000]")
        #expect(airdrop["id"] == .int(7))
        #expect(airdrop["result"]?.stringValue != nil)
        await cluster.advanceSlot()
        #expect(try await call("getBalance", "[\"\(bob)\"]")["result"]?["value"]?.uint64Value == 2 * T.sol)
        #expect(try await call("getMinimumBalanceForRentExemption", "[165]")["result"]?.uint64Value == 2_039_280)
        let info = try await call("getAccountInfo", "[\"\(Mints.wrappedSOL)\",{\"encoding\":\"base64\"}]")
        #expect(info["result"]?["value"]?["owner"] == .string(ProgramIDs.token.base58))
        let programs = try await call(
            "getProgramAccounts", "[\"\(ProgramIDs.token)\",{\"filters\":[{\"dataSize\":82}]}]")
        #expect(programs["result"]?.arrayValue?.count == 1)
        let memcmp = try await call(
            "getProgramAccounts",
            "[\"\(ProgramIDs.token)\",{\"filters\":[{\"memcmp\":{\"offset\":44,\"bytes\":\"2\"}}]}]")
        #expect(memcmp["result"]?.arrayValue?.count == 0)
        let multi = try await call("getMultipleAccounts", "[[\"\(bob)\",\"\(T.key(99).address)\"]]")
        #expect(multi["result"]?["value"]?[1] == .null)
        #expect(multi["result"]?["value"]?[0]?["lamports"]?.uint64Value == 2 * T.sol)
        #expect(try await call("getSlot")["result"]?.uint64Value == 1)
        #expect(try await call("getBlockHeight")["result"]?.uint64Value == 1)
        #expect(try await call("getRecentPrioritizationFees")["result"]?.arrayValue?.count == 1)
        let batch = try SimJSON.parse(
            await cluster.handleHTTP(
                Array(
                    "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"getSlot\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"getHealth\"}]"
                        .utf8)))
        #expect(batch.arrayValue?.count == 2)
        #expect(try SimJSON.parse(await cluster.handleHTTP(Array("{nope".utf8)))["error"]?["code"] == .int(-32700))
    }
}
