import ArbEngine
import ArbRPC
import ArbVenues
import Logging
import SolanaKeys
import SolanaPrimitives
import Testing

@testable import ArbRuntime

/// A pool whose swap instruction carries its arguments in the clear: data = amountIn (u64 LE) ‖ minimum out
/// (u64 LE), so a test can read back the minimum a built transaction demands.
struct MinOutVenue: Venue {
    static let kind: VenueKind = .raydiumCpmm
    static let programId = try! Keypair(seed: [UInt8](repeating: 61, count: 32)).address
    let address: Address
    let mintA: Address
    let mintB: Address

    init(pool: AccountData) throws(VenueError) { throw VenueError(.invalidState, "stand-in venue") }
    init(address: Address, mintA: Address, mintB: Address) {
        self.address = address
        self.mintA = mintA
        self.mintB = mintB
    }
    func accountsToUpdate() -> [Address] { [address] }
    mutating func update(from accounts: some AccountSource) throws(VenueError) {}
    func quote(_ request: QuoteRequest) throws(VenueError) -> Quote {
        Quote(amountIn: request.amount, amountOut: request.amount, fee: 0)
    }
    func swapInstructions(_ p: SwapParams) throws(VenueError) -> [Instruction] {
        var w = ByteWriter(capacity: 16)
        w.u64(p.amountIn)
        w.u64(p.amountOut)
        return [
            Instruction(
                programId: Self.programId,
                accounts: [
                    .writable(p.owner, signer: true), .writable(address), .writable(p.userSource),
                    .writable(p.userDestination),
                ], data: w.bytes)
        ]
    }
}

@Suite struct SwapExecutorTests {
    static func key(_ n: UInt8) -> Keypair { try! Keypair(seed: [UInt8](repeating: n, count: 32)) }
    let wallet = Self.key(1)
    let usdc = Self.key(2).address
    let poolA = MinOutVenue(address: Self.key(3).address, mintA: Mints.wrappedSOL, mintB: Self.key(2).address)
    let poolB = MinOutVenue(address: Self.key(4).address, mintA: Self.key(2).address, mintB: Mints.wrappedSOL)

    /// A send-mode executor over an unreachable endpoint: `build` makes no RPC call.
    func executor(minProfit: UInt64 = 7) -> SwapExecutor {
        let rpc = RPCClient(
            configuration: .init(endpoints: [RPCEndpoint(url: "http://127.0.0.1:9")]), logger: Logger(label: "t"))
        let blockhashes = BlockhashCache()
        blockhashes.set(
            LatestBlockhash(
                blockhash: Hash(raw: try! Bytes32(bytes: [UInt8](repeating: 5, count: 32))),
                lastValidBlockHeight: 300))
        return SwapExecutor(
            mode: .send, rpc: rpc, signer: wallet, blockhashes: blockhashes,
            minProfit: [Mints.wrappedSOL: minProfit], logger: Logger(label: "t"))
    }

    /// wSOL → USDC → wSOL: 1,000,000 lamports in, 50,000 USDC units in between, `out` lamports back.
    func trade(out: UInt64, minOutLastLeg: UInt64) -> TradeRequest {
        let legs = [
            Opportunity.Leg(
                pool: poolA.address, kind: .raydiumCpmm, direction: .aToB, mintIn: Mints.wrappedSOL, mintOut: usdc,
                amountIn: 1_000_000, expectedOut: 50_000, poolSlot: 1, poolVersion: 1),
            Opportunity.Leg(
                pool: poolB.address, kind: .raydiumCpmm, direction: .aToB, mintIn: usdc, mintOut: Mints.wrappedSOL,
                amountIn: 50_000, expectedOut: out, poolSlot: 1, poolVersion: 1),
        ]
        let gross = out > 1_000_000 ? out - 1_000_000 : 0
        let opportunity = Opportunity(
            baseMint: Mints.wrappedSOL, legs: legs, amountIn: 1_000_000, expectedOut: out,
            minOutLastLeg: minOutLastLeg, grossProfit: gross, costLamports: 5_000, costInBase: 5_000,
            netProfit: gross > 5_000 ? gross - 5_000 : 0, netProfitLamports: gross > 5_000 ? gross - 5_000 : 0,
            computeUnits: 200_000, estimatedTransactionBytes: 0, accountCount: 0, slot: 1,
            features: EngineFeatures(
                spreadBps: 10, profitBps: 5, depthFraction: 0.1, log10Input: 6, legs: 2, maxPoolAgeSlots: 0,
                minPoolAgeSlots: 0, volatilityBps: 0, costShare: 0.1, computeUnits: 2e5))
        return TradeRequest(
            id: 1, opportunity: opportunity, venues: [poolA, poolB], notificationReceived: .now)
    }

    /// The (amountIn, minimum out) of every venue swap in the signed transaction, in order.
    func swaps(_ bytes: [UInt8]) throws -> [(amountIn: UInt64, minimumOut: UInt64)] {
        let tx = try VersionedTransaction.deserialize(bytes)
        let keys = tx.message.staticAccountKeys
        return try tx.message.instructions.filter { keys[Int($0.programIdIndex)] == MinOutVenue.programId }.map {
            var r = ByteReader($0.data)
            return (try r.u64(), try r.u64())
        }
    }

    @Test func theLastLegCarriesInputPlusCostsPlusMinimumProfit() throws {
        // The engine's minimum (1,000,100) is above the input but below input + costs + minimum profit: the
        // assembler raises it to 1,000,000 + 7 + 5,000 (one signature, no priority fee, wSOL rent refunded).
        let built = try executor().build(trade(out: 1_050_000, minOutLastLeg: 1_000_100))
        let s = try swaps(built.unsignedBytes)
        #expect(s.count == 2)
        #expect(s.first?.amountIn == 1_000_000)
        #expect(s.first?.minimumOut == 50_000)  // the next leg's input
        #expect(s.last?.amountIn == 50_000)
        #expect(s.last?.minimumOut == 1_005_007)
        // A higher engine minimum is kept.
        let strict = try executor().build(trade(out: 1_050_000, minOutLastLeg: 1_040_000))
        #expect(try swaps(strict.unsignedBytes).last?.minimumOut == 1_040_000)
        // The guarded swap is what a custom error in the last leg is classified against.
        let tx = try VersionedTransaction.deserialize(built.unsignedBytes)
        #expect(built.guardIndices.count == 1)
        #expect(built.guardIndices.lowerBound == built.swapIndices.upperBound - 1)
        let guardIx = tx.message.instructions[built.guardIndices.lowerBound]
        #expect(tx.message.staticAccountKeys[Int(guardIx.programIdIndex)] == MinOutVenue.programId)
        // Nothing is signed: the dry run simulates the message with zeroed signature slots.
        #expect(tx.signatures.count == 1 && tx.signatures.allSatisfy { $0 == .zero })
    }

    /// Without a guard program, a risk manager and a journal, no trade is ever sent — even in `.send` mode (kept
    /// for creating token accounts). The RPC endpoint here is closed: a send attempt would be `rejected`.
    @Test func sendModeRefusesEveryTrade() async throws {
        let r = await executor().execute(trade(out: 1_050_000, minOutLastLeg: 1_040_000))
        guard case .buildFailed(let why) = r.outcome else {
            Issue.record("a trade went further than the build: \(r.outcome)")
            return
        }
        #expect(why.contains("never sends"))
        #expect(r.signature == nil)
    }

    @Test func refusesATradeWhoseLastLegMinimumDoesNotExceedItsInput() throws {
        // Profitable on paper (50,000 over the input), but the engine's last-leg minimum is not above the input:
        // refused, even though the assembler alone would have raised the minimum and built it.
        for minimum: UInt64 in [1_000_000, 999_999, 0] {
            do {
                _ = try executor().build(trade(out: 1_050_000, minOutLastLeg: minimum))
                Issue.record("built a trade with last-leg minimum \(minimum) ≤ input 1,000,000")
            } catch {
                #expect(error.code == .buildFailed)
                #expect(error.detail.contains("no profit guard"))
            }
        }
    }

    @Test func refusesATradeTheCostsMakeUnprofitable() throws {
        // 3,000 gross < 5,000 base fee + 7: the assembler's profit rule refuses it.
        do {
            _ = try executor().build(trade(out: 1_003_000, minOutLastLeg: 1_002_000))
            Issue.record("built an unprofitable trade")
        } catch {
            #expect(error.code == .buildFailed)
            #expect(error.detail.contains("unprofitable"))
        }
    }
}
