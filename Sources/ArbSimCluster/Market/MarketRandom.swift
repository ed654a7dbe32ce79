/// The market's only source of randomness: SplitMix64 (Steele, Lea, Flood 2014; constants from the reference
/// `splitmix64.c`), seeded from the scenario. Same seed → same sequence on every platform.
public struct MarketRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `range` (Lemire's multiply-shift; the tiny bias is irrelevant for a simulation).
    public mutating func uniform(_ range: ClosedRange<UInt64>) -> UInt64 {
        let span = range.upperBound &- range.lowerBound
        if span == UInt64.max { return next() }
        return range.lowerBound + next().multipliedFullWidth(by: span + 1).high
    }

    /// true with probability `bps` / 10,000.
    public mutating func chance(bps: UInt64) -> Bool { bps > 0 && uniform(0...9_999) < bps }

    /// A draw from an approximately normal distribution with standard deviation `sd`: the sum of three
    /// uniforms on [-sd, sd] (variance 3 × sd²/3 = sd²). Integer-only.
    public mutating func normalish(sd: UInt64) -> Int64 {
        guard sd > 0 else { return 0 }
        var total: Int64 = 0
        for _ in 0..<3 { total += Int64(uniform(0...(2 * sd))) - Int64(sd) }
        return total
    }

    /// Log-uniform integer in [lo, hi] (lo ≥ 1): uniform exponent in steps of 1/64 octave, then linear inside
    /// the step. Integer-only.
    public mutating func logUniform(_ lo: UInt64, _ hi: UInt64) -> UInt64 {
        guard hi > lo, lo > 0 else { return lo }
        // Number of 1/64-octave steps between lo and hi.
        var steps: UInt64 = 0
        var x = UInt128(lo)
        let ratio: UInt128 = 65_536 + 714  // 2^(1/64) ≈ 1.010889 in 1/65536 units
        while x < UInt128(hi) {
            x = max(x + 1, x * ratio / 65_536)
            steps += 1
        }
        let k = uniform(0...steps)
        var v = UInt128(lo)
        for _ in 0..<k { v = max(v + 1, v * ratio / 65_536) }
        return UInt64(min(v, UInt128(hi)))
    }
}
