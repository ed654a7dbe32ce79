import ArbMath
import ArbVenues
import ArgumentParser
import Foundation
import SolanaPrimitives

/// `solarb bench quotes`: concentrated-liquidity quote cost per venue and as a function of ticks crossed,
/// as ratios against a reference measured in the same run (one constant-product quote: two full-width mulDivs).
struct BenchQuotes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quotes",
        abstract: "Quote time per venue and CL quote time vs ticks crossed (ratios to a constant-product quote).",
        discussion: """
            Synthetic pools (tick spacing 1, every tick initialized) isolate the math; with --accounts and --pool the
            real pools from dumps are timed too (full venue path: transfer fees, vault checks, tick lookup).
            """)

    @Option(help: "Approximate seconds per measurement.") var seconds: Double = 0.2
    @Option(name: .customLong("accounts"), help: "Account dump files/folders for --pool (optional).") var accounts:
        [String] = []
    @Option(help: "Pool addresses to time from the dumps (repeatable).") var pool: [String] = []

    /// Nanoseconds per call of `body`, measured over about `seconds`.
    func measure(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        var iterations = 1
        while true {
            let start = clock.now
            for _ in 0..<iterations { try body() }
            let elapsed = clock.now - start
            let ns = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            if ns >= seconds * 1e9 || iterations >= 1 << 26 { return ns / Double(iterations) }
            iterations *= ns < 1e6 ? 16 : 2
        }
    }

    func run() async throws {
        // Reference: a constant-product exact-in quote (fee then x*y=k), two full-width mulDivs.
        var sink: UInt128 = 0
        var x: UInt128 = 1_000_000_000_000
        let reference = measure {
            x &+= 1
            let inAfterFee = FullMath.mulDiv(x, 9975, 10_000, roundUp: false) ?? 0
            sink &+=
                FullMath.mulDiv(inAfterFee, 5_000_000_000_000, 80_000_000_000_000 + inAfterFee, roundUp: false) ?? 0
        }
        print("reference: constant-product quote \(String(format: "%.1f", reference)) ns")
        print("")
        print("ticks crossed | Whirlpool ns (x ref) | Raydium CLMM ns (x ref)")
        let liquidity: UInt128 = 1 << 64
        let wArrays = (0..<3).map { i in
            WhirlpoolTickArray(
                startTickIndex: -Int32(i) * 88,
                ticks: Array(repeating: WhirlpoolTick(initialized: true, liquidityNet: 0, liquidityGross: 1), count: 88)
            )
        }
        let wPool = WhirlpoolSwapPool(
            sqrtPrice: WhirlpoolMath.sqrtPriceFromTickIndex(87) + 1, tickCurrentIndex: 87, liquidity: liquidity,
            tickSpacing: 1, feeRate: 3000, protocolFeeRate: 300)
        var cArrays: [Int32: ClmmTickArray] = [:]
        var bitmap = [UInt64](repeating: 0, count: 16)
        for i in 0..<5 {
            let start = -Int32(i) * 60
            cArrays[start] = ClmmTickArray(
                startTickIndex: start,
                ticks: (0..<60).map { ClmmTick(tick: start + Int32($0), liquidityNet: 0, liquidityGross: 1) })
            let bit = 512 - i
            bitmap[bit / 64] |= 1 << UInt64(bit % 64)
        }
        let cPool = ClmmSwapPool(
            sqrtPrice: try ClmmMath.sqrtPriceAtTick(59) + 1, tickCurrent: 59, liquidity: liquidity, tickSpacing: 1,
            tickArrayBitmap: bitmap, tradeFeeRate: 2500, protocolFeeRate: 120_000, fundFeeRate: 40_000)
        for k in [0, 1, 4, 16, 64, 200] {
            // Input that moves the price just past k ticks (k = 0: a tiny swap within the current tick).
            func amount(_ sqrtAt: (Int32) throws -> UInt128, from t: Int32) throws -> UInt64 {
                if k == 0 { return 1_000_000_000 }
                let a = try WhirlpoolMath.amountDeltaA(
                    try sqrtAt(t) + 1, try sqrtAt(t - Int32(k)) - 1, liquidity: liquidity, roundUp: true)
                return a + a / 200 + 10
            }
            let wAmount = try amount({ WhirlpoolMath.sqrtPriceFromTickIndex($0) }, from: 87)
            let wResult = try WhirlpoolMath.swap(
                pool: wPool, tickArrays: wArrays, amount: wAmount, sqrtPriceLimit: 0, amountSpecifiedIsInput: true,
                aToB: true)
            let wNs = try measure {
                let r = try WhirlpoolMath.swap(
                    pool: wPool, tickArrays: wArrays, amount: wAmount, sqrtPriceLimit: 0, amountSpecifiedIsInput: true,
                    aToB: true)
                sink &+= UInt128(r.amountB)
            }
            let cAmount = try amount({ try ClmmMath.sqrtPriceAtTick($0) }, from: 59)
            let cResult = try ClmmMath.swap(
                pool: cPool, bitmapExtension: nil, tickArray: { cArrays[$0] }, amount: cAmount, sqrtPriceLimit: 0,
                zeroForOne: true, isBaseInput: true)
            let cNs = try measure {
                let r = try ClmmMath.swap(
                    pool: cPool, bitmapExtension: nil, tickArray: { cArrays[$0] }, amount: cAmount, sqrtPriceLimit: 0,
                    zeroForOne: true, isBaseInput: true)
                sink &+= UInt128(r.amountOut)
            }
            print(
                String(
                    format: "%5d / %-5d | %10.0f (%6.1fx) | %10.0f (%6.1fx)", wResult.ticksCrossed,
                    cResult.ticksCrossed, wNs,
                    wNs / reference, cNs, cNs / reference))
        }
        if !pool.isEmpty {
            let loaded = try PoolCommand.AccountOptions.parse(accounts.flatMap { ["--accounts", $0] }).load()
            print("")
            print("venue quotes from dumps (1 unit of 10^6 and 10^9 base units, a-to-b):")
            for p in pool {
                guard let address = Address(p) else { throw ValidationError("\(p) is not an address") }
                let venue = try PoolCommand.loadVenue(address, loaded)
                for amount: UInt64 in [1_000_000, 1_000_000_000] {
                    let request = QuoteRequest(amount: amount, direction: .aToB)
                    guard let q = try? venue.quote(request) else {
                        print("  \(address) amount \(amount): not quotable from these dumps")
                        continue
                    }
                    let ns = measure { sink &+= UInt128((try? venue.quote(request))?.amountOut ?? 0) }
                    print(
                        String(
                            format: "  %@ %@ amount %llu: %.0f ns (%.1fx ref), %d ticks crossed",
                            type(of: venue).kind.rawValue, address.description, amount, ns, ns / reference, q.crossings)
                    )
                }
            }
        }
        // Constant-product venues and DLMM (full venue quote path on synthetic pools: VenueBenchWorkloads).
        print("")
        let amm = VenueBenchWorkloads.raydiumAMMv4()
        let cpmm = VenueBenchWorkloads.raydiumCPMM()
        let cpRequest = QuoteRequest(amount: 1_000_000_000, direction: .aToB)
        let ammNs = measure { sink &+= UInt128((try? amm.quote(cpRequest))?.amountOut ?? 0) }
        let cpmmNs = measure { sink &+= UInt128((try? cpmm.quote(cpRequest))?.amountOut ?? 0) }
        print(
            String(
                format: "Raydium AMM v4 quote %.0f ns (%.1fx ref), Raydium CPMM quote %.0f ns (%.1fx ref)",
                ammNs, ammNs / reference, cpmmNs, cpmmNs / reference))
        print("bins crossed | Meteora DLMM ns (x ref)")
        for k in [1, 2, 10, 70, 200] {
            let (pair, request) = VenueBenchWorkloads.meteoraDLMM(binsToCross: k)
            let crossed = (try? pair.quote(request))?.crossings ?? -1
            let ns = measure { sink &+= UInt128((try? pair.quote(request))?.amountOut ?? 0) }
            print(String(format: "%12d | %10.0f (%6.1fx)", crossed, ns, ns / reference))
        }
        if sink == 42 { print("") }  // keeps the optimizer honest
    }
}
