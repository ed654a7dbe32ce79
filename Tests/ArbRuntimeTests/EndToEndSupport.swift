import ArbEngine
import ArbExecution
import ArbJournal
import ArbRPC
import ArbSimCluster
import ArbVenues
import Foundation
import Logging
import SolanaKeys
import SolanaPrimitives
import Testing

@testable import ArbRuntime

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A simulated cluster on loopback with two SOL/USDC pools (Raydium CPMM and AMM v4, same price), a funded
/// bot wallet, a trader who makes dislocations, a competitor, and the profit guard registered.
enum E2E {
    static func key(_ n: UInt8) -> Keypair { try! Keypair(seed: Array(repeating: n, count: 32)) }
    static let sol: UInt64 = 1_000_000_000
    static let bot = key(1)
    static let trader = key(2)
    static let competitor = key(3)
    static let guardProgram = key(9).address
    static let usdc = MintSpec(key(10).address, decimals: 6)
    static let wsol = MintSpec(Mints.wrappedSOL, decimals: 9)
    static let minProfit: UInt64 = 10_000

    struct World: Sendable {
        var cluster: SimCluster
        var pools: [CreatedPool]
        var programs: ProgramRegistry
    }

    static func programs() -> ProgramRegistry {
        var r = ProgramRegistry.standard
        r.register(guardProgram, GuardProgramHandler())
        return r
    }

    /// Pools are synthesized in a scratch bank with the DEX pool factory and carried into the cluster's genesis.
    static func world(guardAuthority: Address? = nil) throws -> World {
        let programs = programs()
        var scratch = Bank(configuration: BankConfiguration(seed: 11, programs: programs))
        let p1 = try scratch.createPool(
            PoolSpec(
                kind: .raydiumCpmm, mintA: wsol, mintB: usdc, feeRate: 2_500, reserveA: 5_000 * sol,
                reserveB: 500_000 * 1_000_000, seed: 1))
        let p2 = try scratch.createPool(
            PoolSpec(
                kind: .raydiumAmmV4, mintA: wsol, mintB: usdc, feeRate: 2_500, reserveA: 5_000 * sol,
                reserveB: 500_000 * 1_000_000, seed: 2))
        try scratch.fundTokenAccount(owner: competitor.address, mint: usdc.address, amount: 10_000_000 * 1_000_000)
        try scratch.fundTokenAccount(owner: trader.address, mint: usdc.address, amount: 100_000_000 * 1_000_000)
        // The bot's USDC account exists (as after its first start), so its only transactions are trades.
        try scratch.fundTokenAccount(owner: bot.address, mint: usdc.address, amount: 1)
        var genesis = scratch.accounts
        genesis[bot.address] = Account(lamports: 100 * sol)
        genesis[trader.address] = Account(lamports: 100_000 * sol)
        genesis[competitor.address] = Account(lamports: 1_000 * sol)
        // The guard is deployed as on a real cluster (upgradeable loader, this build's ELF, immutable), so that
        // `solarb run`'s guard verification accepts it; the cluster still executes it natively.
        for (k, a) in try deployedGuard(authority: guardAuthority) { genesis[k] = a }
        let cluster = SimCluster(
            configuration: BankConfiguration(seed: 11, genesisAccounts: genesis, programs: programs))
        return World(cluster: cluster, pools: [p1, p2], programs: programs)
    }

    /// Upgradeable-loader accounts for `guardProgram` holding this build's guard ELF: the program account
    /// (tag 2 + programdata address) and the programdata account (tag 3, slot, upgrade authority, the ELF
    /// zero-padded). `authority` nil = immutable.
    static func deployedGuard(authority: Address? = nil, elf: [UInt8]? = nil) throws -> [Address: Account] {
        let loader = ProgramIDs.bpfLoaderUpgradeable
        let code = try elf ?? GuardVerification.expectedBuilds()[0].elf
        let programData = try ProgramDerivedAddress.find(seeds: [guardProgram.bytes], programId: loader).address
        var data: [UInt8] = [3, 0, 0, 0] + [UInt8](repeating: 0, count: 8)
        if let authority { data += [1] + authority.bytes } else { data += [0] + [UInt8](repeating: 0, count: 32) }
        data += code + [UInt8](repeating: 0, count: 256)
        return [
            guardProgram: Account(
                lamports: 1_141_440, owner: loader, data: [2, 0, 0, 0] + programData.bytes, executable: true),
            programData: Account(lamports: 10 * sol, owner: loader, data: data),
        ]
    }

    /// The genesis hash of `world()`'s cluster (seed 11), known without asking it.
    static let genesisHash = Bank.genesisHash(seed: 11).description

    /// The cluster's genesis hash (what `getGenesisHash` answers).
    static func genesis(_ world: World) async -> String { await world.cluster.bank.genesisHash.description }

    static var logger: Logger {
        var l = Logger(label: "e2e")
        l.logLevel = ProcessInfo.processInfo.environment["SOLARB_TEST_LOG"] == nil ? .critical : .trace
        return l
    }

    /// A signed one-leg swap selling `amount` of `sell` on `pool` (wSOL wrapped/unwrapped as needed).
    static func swap(
        _ world: World, pool: Int, owner: Keypair, sell: Address, amount: UInt64, microLamportsPerCU: UInt64 = 0
    ) async throws -> [UInt8] {
        let bank = await world.cluster.bank
        let venue = try bank.venue(for: world.pools[pool])
        let direction: SwapDirection = venue.mintA == sell ? .aToB : .bToA
        let ixs = try SwapTransaction.instructions(
            owner: owner.address,
            legs: [SwapLeg(venue: venue, direction: direction, amountIn: amount, minimumOut: 1)],
            computeUnitLimit: 400_000, microLamportsPerComputeUnit: microLamportsPerCU)
        var compiler = MessageCompiler()
        return try compiler.signedTransaction(instructions: ixs, payer: owner, recentBlockhash: bank.latestBlockhash)
    }

    static func configuration(_ world: World) -> RuntimeConfiguration {
        var c = RuntimeConfiguration()
        c.pools = world.pools.map(\.address)
        c.capital = [EngineConfig.wrappedSol: 50 * sol]
        c.minProfit = [EngineConfig.wrappedSol: minProfit]
        c.maxLegs = 2
        return c
    }

    /// Runs the sim cluster's servers (slots advance only when the test says so) and `body`.
    static func withServer(
        _ world: World, _ body: @Sendable (SimClusterServer.Endpoints) async throws -> Void
    ) async throws {
        let (ready, sink) = AsyncStream<SimClusterServer.Endpoints>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await SimClusterServer.run(
                    cluster: world.cluster, configuration: .init(rpcPort: 0, webSocketPort: 0, slotDuration: nil),
                    logger: logger
                ) { sink.yield($0) }
            }
            var it = ready.makeAsyncIterator()
            guard let endpoints = await it.next() else { throw TestFailure("server did not start") }
            do { try await body(endpoints) } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    /// The bot (ArbRuntime + JournaledExecutor, sending) against the world; stops and drains after `body`.
    static func withBot(
        _ world: World, journalPath: String, configure: @Sendable (inout RuntimeConfiguration) -> Void = { _ in },
        _ body: @Sendable (ArbRuntime, Journal) async throws -> Void
    ) async throws {
        try await withServer(world) { endpoints in
            let rpc = RPCClient(
                configuration: .init(endpoints: [RPCEndpoint(url: endpoints.rpcURL, name: "sim")]), logger: logger)
            let blockhashes = BlockhashCache()
            var c = configuration(world)
            c.runDirectory = (journalPath as NSString).deletingLastPathComponent
            let clusterGenesis = await genesis(world)
            configure(&c)
            let executor = try JournaledExecutor.standard(
                mode: .send, configuration: c, guardProgram: guardProgram, journalPath: journalPath,
                clusterGenesis: clusterGenesis, rpc: rpc,
                wsURL: endpoints.webSocketURL, signer: bot, blockhashes: blockhashes, lookupTables: [:],
                logger: logger)
            let runtime = ArbRuntime(
                configuration: c, rpc: rpc, wsURL: endpoints.webSocketURL, executor: executor,
                blockhashes: blockhashes, logger: logger)
            let journal = try Journal(path: journalPath)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await runtime.run() }
                do { try await body(runtime, journal) } catch {
                    runtime.requestStop()
                    // in-flight trades confirm only when slots advance
                    try? await advance(world, maxSlots: 200) { runtime.status.inFlight == 0 }
                    group.cancelAll()
                    throw error
                }
                runtime.requestStop()
                try await advance(world, maxSlots: 200) { runtime.status.inFlight == 0 }
                try await group.waitForAll()
            }
        }
    }

    /// Produces blocks (a short pause between them lets the bot react) until `done` or `maxSlots` blocks.
    static func advance(
        _ world: World, maxSlots: Int, pause: Duration = .milliseconds(10), until done: @Sendable () async -> Bool
    ) async throws {
        for _ in 0..<maxSlots {
            if await done() { return }
            await world.cluster.advanceSlot()
            try await Task.sleep(for: pause)
        }
        if await done() { return }
        throw TestFailure("condition not reached within \(maxSlots) slots")
    }

    /// Waits without producing blocks (polls; bounded by `polls` × 2 ms, a liveness bound, not a speed check).
    static func wait(polls: Int = 15_000, until done: @Sendable () async -> Bool) async throws {
        for _ in 0..<polls {
            if await done() { return }
            try await Task.sleep(for: .milliseconds(2))
        }
        throw TestFailure("condition not reached")
    }

    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("solarb-runtime-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }
}
