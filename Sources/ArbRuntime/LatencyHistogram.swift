/// A latency histogram in integer nanoseconds with fixed, preallocated log-linear buckets: values below 64 ns
/// are exact; above, each power of two is split into 64 sub-buckets (relative error below 1/64 ≈ 1.6 %).
/// Covers 0 ..< 2^42 ns (≈ 73 minutes); larger values land in the last bucket. Recording never allocates.
public struct LatencyHistogram: Sendable, Hashable {
    static let subBits = 6
    static let subCount = 1 << subBits
    static let maxExponent = 42
    static let bucketCount = subCount + (maxExponent - subBits) * subCount

    public private(set) var counts: [UInt64]
    public private(set) var count: UInt64 = 0
    public private(set) var maxValue: UInt64 = 0
    public private(set) var minValue: UInt64 = .max
    /// Sum of recorded values (saturating), for the mean.
    public private(set) var sum: UInt64 = 0

    public init() { counts = Array(repeating: 0, count: Self.bucketCount) }

    @inline(__always)
    static func bucket(_ v: UInt64) -> Int {
        if v < UInt64(subCount) { return Int(v) }
        let e = 63 - v.leadingZeroBitCount  // v in [2^e, 2^(e+1)), e >= subBits
        if e >= maxExponent { return bucketCount - 1 }
        let sub = Int((v >> UInt64(e - subBits)) & UInt64(subCount - 1))
        return subCount + (e - subBits) * subCount + sub
    }

    /// The largest value that falls into bucket `b` (what percentiles report: an upper bound).
    static func upperBound(_ b: Int) -> UInt64 {
        if b < subCount { return UInt64(b) }
        let k = b - subCount
        let e = k / subCount + subBits
        let sub = UInt64(k % subCount)
        let width = UInt64(1) << UInt64(e - subBits)
        return (UInt64(1) << UInt64(e)) + sub * width + (width - 1)
    }

    @inline(__always)
    public mutating func record(_ nanoseconds: UInt64) {
        counts[Self.bucket(nanoseconds)] &+= 1
        count &+= 1
        maxValue = max(maxValue, nanoseconds)
        minValue = min(minValue, nanoseconds)
        let (s, o) = sum.addingReportingOverflow(nanoseconds)
        sum = o ? .max : s
    }

    /// The value at percentile `p` (0...100) by nearest rank, reported as its bucket's upper bound, capped at the
    /// largest value recorded. 0 when empty.
    public func percentile(_ p: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let clamped = min(max(p, 0), 100)
        let rank = max(1, UInt64((clamped / 100 * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for (b, c) in counts.enumerated() where c > 0 {
            seen += c
            if seen >= rank { return b == Self.bucketCount - 1 ? maxValue : min(Self.upperBound(b), maxValue) }
        }
        return maxValue
    }

    public mutating func merge(_ other: LatencyHistogram) {
        for i in counts.indices { counts[i] &+= other.counts[i] }
        count &+= other.count
        maxValue = max(maxValue, other.maxValue)
        minValue = min(minValue, other.minValue)
        let (s, o) = sum.addingReportingOverflow(other.sum)
        sum = o ? .max : s
    }
}
