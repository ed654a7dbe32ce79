import Foundation
import Testing

@testable import ArbInference

/// MatMul → Add → Relu is fused into one `.dense` instruction (and MatMul blocks columns by 32/16/8). The fused
/// layer must give, bit for bit, what the unfused definition gives: per output a sequential float sum over the
/// inputs of separate products, then the bias added with the operands in the graph's order, then Relu keeping NaN
/// and −0 — for every column count (blocks and tails), both Add operand orders, per-column and single biases, with
/// and without Relu, and with the intermediate values also read as graph outputs.
@Suite struct DenseFusionTests {
    struct Case: CustomStringConvertible, Sendable {
        var k: Int
        var n: Int
        var biasFirst: Bool
        var singleBias: Bool
        var relu: Bool
        var description: String { "k\(k) n\(n) biasFirst \(biasFirst) single \(singleBias) relu \(relu)" }
    }

    static let cases: [Case] = {
        var out: [Case] = []
        for (k, n) in [(20, 32), (32, 16), (16, 1), (3, 5), (7, 8), (9, 24), (5, 40), (11, 57), (1, 70)] {
            for variant in 0..<4 {
                out.append(Case(k: k, n: n, biasFirst: variant & 1 == 1, singleBias: variant == 2, relu: variant != 3))
            }
        }
        return out
    }()

    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func value() -> Float {
            switch next() % 40 {
            case 0: return .nan
            case 1: return -0.0
            case 2: return .infinity
            case 3: return 1e30
            default: return Float(Int64(next() % 2_000_001) - 1_000_000) / 131_072
            }
        }
    }

    @Test(arguments: cases)
    func fusedLayerMatchesUnfusedDefinition(_ c: Case) throws {
        var rng = Rng(state: UInt64(c.k * 1000 + c.n))
        let w = (0..<(c.k * c.n)).map { _ in Float(Int64(rng.next() % 2001) - 1000) / 997 }
        let b = (0..<(c.singleBias ? 1 : c.n)).map { _ in Float(Int64(rng.next() % 2001) - 1000) / 991 }
        var nodes = [
            Node(op: "MatMul", inputs: ["x", "w"], outputs: ["h0"]),
            Node(op: "Add", inputs: c.biasFirst ? ["b", "h0"] : ["h0", "b"], outputs: ["h1"]),
        ]
        if c.relu { nodes.append(Node(op: "Relu", inputs: ["h1"], outputs: ["h"])) }
        let model = try InferenceModel(
            bytes: makeModel(
                width: c.k, nodes: nodes,
                initializers: [.floats("w", [Int64(c.k), Int64(c.n)], w), .floats("b", [Int64(b.count)], b)],
                outputs: [
                    Output(name: c.relu ? "h" : "h1", dims: [nil, Int64(c.n)]),
                    Output(name: "h0", dims: [nil, Int64(c.n)]),
                ]),
            expectedSchemaVersion: nil)
        // The three instructions became one.
        #expect(model.program.count == 1)
        if case .dense(let p) = model.program.first {
            #expect((p.activation >= 0) == c.relu)
        } else {
            Issue.record("not fused: \(model.program)")
        }
        let e = model.makeEvaluator()
        var mismatches = 0
        for r in 0..<400 {
            let x = (0..<c.k).map { _ in r < 200 ? Float(Int64(rng.next() % 2001) - 1000) / 127 : rng.value() }
            _ = x.withUnsafeBufferPointer { e.evaluate($0) }
            let out = Array(e.scores)
            for j in 0..<c.n {
                var s: Float = 0
                for kk in 0..<c.k { s = s + x[kk] * w[kk * c.n + j] }
                let bias = b[c.singleBias ? 0 : j]
                let h1 = c.biasFirst ? bias + s : s + bias
                let want = c.relu ? (h1 < 0 ? 0 : h1) : h1
                if out[j].bitPattern != want.bitPattern && !(out[j].isNaN && want.isNaN) { mismatches += 1 }
                // h0 (the MatMul output) is also a graph output: it must be written too.
                if case .dense(let p) = model.program.first,
                    e.f[p.y + j].bitPattern != s.bitPattern && !(s.isNaN && e.f[p.y + j].isNaN)
                {
                    mismatches += 1
                }
            }
        }
        #expect(mismatches == 0)
    }

    /// An Add that does not read the MatMul's output, or a bias that is not a row, is left alone.
    @Test func unrelatedAddIsNotFused() throws {
        let model = try InferenceModel(
            bytes: makeModel(
                width: 3,
                nodes: [
                    Node(op: "MatMul", inputs: ["x", "w"], outputs: ["h0"]),
                    Node(op: "Add", inputs: ["x", "c"], outputs: ["h1"]),
                ],
                initializers: [.floats("w", [3, 2], [1, 2, 3, 4, 5, 6]), .floats("c", [3], [1, 1, 1])],
                outputs: [Output(name: "h0", dims: [nil, 2]), Output(name: "h1", dims: [nil, 3])]),
            expectedSchemaVersion: nil)
        #expect(model.program.count == 2)
        let r = try score(
            makeModel(
                width: 3,
                nodes: [
                    Node(op: "MatMul", inputs: ["x", "w"], outputs: ["h0"]),
                    Node(op: "Add", inputs: ["x", "c"], outputs: ["h1"]),
                ],
                initializers: [.floats("w", [3, 2], [1, 2, 3, 4, 5, 6]), .floats("c", [3], [1, 1, 1])],
                outputs: [Output(name: "h0", dims: [nil, 2]), Output(name: "h1", dims: [nil, 3])]),
            [1, 2, 3])
        #expect(r.scores == [22, 28])
    }
}
