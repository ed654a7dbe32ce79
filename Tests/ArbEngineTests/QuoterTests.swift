import ArbEngine
import ArbVenues
import SolanaPrimitives
import Testing

@Suite("ConstantProductQuoter")
struct QuoterTests {
    /// The 64-bit fast path must give exactly the UInt128 formula's floors, including near the overflow edges.
    @Test("64-bit quote path equals the UInt128 reference formula")
    func matchesWideReference() {
        var rng = SeededRNG(seed: 77)
        func reference(_ x: UInt64, _ y: UInt64, _ fee: UInt64, _ amount: UInt64) -> UInt64? {
            guard amount > 0 else { return nil }
            let inAfterFee = UInt128(amount) * UInt128(10_000 - fee) / 10_000
            let denominator = UInt128(x) + inAfterFee
            guard denominator > 0 else { return nil }
            let out = UInt128(y) * inAfterFee / denominator
            guard out > 0, out < UInt128(y) else { return nil }
            return UInt64(out)
        }
        let edges: [UInt64] = [
            0, 1, 2, 9_999, 10_000, UInt64.max / 10_000, UInt64.max / 10_000 + 1, UInt64.max - 1, .max,
        ]
        var checked = 0
        for k in 0..<20_000 {
            func pick() -> UInt64 {
                switch UInt64.random(in: 0...3, using: &rng) {
                case 0: return edges[Int.random(in: 0..<edges.count, using: &rng)]
                case 1: return UInt64.random(in: 0...1_000_000, using: &rng)
                case 2: return UInt64.random(in: 0...UInt64.max, using: &rng)
                default: return UInt64(1) << UInt64.random(in: 0...63, using: &rng)
                }
            }
            let (x, y, amount) = (pick(), pick(), pick())
            let fee = [0, 1, 25, 100, 9_999][k % 5] as UInt64
            let pool = ConstantProductQuoter(
                address: .zero, mintA: T.sol, mintB: T.usdc, reserveA: x, reserveB: y, feeBps: fee)
            #expect(
                pool.quote(amountIn: amount, direction: .aToB) == reference(x, y, fee, amount),
                "\(x) \(y) \(fee) \(amount)")
            #expect(
                pool.quote(amountIn: amount, direction: .bToA) == reference(y, x, fee, amount),
                "\(x) \(y) \(fee) \(amount)")
            checked += 1
        }
        #expect(checked == 20_000)
    }
}
