import ArbMath
import ArbTestSupport
import Foundation
import Testing

/// The upstream data-driven swap suites (orca-so/whirlpools programs/whirlpool/src/tests/swap_test_cases*.json,
/// run exactly as `swap_integration_tests.rs` runs them; see fixtures/vectors/PROVENANCE.md).
@Suite(.enabled(if: Fixtures.root != nil, Comment(rawValue: Fixtures.skipMessage)))
struct WhirlpoolSwapSuiteTests {
    @Test(arguments: ["whirlpool_swap_test_cases.json", "whirlpool_swap_test_cases_splash_pool.json"])
    func upstreamSwapSuite(file: String) throws {
        guard let cases = try VectorJSON.load(file) as? [[String: Any]] else {
            Issue.record("cannot read \(file)")
            return
        }
        var failures: [String] = []
        for c in cases {
            let id = VectorJSON.i64(c["testId"])
            let ts = UInt16(VectorJSON.i64(c["tickSpacing"]))
            let tick = Int32(VectorJSON.i64(c["currTickIndex"]))
            let aToB = VectorJSON.bool(c["aToB"])
            let isInput = VectorJSON.bool(c["amountIsInput"])
            let ticksInArray = WhirlpoolMath.tickArraySize * Int32(ts)
            let start = FullMath.floorDiv(tick, ticksInArray) * ticksInArray
            let dir: Int32 = aToB ? -1 : 1
            let arrays = (0..<3).map {
                WhirlpoolTickArray.zeroed(startTickIndex: start + Int32($0) * ticksInArray * dir)
            }
            let lastTick = min(
                max(aToB ? start - 2 * ticksInArray : start + 3 * ticksInArray - 1, WhirlpoolMath.minTickIndex),
                WhirlpoolMath.maxTickIndex)
            let pool = WhirlpoolSwapPool(
                sqrtPrice: WhirlpoolMath.sqrtPriceFromTickIndex(tick), tickCurrentIndex: tick,
                liquidity: VectorJSON.u128(c["liquidity"]), tickSpacing: ts,
                feeRate: UInt16(VectorJSON.i64(c["feeRate"])),
                protocolFeeRate: UInt16(VectorJSON.i64(c["protocolFeeRate"])))
            let exp = c["expectation"] as? [String: Any] ?? [:]
            let exception = exp["exception"] as? String ?? ""
            do {
                let r = try WhirlpoolMath.swap(
                    pool: pool, tickArrays: arrays, amount: VectorJSON.u64(c["tradeAmount"]),
                    sqrtPriceLimit: WhirlpoolMath.sqrtPriceFromTickIndex(lastTick),
                    amountSpecifiedIsInput: isInput, aToB: aToB)
                let ok =
                    exception.isEmpty && r.amountA == VectorJSON.u64(exp["amountA"])
                    && r.amountB == VectorJSON.u64(exp["amountB"])
                    && r.nextLiquidity == VectorJSON.u128(exp["nextLiquidity"])
                    && r.nextTickIndex == Int32(VectorJSON.i64(exp["nextTickIndex"]))
                    && r.nextSqrtPrice == VectorJSON.u128(exp["nextSqrtPrice"])
                    && r.nextFeeGrowthGlobal == VectorJSON.u128(exp["nextFeeGrowthGlobal"])
                    && r.nextProtocolFee == VectorJSON.u64(exp["nextProtocolFee"])
                if !ok { failures.append("\(id): got \(r), expected \(exp)") }
            } catch {
                if error.rawValue != exception {
                    failures.append("\(id): threw \(error.rawValue), expected '\(exception)'")
                }
            }
        }
        #expect(cases.count > 2000)
        #expect(failures.isEmpty, "\(failures.count) of \(cases.count) failed; first: \(failures.prefix(5))")
    }
}
