import ArbMath
import Testing

@testable import ArbVenues

/// The benchmark workloads quote, and the DLMM one crosses the number of bins it promises.
@Suite struct BenchWorkloadTests {
    @Test func constantProductWorkloadsQuote() throws {
        let amm = VenueBenchWorkloads.raydiumAMMv4()
        let cpmm = VenueBenchWorkloads.raydiumCPMM()
        for dir in SwapDirection.allCases {
            #expect(try amm.quote(QuoteRequest(amount: 1_000_000_000, direction: dir)).amountOut > 0)
            #expect(try cpmm.quote(QuoteRequest(amount: 1_000_000_000, direction: dir)).amountOut > 0)
        }
    }

    @Test(arguments: [0, 1, 2, 10, 70, 71, 200])
    func dlmmWorkloadCrossesRequestedBins(bins: Int) throws {
        let (pair, request) = VenueBenchWorkloads.meteoraDLMM(binsToCross: bins)
        let q = try pair.quote(request)
        #expect(q.crossings == max(bins, 1), "asked \(bins), crossed \(q.crossings)")
    }
}
