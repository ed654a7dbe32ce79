import ArbMath
import ArbTestSupport
import Foundation
import Testing

/// fixtures/vectors/raydium-clmm.json (math groups) and spl-token.json (transfer fee groups).
@Suite(.enabled(if: Fixtures.root != nil, Comment(rawValue: Fixtures.skipMessage)))
struct ClmmAndTransferFeeVectorTests {
    @Test func clmmTickMathConstants() throws {
        let cases = try #require(try VectorJSON.group("raydium-clmm.json", "tick_math_constants"))
        #expect(cases.count == 4)
        for c in cases {
            switch c["fn"] as? String {
            case "get_sqrt_price_at_tick":
                #expect(
                    try ClmmMath.sqrtPriceAtTick(Int32(VectorJSON.i64(c["tick"]))) == VectorJSON.u128(c["expected"]))
            case "get_tick_at_sqrt_price":
                #expect(
                    try ClmmMath.tickAtSqrtPrice(VectorJSON.u128(c["sqrt_price_x64"]))
                        == Int32(VectorJSON.i64(c["expected"])))
            default:
                Issue.record("unknown fn in \(c)")
            }
        }
        // The two programs disagree on the max sqrt price (see DEX-LAYOUTS.md).
        #expect(ClmmMath.maxSqrtPrice != WhirlpoolMath.maxSqrtPrice)
    }

    /// `tick_round_down`: relational cases, parsed from their textual form.
    @Test func clmmTickRoundDown() throws {
        let cases = try #require(try VectorJSON.group("raydium-clmm.json", "tick_round_down_relations"))
        #expect(cases.count == 9)
        var checked = 0
        for c in cases {
            guard let input = c["input"] as? String, input.hasPrefix("get_sqrt_price_at_tick(") else { continue }
            let inner = input.dropFirst("get_sqrt_price_at_tick(".count)
            guard let close = inner.firstIndex(of: ")"), let tick = Int32(inner[..<close]) else {
                Issue.record("cannot parse \(input)")
                continue
            }
            let rest = inner[inner.index(after: close)...]
            var p = try ClmmMath.sqrtPriceAtTick(tick)
            if rest == "+1" { p += 1 } else if rest == "-1" { p -= 1 } else { #expect(rest.isEmpty) }
            #expect(try ClmmMath.tickAtSqrtPrice(p) == Int32(VectorJSON.i64(c["expected_tick"])), "\(input)")
            checked += 1
        }
        #expect(checked == 8, "8 relations + the exhaustive round trip (test below)")
    }

    @Test func transferFee() throws {
        let cases = try #require(try VectorJSON.group("spl-token.json", "transfer_fee"))
        #expect(cases.count == 29)
        for c in cases {
            let f = c["fee"] as? [String: Any] ?? [:]
            let fee = TransferFee(
                maximumFee: VectorJSON.u64(f["maximum_fee"]),
                basisPoints: UInt16(VectorJSON.i64(f["transfer_fee_basis_points"])))
            let got: UInt64?
            switch c["fn"] as? String {
            case "calculate_fee": got = fee.calculateFee(VectorJSON.u64(c["amount"]))
            case "calculate_inverse_fee": got = fee.calculateInverseFee(VectorJSON.u64(c["post_fee_amount"]))
            case "calculate_pre_fee_amount": got = fee.calculatePreFeeAmount(VectorJSON.u64(c["post_fee_amount"]))
            default:
                Issue.record("unknown fn \(c)")
                continue
            }
            #expect(got == VectorJSON.u64(c["expected"]), "\(c)")
        }
    }

    @Test func orcaTransferFeeHelpers() throws {
        let cases = try #require(try VectorJSON.group("spl-token.json", "orca_transfer_fee_helpers"))
        #expect(cases.count == 37)
        for c in cases {
            let maxText = c["max_fee"] as? String ?? ""
            let fee = TransferFee(
                maximumFee: maxText.hasPrefix("u64::MAX") ? .max : VectorJSON.u64(maxText),
                basisPoints: UInt16(VectorJSON.i64(c["fee_bps"])))
            let expected = c["expected"] as? String ?? ""
            let fn = c["fn"] as? String ?? ""
            do {
                let v =
                    fn.hasPrefix("apply")
                    ? try fee.applying(to: VectorJSON.u64(c["amount"]))
                    : try fee.reverseApplying(to: VectorJSON.u64(c["amount"]))
                #expect(String(v) == expected, "\(c)")
            } catch .invalidTransferFee {
                #expect(expected == "INVALID_TRANSFER_FEE", "\(c)")
            } catch .amountExceedsMaxU64 {
                #expect(expected == "AMOUNT_EXCEEDS_MAX_U64", "\(c)")
            }
        }
    }
}

/// Needs no fixtures: upstream `tick_sqrt_price_roundtrip_exhaustive` (CLMM) and the same property for Whirlpool.
struct TickRoundTripTests {
    /// `tick_sqrt_price_roundtrip_exhaustive`: every tick in [MIN, MAX) round-trips. Strided by default;
    /// SOLARB_STRESS=1 runs all 887,272 ticks (both CLMM and Whirlpool).
    @Test func tickRoundTrip() throws {
        let stride = ProcessInfo.processInfo.environment["SOLARB_STRESS"] == "1" ? 1 : 97
        var t = ClmmMath.minTick
        while t < ClmmMath.maxTick {
            let p = try ClmmMath.sqrtPriceAtTick(t)
            #expect(try ClmmMath.tickAtSqrtPrice(p) == t, "CLMM tick \(t)")
            let w = WhirlpoolMath.sqrtPriceFromTickIndex(t)
            #expect(WhirlpoolMath.tickIndexFromSqrtPrice(w) == t, "Whirlpool tick \(t)")
            t += Int32(stride)
        }
    }
}
