import Testing

@testable import ArbRuntime

@Suite struct LatencyHistogramTests {
    /// SplitMix64, seeded: the values are reproducible.
    struct Rng {
        var s: UInt64
        mutating func next() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func exact(_ sorted: [UInt64], _ p: Double) -> UInt64 {
        let rank = max(1, Int((p / 100 * Double(sorted.count)).rounded(.up)))
        return sorted[rank - 1]
    }

    @Test func smallValuesAreExact() {
        var h = LatencyHistogram()
        for v in 0..<64 as Range<UInt64> { h.record(v) }
        #expect(h.count == 64)
        #expect(h.percentile(50) == 31)
        #expect(h.percentile(100) == 63)
        #expect(h.percentile(0) == 0)
    }

    @Test func percentilesAreUpperBoundsWithinOneSixtyFourth() {
        var rng = Rng(s: 7)
        var h = LatencyHistogram()
        var values: [UInt64] = []
        for _ in 0..<20_000 {
            // log-uniform from 1 ns to ~1 s, the shape of latencies
            let e = rng.next() % 30
            let v = (UInt64(1) << e) + rng.next() % (UInt64(1) << e)
            values.append(v)
            h.record(v)
        }
        values.sort()
        for p in [1.0, 10, 50, 90, 99, 99.9, 100] {
            let truth = Self.exact(values, p)
            let got = h.percentile(p)
            #expect(got >= truth, "p\(p): \(got) < \(truth)")
            #expect(Double(got - truth) <= Double(truth) / 64 + 1, "p\(p): \(got) vs \(truth)")
        }
        #expect(h.maxValue == values.last)
        #expect(h.minValue == values.first)
    }

    @Test func bucketBoundsAreConsistent() {
        var v: UInt64 = 1
        while v < (UInt64(1) << 41) {
            for x in [v, v + 1, v * 3 / 2] {
                let b = LatencyHistogram.bucket(x)
                #expect(LatencyHistogram.upperBound(b) >= x)
                if b > 0 { #expect(LatencyHistogram.upperBound(b - 1) < x) }
            }
            v *= 2
        }
        // Huge values land in the last bucket instead of trapping.
        var h = LatencyHistogram()
        h.record(.max)
        #expect(h.percentile(50) == .max)
    }

    @Test func mergeEqualsRecordingBoth() {
        var a = LatencyHistogram()
        var b = LatencyHistogram()
        var both = LatencyHistogram()
        for v in stride(from: UInt64(10), to: 100_000, by: 997) {
            if v % 2 == 0 { a.record(v) } else { b.record(v) }
            both.record(v)
        }
        a.merge(b)
        #expect(a == both)
    }
}
