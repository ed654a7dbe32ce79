import ArbFeeds
import ArbRPC
import ArbSimCluster
import ArbState
import Logging
import SolanaKeys
import SolanaPrimitives
import Synchronization

/// A simulated cluster served over real loopback sockets (JSON-RPC over HTTP, PubSub over WebSocket) that a test
/// can stop and restart on the same ports. Slots advance only when the test calls `cluster.advanceSlot()`.
final class SimHarness: Sendable {
    static let sol: UInt64 = 1_000_000_000
    static let decimals: UInt8 = 6

    let cluster: SimCluster
    let payer: Keypair
    /// A second token owner (for memcmp filters that must exclude some accounts).
    let other: Keypair
    let mint: Address
    /// Token accounts owned (authority) by `payer`, in creation order.
    let tokenAccounts: [Address]
    /// Token accounts of the same mint owned by `other`.
    let otherTokenAccounts: [Address]
    let initialAmount: UInt64 = 1_000_000_000

    private let server = Mutex<Task<Void, Never>?>(nil)
    private let endpointsBox = Mutex<SimClusterServer.Endpoints?>(nil)

    init(tokenAccounts n: Int, otherAccounts m: Int = 0, extraGenesis: [Address: Account] = [:], seed: UInt64 = 11) {
        payer = Self.key(1)
        other = Self.key(2)
        mint = Self.key(3).address
        var genesis = extraGenesis
        genesis[payer.address] = Account(lamports: 100 * Self.sol)
        genesis[mint] = Account(
            lamports: Rent.minimumBalance(dataLength: 82), owner: ProgramIDs.token,
            data: MintLayout(
                mintAuthority: payer.address, supply: UInt64(n + m) * 1_000_000_000, decimals: 6, freezeAuthority: nil
            )
            .encoded())
        let tokenRent = Rent.minimumBalance(dataLength: 165)
        func tokenAccount(_ owner: Address) -> Account {
            Account(
                lamports: tokenRent, owner: ProgramIDs.token,
                data: TokenAccountLayout(mint: Self.key(3).address, owner: owner, amount: 1_000_000_000).encoded())
        }
        var mine: [Address] = []
        for i in 0..<n {
            let a = Self.derived(0x10, i)
            genesis[a] = tokenAccount(payer.address)
            mine.append(a)
        }
        var theirs: [Address] = []
        for i in 0..<m {
            let a = Self.derived(0x20, i)
            genesis[a] = tokenAccount(other.address)
            theirs.append(a)
        }
        tokenAccounts = mine
        otherTokenAccounts = theirs
        cluster = SimCluster(configuration: .init(seed: seed, genesisAccounts: genesis))
    }

    static func key(_ tag: UInt8) -> Keypair { try! Keypair(seed: [UInt8](repeating: tag, count: 32)) }

    /// A deterministic address that is not a keypair of this test (an account created "by someone").
    static func derived(_ tag: UInt8, _ i: Int) -> Address {
        var b = [UInt8](repeating: tag, count: 32)
        b[0] = UInt8(i & 0xFF)
        b[1] = UInt8((i >> 8) & 0xFF)
        return Address(raw: try! Bytes32(bytes: b))
    }

    var endpoints: SimClusterServer.Endpoints {
        get throws {
            guard let e = endpointsBox.withLock({ $0 }) else { throw HarnessFailure("server never started") }
            return e
        }
    }

    /// Starts the servers (free ports the first time, the same ports on a restart).
    @discardableResult
    func start() async throws -> SimClusterServer.Endpoints {
        let previous = endpointsBox.withLock { $0 }
        let (ready, sink) = AsyncStream<SimClusterServer.Endpoints>.makeStream()
        let cluster = self.cluster
        let task = Task {
            var logger = Logger(label: "simcluster-test")
            logger.logLevel = .critical
            do {
                try await SimClusterServer.run(
                    cluster: cluster,
                    configuration: .init(
                        rpcPort: previous?.rpcPort ?? 0, webSocketPort: previous?.webSocketPort ?? 0,
                        slotDuration: nil),
                    logger: logger
                ) { sink.yield($0) }
            } catch {}
            sink.finish()
        }
        server.withLock { $0 = task }
        var it = ready.makeAsyncIterator()
        guard let e = await it.next() else { throw HarnessFailure("server did not start") }
        endpointsBox.withLock { $0 = e }
        return e
    }

    /// Stops the servers (listeners closed, open WebSockets dropped) and waits until they are gone.
    func stop() async {
        let task = server.withLock { t in
            defer { t = nil }
            return t
        }
        task?.cancel()
        await task?.value
    }

    func rpc(requestTimeout: Duration = .milliseconds(1000)) throws -> RPCClient {
        RPCClient(
            configuration: .init(
                endpoints: [RPCEndpoint(url: try endpoints.rpcURL, name: "sim")], requestTimeout: requestTimeout,
                callDeadline: .seconds(10),
                policy: .init(
                    baseCooldown: .milliseconds(20), maxCooldown: .milliseconds(200),
                    baseRateLimitBackoff: .milliseconds(20), maxRateLimitBackoff: .milliseconds(200)),
                jitterSeed: 5),
            logger: TestSupport.logger)
    }

    func feed(
        accounts: [Address], programs: [ProgramSubscription] = [], state: FeedState
    ) throws -> AccountFeed {
        AccountFeed(
            configuration: .init(
                url: try endpoints.webSocketURL, accounts: accounts, programs: programs, commitment: .confirmed,
                reconnectBase: .milliseconds(10), reconnectMax: .milliseconds(200), idleTimeout: .seconds(5),
                subscribeTimeout: .seconds(3), referenceSlotInterval: .milliseconds(20),
                backfillRetry: .milliseconds(20)),
            rpc: try rpc(), state: state, logger: TestSupport.logger)
    }

    /// A signed legacy transaction paid by `payer`.
    func transaction(
        _ instructions: [Instruction], payer: Keypair? = nil, blockhash: Hash? = nil
    ) async throws -> (bytes: [UInt8], signature: Signature) {
        let p = payer ?? self.payer
        let hash: Hash
        if let blockhash { hash = blockhash } else { hash = await cluster.latestBlockhash }
        let m = try LegacyMessage(instructions: instructions, payer: p.address, recentBlockhash: hash)
        let signed = try VersionedTransaction.signedWireBytes(message: .legacy(m), signers: [p])
        return (signed.bytes, try VersionedTransaction.deserialize(signed.bytes).signatures[0])
    }

    func transfer(_ from: Address, _ to: Address, _ amount: UInt64) -> Instruction {
        TokenProgram.transfer(source: from, destination: to, authority: payer.address, amount: amount)
    }

    /// The raw data of an account as the cluster holds it now (nil = absent).
    func data(_ a: Address) async -> [UInt8]? {
        guard let acc = await cluster.account(a), acc.exists else { return nil }
        return acc.data
    }

    static func amount(_ data: [UInt8]) -> UInt64? { (try? TokenAccountLayout(data: data))?.amount }
}

struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Records every version of a set of accounts the cluster produced, block by block (only real changes, which is
/// what the store announces: the same bytes again are not a change).
actor ChainHistory {
    private(set) var versions: [Address: [(slot: Slot, data: [UInt8])]] = [:]
    private var last: [Address: [UInt8]] = [:]

    init(initial: [Address: [UInt8]]) { last = initial }

    func record(slot: Slot, _ now: [Address: [UInt8]]) {
        for (a, d) in now where last[a] != d {
            versions[a, default: []].append((slot, d))
            last[a] = d
        }
    }

    func history(_ a: Address) -> [(slot: Slot, data: [UInt8])] { versions[a] ?? [] }
}

/// Collects what the feed announced on `FeedState.updates`.
final class AppliedLog: Sendable {
    private let log = Mutex<[Address: [(slot: Slot, data: [UInt8], source: AccountUpdate.Source)]]>([:])
    func append(_ u: AccountUpdate) { log.withLock { $0[u.address, default: []].append((u.slot, u.data, u.source)) } }
    func entries(_ a: Address) -> [(slot: Slot, data: [UInt8], source: AccountUpdate.Source)] {
        log.withLock { $0[a] ?? [] }
    }
}
