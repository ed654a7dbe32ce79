import ArbEngine
import ArbExecution
import ArbGuard
import ArbRPC
import ArbSimCluster
import ArbVenues
import Foundation
import Logging
import SolanaKeys
import SolanaPrimitives
import Testing

enum X {
    static let sol: UInt64 = 1_000_000_000
    static func key(_ tag: UInt8) -> Keypair { try! Keypair(seed: [UInt8](repeating: tag, count: 32)) }
    static let guardProgram = key(77).address
    static var quietLogger: Logger {
        var l = Logger(label: "exec-test")
        l.logLevel = .critical
        return l
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A stand-in for a DEX pool until the simulated cluster runs DEX programs: a "swap" is two SPL Token transfers,
/// the input from the user to the pool's input vault (signed by the user) and the output from the pool's output
/// vault to the user (signed by the pool authority, a second signer). It pays `payout(amountIn)`, ignoring the
/// minimum (a real DEX would enforce it: here the profit guard is the only protection, which is what is tested).
struct TransferVenue: Venue {
    static let kind: VenueKind = .raydiumCpmm
    static let programId = ProgramIDs.token
    let address: Address
    let mintA: Address
    let mintB: Address
    let vaultA: Address
    let vaultB: Address
    let authority: Address
    /// Output = amountIn × numerator / denominator (floor).
    var numerator: UInt64
    var denominator: UInt64

    init(pool: AccountData) throws(VenueError) { throw VenueError(.invalidState, "stand-in venue") }

    init(
        address: Address, mintA: Address, mintB: Address, vaultA: Address, vaultB: Address, authority: Address,
        numerator: UInt64, denominator: UInt64
    ) {
        self.address = address
        self.mintA = mintA
        self.mintB = mintB
        self.vaultA = vaultA
        self.vaultB = vaultB
        self.authority = authority
        self.numerator = numerator
        self.denominator = denominator
    }

    func accountsToUpdate() -> [Address] { [address] }
    mutating func update(from accounts: some AccountSource) throws(VenueError) {}
    func quote(_ request: QuoteRequest) throws(VenueError) -> Quote {
        Quote(amountIn: request.amount, amountOut: payout(request.amount), fee: 0)
    }
    func payout(_ amountIn: UInt64) -> UInt64 { UInt64(UInt128(amountIn) * UInt128(numerator) / UInt128(denominator)) }

    func swapInstructions(_ p: SwapParams) throws(VenueError) -> [Instruction] {
        let (vin, vout) = p.direction == .aToB ? (vaultA, vaultB) : (vaultB, vaultA)
        return [
            TokenProgram.transfer(source: p.userSource, destination: vin, authority: p.owner, amount: p.amountIn),
            TokenProgram.transfer(
                source: vout, destination: p.userDestination, authority: authority, amount: payout(p.amountIn)),
        ]
    }
}

/// A cycle over stand-in pools: mints[0] → mints[1] → … → mints[0], each pool at its own rate.
struct Market {
    let wallet: Keypair
    let poolAuthority: Keypair
    let mints: [Keypair]
    var venues: [TransferVenue]

    static func make(legs: Int, rates: [(UInt64, UInt64)], walletTag: UInt8 = 1) -> Market {
        let wallet = X.key(walletTag)
        let authority = X.key(90)
        let mints = (0..<legs).map { X.key(UInt8(10 + $0)) }
        var venues: [TransferVenue] = []
        for i in 0..<legs {
            let a = mints[i].address
            let b = mints[(i + 1) % legs].address
            let pool = X.key(UInt8(40 + i)).address
            venues.append(
                TransferVenue(
                    address: pool, mintA: a, mintB: b,
                    vaultA: AssociatedTokenAccount.address(wallet: pool, mint: a),
                    vaultB: AssociatedTokenAccount.address(wallet: pool, mint: b), authority: authority.address,
                    numerator: rates[i].0, denominator: rates[i].1))
        }
        return Market(wallet: wallet, poolAuthority: authority, mints: mints, venues: venues)
    }

    var baseMint: Address { mints[0].address }

    /// The opportunity the engine would produce for input `amountIn` at the venues' rates (or at `quotedRates`
    /// when the engine saw a different, stale price).
    func opportunity(amountIn: UInt64, slippageBps: UInt64 = 0, quoted: [TransferVenue]? = nil) -> Opportunity {
        let vs = quoted ?? venues
        var legs: [Opportunity.Leg] = []
        var amount = amountIn
        for v in vs {
            let out = v.payout(amount)
            legs.append(
                Opportunity.Leg(
                    pool: v.address, kind: .raydiumCpmm, direction: .aToB, mintIn: v.mintA, mintOut: v.mintB,
                    amountIn: amount, expectedOut: out, poolSlot: 1, poolVersion: 1))
            amount = out
        }
        let gross = amount > amountIn ? amount - amountIn : 0
        return Opportunity(
            baseMint: baseMint, legs: legs, amountIn: amountIn, expectedOut: amount,
            minOutLastLeg: amount - amount * slippageBps / 10_000, grossProfit: gross, costLamports: 10_000,
            costInBase: 10_000, netProfit: gross > 10_000 ? gross - 10_000 : 0,
            netProfitLamports: gross > 10_000 ? gross - 10_000 : 0, computeUnits: 100_000,
            estimatedTransactionBytes: 0, accountCount: 0, slot: 1,
            features: EngineFeatures(
                spreadBps: 10, profitBps: 5, depthFraction: 0.1, log10Input: 6, legs: Double(vs.count),
                maxPoolAgeSlots: 0, minPoolAgeSlots: 0, volatilityBps: 0, costShare: 0.1, computeUnits: 1e5))
    }

    var venueMap: [Address: any Venue] {
        Dictionary(uniqueKeysWithValues: venues.map { ($0.address, $0 as any Venue) })
    }

    /// Genesis accounts: funded wallet and authority, the mints, the wallet's and pools' token accounts.
    func genesis(walletBalance: UInt64, vaultBalance: UInt64) -> [Address: Account] {
        var g: [Address: Account] = [
            wallet.address: Account(lamports: 100 * X.sol),
            poolAuthority.address: Account(lamports: 10 * X.sol),
        ]
        let rentMint = Rent.minimumBalance(dataLength: 82)
        let rentToken = Rent.minimumBalance(dataLength: 165)
        for m in mints {
            g[m.address] = Account(lamports: rentMint, owner: ProgramIDs.token, data: Self.mintData())
            g[AssociatedTokenAccount.address(wallet: wallet.address, mint: m.address)] = Account(
                lamports: rentToken, owner: ProgramIDs.token,
                data: Self.tokenAccountData(
                    mint: m.address, owner: wallet.address, amount: m.address == baseMint ? walletBalance : 0))
        }
        for v in venues {
            for (vault, mint) in [(v.vaultA, v.mintA), (v.vaultB, v.mintB)] {
                g[vault] = Account(
                    lamports: rentToken, owner: ProgramIDs.token,
                    data: Self.tokenAccountData(mint: mint, owner: poolAuthority.address, amount: vaultBalance))
            }
        }
        return g
    }

    static func mintData() -> [UInt8] {
        var w = ByteWriter(capacity: 82)
        w.u32(0)  // no mint authority (COption None)
        w.write([UInt8](repeating: 0, count: 32))
        w.u64(1_000_000_000_000_000)
        w.u8(6)
        w.u8(1)
        w.u32(0)
        w.write([UInt8](repeating: 0, count: 32))
        return w.bytes
    }

    static func tokenAccountData(mint: Address, owner: Address, amount: UInt64) -> [UInt8] {
        var w = ByteWriter(capacity: 165)
        w.address(mint)
        w.address(owner)
        w.u64(amount)
        w.u32(0)  // delegate None
        w.write([UInt8](repeating: 0, count: 32))
        w.u8(1)  // initialized
        w.u32(0)  // is_native None
        w.u64(0)
        w.u64(0)  // delegated amount
        w.u32(0)  // close authority None
        w.write([UInt8](repeating: 0, count: 32))
        precondition(w.bytes.count == 165)
        return w.bytes
    }
}

/// Starts the simulated cluster (guard registered at `X.guardProgram`) on loopback, with blocks every
/// `slotDuration` (nil: only when the test advances).
func withCluster(
    genesis: [Address: Account], slotDuration: Duration? = .milliseconds(20),
    _ body: @Sendable (SimCluster, SimClusterServer.Endpoints, RPCClient) async throws -> Void
) async throws {
    var programs = ProgramRegistry.standard
    programs.register(X.guardProgram, GuardProgramHandler())
    let cluster = SimCluster(configuration: .init(seed: 7, genesisAccounts: genesis, programs: programs))
    let (ready, sink) = AsyncStream<SimClusterServer.Endpoints>.makeStream()
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            try await SimClusterServer.run(
                cluster: cluster, configuration: .init(rpcPort: 0, webSocketPort: 0, slotDuration: slotDuration),
                logger: X.quietLogger
            ) { sink.yield($0) }
        }
        var it = ready.makeAsyncIterator()
        guard let endpoints = await it.next() else { throw TestFailure("server did not start") }
        let client = RPCClient(
            configuration: RPCClientConfiguration(
                endpoints: [RPCEndpoint(url: endpoints.rpcURL)], commitment: .confirmed, jitterSeed: 1),
            logger: X.quietLogger)
        do {
            try await body(cluster, endpoints, client)
        } catch {
            group.cancelAll()
            throw error
        }
        group.cancelAll()
    }
}

func tokenAmount(_ cluster: SimCluster, _ account: Address) async -> UInt64? {
    guard let a = await cluster.account(account), a.data.count == 165 else { return nil }
    var v: UInt64 = 0
    for i in 0..<8 { v |= UInt64(a.data[64 + i]) << (8 * UInt64(i)) }
    return v
}
