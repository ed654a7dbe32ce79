import ArbSimCluster
import ArbVenues
import Foundation
import HummingbirdWSClient
import Logging
import SolanaKeys
import SolanaPrimitives
import Testing

/// A swap over real sockets: accountSubscribe on a Whirlpool, sendTransaction of an ArbVenues swap over HTTP,
/// and the pushed account bytes decode with ArbVenues to the post-swap state.
@Suite struct DEXLoopbackTests {
    @Test func poolNotificationDecodesToThePostSwapState() async throws {
        let user = T.key(95)
        let cluster = SimCluster(
            configuration: .init(seed: 5, genesisAccounts: [user.address: Account(lamports: 10 * T.sol)]))
        let pool = try await cluster.createPool(
            PoolSpec(
                kind: .orcaWhirlpool, mintA: DEXFixture.usdc, mintB: DEXFixture.bonk, feeRate: 3_000,
                reserveA: 1_000_000 * 1_000_000, reserveB: 50_000_000_000 * 100_000, seed: 9))
        try await cluster.fundTokenAccount(owner: user.address, mint: DEXFixture.usdc.address, amount: 10_000_000_000)
        let venue = try #require(try await cluster.venue(for: pool) as? WhirlpoolVenue)
        let direction: SwapDirection = pool.mintA == DEXFixture.usdc.address ? .aToB : .bToA
        let amount: UInt64 = 2_500_000_000
        let detail = try venue.quoteDetail(QuoteRequest(amount: amount, direction: direction))
        let ixs = try SwapTransaction.instructions(
            owner: user.address,
            legs: [SwapLeg(venue: venue, direction: direction, amountIn: amount, minimumOut: detail.quote.amountOut)],
            computeUnitLimit: 200_000, microLamportsPerComputeUnit: 1_000)
        let bytes = try T.legacy(ixs, payer: user, blockhash: await cluster.latestBlockhash)

        let (ready, sink) = AsyncStream<SimClusterServer.Endpoints>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var logger = Logger(label: "simdex-test")
                logger.logLevel = .critical
                try await SimClusterServer.run(
                    cluster: cluster, configuration: .init(rpcPort: 0, webSocketPort: 0, slotDuration: nil),
                    logger: logger
                ) { sink.yield($0) }
            }
            var it = ready.makeAsyncIterator()
            guard let endpoints = await it.next() else { throw TestFailure("server did not start") }
            defer { group.cancelAll() }
            try await WebSocketClient.connect(url: endpoints.webSocketURL, logger: Logger(label: "test")) {
                inbound, outbound, _ in
                var frames = inbound.messages(maxSize: 1 << 22).makeAsyncIterator()
                func next() async throws -> SimJSON {
                    guard case .text(let t) = try await frames.next() else { throw TestFailure("socket closed") }
                    return try SimJSON.parse(t)
                }
                try await outbound.write(
                    .text(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"accountSubscribe\",\"params\":[\"\(pool.address)\",{\"encoding\":\"base64\"}]}"
                    ))
                let sub = try #require(try await next()["result"]?.uint64Value)
                let sent = try await LoopbackTests.rpc(
                    endpoints.rpcURL, "sendTransaction",
                    "[\"\(Data(bytes).base64EncodedString())\",{\"encoding\":\"base64\"}]")
                #expect(sent["result"]?.stringValue != nil, "\(sent)")
                await cluster.advanceSlot()
                let n = try await next()
                #expect(n["method"]?.stringValue == "accountNotification")
                #expect(n["params"]?["subscription"]?.uint64Value == sub)
                let value = n["params"]?["result"]?["value"]
                let b64 = try #require(value?["data"]?[0]?.stringValue)
                let data = [UInt8](try #require(Data(base64Encoded: b64)))
                #expect(value?["owner"]?.stringValue == WhirlpoolLayout.programId.description)
                let pushed = try WhirlpoolVenue(
                    pool: AccountData(address: pool.address, owner: WhirlpoolLayout.programId, lamports: 0, data: data))
                #expect(pushed.state.sqrtPrice == detail.swap.nextSqrtPrice)
                #expect(pushed.state.tickCurrentIndex == detail.swap.nextTickIndex)
                #expect(pushed.state.liquidity == detail.swap.nextLiquidity)
                #expect(pushed.state.sqrtPrice != venue.state.sqrtPrice)
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
        let out = direction == .aToB ? DEXFixture.bonk.address : DEXFixture.usdc.address
        let ata = AssociatedTokenAccount.address(wallet: user.address, mint: out)
        let received = try #require(await cluster.account(ata)).data
        #expect(try TokenAccountLayout(data: received).amount == detail.quote.amountOut)
    }
}
