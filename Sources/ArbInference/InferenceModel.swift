import ArbFeatures
import Foundation

/// A compiled, immutable ONNX model. Load once (this is where every check happens), then evaluate through an
/// `Evaluator`, which owns the per-call memory. Thread-safe to share; each thread uses its own `Evaluator`.
public final class InferenceModel: Sendable {
    /// What `solarb model inspect` prints.
    public struct Info: Sendable {
        public struct Value: Sendable {
            public let name: String
            public let type: String
        }
        public let inputs: [Value]
        public let outputs: [Value]
        /// Distinct operators in graph order, "ai.onnx.ml::TreeEnsembleClassifier" style for non-default domains.
        public let operators: [String]
        public let nodeCount: Int
        public let irVersion: Int64
        public let opsets: [String]
        public let producer: String
        public let metadata: [(key: String, value: String)]
        /// The feature-schema version the model declares (`FeatureSchema.metadataKey`), if any.
        public let schemaVersion: Int?
        public let inputWidth: Int
        /// Class labels when the model is a classifier (from ZipMap keys or the classifier operator).
        public let classLabels: [Int64]
        /// A short description of each tree-ensemble kernel's layout.
        public let treeLayouts: [String]
    }

    public let info: Info
    let program: [Instr]
    let floatTemplate: [Float]
    let intTemplate: [Int64]
    let inputOffset: Int
    let labelSlot: Slot?
    let scoreSlot: Slot?
    let scratchWidth: Int
    let keyScratchWidth: Int
    /// Keeps the kernels alive; the program refers to them unowned.
    let kernels: [any AnyObject & Sendable]
    /// The program in memory owned by the model (read without closures on the hot path; written only in init).
    nonisolated(unsafe) let code: UnsafeMutableBufferPointer<Instr>
    /// Int64 arena offset of the label (−1: none) and float arena offset of the decision score (−1: none).
    let labelOffset: Int
    let decisionScoreOffset: Int

    /// Input width the graph expects.
    public var inputWidth: Int { info.inputWidth }

    /// Loads ONNX bytes. With `expectedSchemaVersion` set (the default: this binary's `FeatureSchema.version`),
    /// the model must declare the same version in metadata_props and take exactly `FeatureSchema.count` inputs.
    /// Pass nil only for tools that score arbitrary models (operator tests, `model inspect`).
    public init(bytes: some Collection<UInt8>, expectedSchemaVersion: Int? = FeatureSchema.version)
        throws(InferenceError)
    {
        let proto = try ONNXModelProto.decode(bytes)
        guard let graph = proto.graph else { throw InferenceError(.invalidModel, "the model has no graph") }
        guard graph.sparseInitializerCount == 0 else {
            throw InferenceError(.unsupportedTensor, "sparse initializers are not supported")
        }
        let declared = proto.metadata(FeatureSchema.metadataKey)
        let declaredVersion = declared.flatMap { Int($0) }
        if let want = expectedSchemaVersion {
            guard let got = declaredVersion else {
                throw InferenceError(
                    .schemaVersionMismatch,
                    "model declares no feature schema version (metadata '\(FeatureSchema.metadataKey)' is "
                        + "\(declared.map { "'\($0)'" } ?? "absent")); this build uses version \(want)")
            }
            guard got == want else {
                throw InferenceError(
                    .schemaVersionMismatch,
                    "model was trained on feature schema version \(got); this build uses version \(want)")
            }
        }

        var c = Compiler()
        for t in graph.initializers { try c.addInitializer(t) }
        let realInputs = graph.inputs.filter { !c.constants.contains($0.name) }
        guard realInputs.count == 1, let input = realInputs.first else {
            throw InferenceError(
                .unsupportedTensor, "the graph has \(realInputs.count) non-constant inputs (exactly one is supported)")
        }
        guard case .tensor(let elem, let shapeOpt) = input.type, let shape = shapeOpt else {
            throw InferenceError(.unsupportedTensor, "input '\(input.name)' is not a tensor with a shape")
        }
        guard elem == ONNXTensorProto.DataType.float.rawValue else {
            throw InferenceError(.unsupportedTensor, "input '\(input.name)' element type \(elem) (float only)")
        }
        let width: Int
        switch shape.count {
        case 1: width = Int(shape[0] ?? -1)
        case 2: width = Int(shape[1] ?? -1)
        default: width = -1
        }
        guard width >= 1, width <= 65536 else {
            throw InferenceError(.unsupportedTensor, "input '\(input.name)' shape must be [N, C] with a fixed C")
        }
        if expectedSchemaVersion != nil, width != FeatureSchema.count {
            throw InferenceError(
                .inputShapeMismatch, "model takes \(width) features; the feature schema has \(FeatureSchema.count)")
        }
        let inputSlot = try c.allocate(.float, [1, width], input.name)
        try c.define(input.name, inputSlot)
        for node in graph.nodes { try c.compile(node) }
        c.fuseDenseLayers()

        var outs: [Info.Value] = []
        var label: Slot?
        var score: Slot?
        var classLabels: [Int64] = []
        for o in graph.outputs {
            guard let s = c.slots[o.name] else {
                throw InferenceError(.invalidModel, "graph output '\(o.name)' is never produced")
            }
            if let keys = c.zipMapKeys[o.name] {
                outs.append(.init(name: o.name, type: "seq(map(int64, float)) keys \(keys)"))
                classLabels = keys
                if score == nil { score = s }
            } else {
                outs.append(.init(name: o.name, type: "tensor(\(s.dtype))\(s.shape)"))
                if s.dtype == .int64, label == nil { label = s }
                if s.dtype == .float, score == nil { score = s }
            }
        }
        if classLabels.isEmpty {
            for instr in c.program {
                if case .treeClassifier(let k, _, _, _) = instr { classLabels = k.takeUnretainedValue().classLabels }
                if case .linearClassifier(let k, _, _, _) = instr { classLabels = k.takeUnretainedValue().labels }
            }
        }
        let opsets = proto.opsetImports.map { "\($0.domain.isEmpty ? "ai.onnx" : $0.domain) v\($0.version)" }
        let layouts = c.treeKernels.map { k in
            "\(k.treeCount) trees, max depth \(k.maxDepth), \(k.nodeCount) nodes, "
                + (k.usesFastPath
                    ? "perfect layout (level-major, branch-free integer compares, 8 trees at once)"
                    : "generic layout")
        }
        info = Info(
            inputs: [.init(name: input.name, type: "tensor(float)[N, \(width)]")], outputs: outs,
            operators: c.operators, nodeCount: graph.nodes.count, irVersion: proto.irVersion, opsets: opsets,
            producer: "\(proto.producerName) \(proto.producerVersion)", metadata: proto.metadataProps,
            schemaVersion: declaredVersion, inputWidth: width, classLabels: classLabels, treeLayouts: layouts)
        program = c.program
        floatTemplate = c.floats
        intTemplate = c.ints
        inputOffset = inputSlot.offset
        labelSlot = label
        scoreSlot = score
        scratchWidth = max(c.maxScratch, 1)
        keyScratchWidth = max(c.maxKeyScratch, 1)
        kernels = c.kernels
        code = .allocate(capacity: max(1, c.program.count))
        _ = code.initialize(from: c.program)
        labelOffset = label?.offset ?? -1
        if let s = score {
            decisionScoreOffset = label != nil ? s.offset + s.count - 1 : s.offset
        } else {
            decisionScoreOffset = -1
        }
    }

    deinit {
        code.deinitialize()
        code.deallocate()
    }

    /// Loads a model file (see `init(bytes:expectedSchemaVersion:)`).
    public convenience init(contentsOf url: URL, expectedSchemaVersion: Int? = FeatureSchema.version)
        throws(InferenceError)
    {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw InferenceError(.io, "cannot read \(url.path): \(error.localizedDescription)")
        }
        try self.init(bytes: data, expectedSchemaVersion: expectedSchemaVersion)
    }

    /// A new evaluator (allocates its arenas once).
    public func makeEvaluator() -> Evaluator { Evaluator(self) }
}

/// One decision: the label (classifiers) and the score the gate uses — the last class's probability for a
/// classifier (the positive class of a binary one), or the first value of a regressor.
public struct Decision: Sendable, Equatable {
    public var label: Int64
    public var score: Float
}

/// Per-thread evaluation state for one `InferenceModel`: the arenas, allocated once. `evaluate` does not allocate.
public final class Evaluator {
    public let model: InferenceModel
    let f: UnsafeMutablePointer<Float>
    let i: UnsafeMutablePointer<Int64>
    let has: UnsafeMutablePointer<Bool>
    let keys: UnsafeMutablePointer<Int32>
    let fCount: Int
    let iCount: Int
    /// Set when the last evaluation hit a data-dependent fault (an out-of-range ArrayFeatureExtractor index).
    public private(set) var faulted = false

    init(_ model: InferenceModel) {
        self.model = model
        fCount = max(1, model.floatTemplate.count)
        iCount = max(1, model.intTemplate.count)
        let fp = UnsafeMutablePointer<Float>.allocate(capacity: fCount)
        fp.initialize(repeating: 0, count: fCount)
        model.floatTemplate.withUnsafeBufferPointer { b in
            if let base = b.baseAddress { fp.update(from: base, count: b.count) }
        }
        let ip = UnsafeMutablePointer<Int64>.allocate(capacity: iCount)
        ip.initialize(repeating: 0, count: iCount)
        model.intTemplate.withUnsafeBufferPointer { b in
            if let base = b.baseAddress { ip.update(from: base, count: b.count) }
        }
        f = fp
        i = ip
        has = .allocate(capacity: model.scratchWidth)
        has.initialize(repeating: false, count: model.scratchWidth)
        keys = .allocate(capacity: model.keyScratchWidth)
        keys.initialize(repeating: 0, count: model.keyScratchWidth)
    }

    deinit {
        f.deallocate()
        i.deallocate()
        has.deallocate()
        keys.deallocate()
    }

    /// Evaluates one row. `features.count` must equal `model.inputWidth` (checked; a mismatch is a caller bug).
    @inline(__always)
    public func evaluate(_ features: UnsafeBufferPointer<Float>) -> Decision {
        precondition(features.count == model.inputWidth, "feature row width differs from the model's input width")
        Kernels.copy(features.baseAddress!, f + model.inputOffset, features.count)
        run()
        return currentDecision
    }

    /// Evaluates a schema feature vector.
    @inline(__always)
    public func evaluate(_ features: borrowing OpportunityFeatures) -> Decision {
        precondition(model.inputWidth == OpportunityFeatures.count, "model does not take the feature schema's width")
        features.copy(to: f + model.inputOffset)
        run()
        return currentDecision
    }

    var currentDecision: Decision {
        let lo = model.labelOffset
        let so = model.decisionScoreOffset
        return Decision(label: lo >= 0 ? i[lo] : 0, score: so >= 0 ? f[so] : 0)
    }

    /// The full score row of the last evaluation (probabilities per class, or regression values).
    public var scores: UnsafeBufferPointer<Float> {
        guard let s = model.scoreSlot else { return UnsafeBufferPointer(start: f, count: 0) }
        return UnsafeBufferPointer(start: f + s.offset, count: s.count)
    }

    /// The label of the last evaluation, when the model has an int64 output.
    public var label: Int64? { model.labelSlot.map { i[$0.offset] } }

    // MARK: The interpreter loop

    @inline(__always)
    func run() {
        faulted = false
        let f = self.f
        let i = self.i
        let prog = model.code
        for pc in 0..<prog.count {
            switch prog[pc] {
            case .treeClassifier(let k, let x, let label, let scores):
                let has = self.has
                let keys = self.keys
                k._withUnsafeGuaranteedRef {
                    $0.classify(f + x, label: i + label, scores: f + scores, has: has, keys: keys)
                }
            case .treeRegressor(let k, let x, let y):
                let has = self.has
                let keys = self.keys
                k._withUnsafeGuaranteedRef { $0.regress(f + x, f + y, has, keys) }
            case .linearClassifier(let k, let x, let label, let scores):
                k._withUnsafeGuaranteedRef { $0.classify(f + x, label: i + label, scores: f + scores) }
            case .linearRegressor(let k, let x, let y):
                k._withUnsafeGuaranteedRef { $0.regress(f + x, f + y) }
            case .scaler(let x, let y, let rows, let cols, let o, let oc, let s, let sc):
                Kernels.scaler(f + x, f + y, rows, cols, f + o, oc == 1 ? 0 : 1, f + s, sc == 1 ? 0 : 1)
            case .matmul(let a, let b, let y, let m, let k, let n):
                Kernels.matmul(f + a, f + b, f + y, m, k, n)
            case .dense(let p):
                Kernels.dense(f, p)
            case .gemm(let p):
                Kernels.gemm(f, p)
            case .binary(let op, let a, let b, let y, let plan):
                Kernels.binary(op, f + a, f + b, f + y, plan)
            case .binaryInt(let op, let a, let b, let y, let plan):
                Kernels.binaryInt(op, i + a, i + b, i + y, plan)
            case .unary(let op, let x, let y, let n):
                Kernels.unary(op, f + x, f + y, n)
            case .softmax(let x, let y, let rows, let cols):
                Kernels.softmax(f + x, f + y, rows, cols)
            case .copy(let t, let x, let y, let n):
                if t == .float { Kernels.copy(f + x, f + y, n) } else { Kernels.copy(i + x, i + y, n) }
            case .concatSegment(let t, let x, let y, let outer, let chunk, let yStride):
                for o in 0..<outer {
                    if t == .float {
                        Kernels.copy(f + x + o * chunk, f + y + o * yStride, chunk)
                    } else {
                        Kernels.copy(i + x + o * chunk, i + y + o * yStride, chunk)
                    }
                }
            case .argmax(let x, let y, let outer, let axisLen, let inner, let last):
                for o in 0..<outer {
                    for n in 0..<inner {
                        let base = f + x + o * axisLen * inner + n
                        var best = 0
                        var bestValue = base[0]
                        for a in 1..<max(axisLen, 1) {
                            // Selects, not a branch: which class wins is data, and a mispredicted branch costs
                            // more than the whole comparison.
                            let v = base[a * inner]
                            let take = last ? (v >= bestValue) : (v > bestValue)
                            best = take ? a : best
                            bestValue = take ? v : bestValue
                        }
                        i[y + o * inner + n] = Int64(best)
                    }
                }
            case .arrayFeatureExtractor(let t, let x, let ind, let y, let outer, let last, let count):
                for o in 0..<outer {
                    for c in 0..<count {
                        let k = i[ind + c]
                        let valid = k >= 0 && k < Int64(last)
                        if !valid { faulted = true }
                        let src = valid ? Int(k) : 0
                        if t == .float {
                            f[y + o * count + c] = valid ? f[x + o * last + src] : .nan
                        } else {
                            i[y + o * count + c] = valid ? i[x + o * last + src] : 0
                        }
                    }
                }
            case .castFloatToInt(let x, let y, let n):
                for k in 0..<n { i[y + k] = floatToInt64(f[x + k]) }
            case .castIntToFloat(let x, let y, let n):
                for k in 0..<n { f[y + k] = Float(i[x + k]) }
            case .wrapInt32(let x, let y, let n):
                for k in 0..<n { i[y + k] = Int64(Int32(truncatingIfNeeded: i[x + k])) }
            }
        }
    }
}

enum Kernels {
    /// Softmax over the last axis: max-subtracted exp, float accumulation.
    @inline(never)
    static func softmax(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ rows: Int, _ cols: Int) {
        for r in 0..<rows {
            let src = x + r * cols
            let dst = y + r * cols
            var vmax = -Float.infinity
            for c in 0..<cols where src[c] > vmax { vmax = src[c] }
            var sum: Float = 0
            for c in 0..<cols {
                dst[c] = Foundation.exp(src[c] - vmax)
                sum += dst[c]
            }
            for c in 0..<cols { dst[c] /= sum }
        }
    }

    /// Scaler: y = (x − offset) · scale per column; the offset/scale strides are 1 (per column) or 0 (one value).
    @inline(__always)
    static func scaler(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ rows: Int, _ cols: Int,
        _ offset: UnsafePointer<Float>, _ os: Int, _ scale: UnsafePointer<Float>, _ ss: Int
    ) {
        for r in 0..<rows {
            let xr = x + r &* cols
            let yr = y + r &* cols
            for c in 0..<cols { yr[c] = (xr[c] - offset[c &* os]) * scale[c &* ss] }
        }
    }

    /// Element copy for the short runs the programs move (a call to memmove costs more than the copy).
    @inline(__always)
    static func copy<T>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int) {
        if n > 64 {
            y.update(from: x, count: n)
            return
        }
        for e in 0..<n { y[e] = x[e] }
    }

    /// y[m, n] = a[m, k] · b[k, n]. Per output element: a sequential sum over k of separate multiply and add (the
    /// order of the scalar definition; no fused multiply-add), computed for 8 columns at a time in SIMD registers.
    /// Column blocks of 32, 16 and 8 keep four, two or one independent accumulation chains in flight.
    @inline(__always)
    static func matmul(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ m: Int, _ k: Int,
        _ n: Int
    ) {
        for r in 0..<m {
            let ar = a + r &* k
            let yr = UnsafeMutableRawPointer(y + r &* n)
            var c = 0
            while c &+ 32 <= n {
                var acc0 = SIMD8<Float>()
                var acc1 = SIMD8<Float>()
                var acc2 = SIMD8<Float>()
                var acc3 = SIMD8<Float>()
                for kk in 0..<k {
                    let av = SIMD8(repeating: ar[kk])
                    let row = UnsafeRawPointer(b + (kk &* n &+ c))
                    acc0 = acc0 + av * row.loadUnaligned(as: SIMD8<Float>.self)
                    acc1 = acc1 + av * row.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                    acc2 = acc2 + av * row.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
                    acc3 = acc3 + av * row.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)
                }
                yr.storeBytes(of: acc0, toByteOffset: c &* 4, as: SIMD8<Float>.self)
                yr.storeBytes(of: acc1, toByteOffset: c &* 4 &+ 32, as: SIMD8<Float>.self)
                yr.storeBytes(of: acc2, toByteOffset: c &* 4 &+ 64, as: SIMD8<Float>.self)
                yr.storeBytes(of: acc3, toByteOffset: c &* 4 &+ 96, as: SIMD8<Float>.self)
                c &+= 32
            }
            if c &+ 16 <= n {
                var acc0 = SIMD8<Float>()
                var acc1 = SIMD8<Float>()
                for kk in 0..<k {
                    let av = SIMD8(repeating: ar[kk])
                    let row = UnsafeRawPointer(b + (kk &* n &+ c))
                    acc0 = acc0 + av * row.loadUnaligned(as: SIMD8<Float>.self)
                    acc1 = acc1 + av * row.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                }
                yr.storeBytes(of: acc0, toByteOffset: c &* 4, as: SIMD8<Float>.self)
                yr.storeBytes(of: acc1, toByteOffset: c &* 4 &+ 32, as: SIMD8<Float>.self)
                c &+= 16
            }
            if c &+ 8 <= n {
                var acc = SIMD8<Float>()
                for kk in 0..<k {
                    let bv = UnsafeRawPointer(b + (kk &* n &+ c)).loadUnaligned(as: SIMD8<Float>.self)
                    acc = acc + SIMD8(repeating: ar[kk]) * bv
                }
                yr.storeBytes(of: acc, toByteOffset: c &* 4, as: SIMD8<Float>.self)
                c &+= 8
            }
            let ys = y + r &* n
            while c < n {
                var s: Float = 0
                for kk in 0..<k { s = s + ar[kk] * b[kk &* n &+ c] }
                ys[c] = s
                c &+= 1
            }
        }
    }

    /// A fused dense layer (see `DensePlan`) for one row: the MatMul's column blocks, each finished in registers
    /// — stored as the MatMul output, plus the bias in the Add's operand order, then Relu as `Kernels.unary`
    /// computes it (`x < 0 ? 0 : x`: NaN and −0 kept); Sigmoid and Tanh run `Kernels.unary` on the row after.
    /// The bias is loaded after the MatMul output is stored, so the result is the unfused one even if the two
    /// alias.
    @inline(__always)
    static func dense(_ f: UnsafeMutablePointer<Float>, _ p: DensePlan) {
        guard p.m == 1 else {
            denseRows(f, p)
            return
        }
        let a = UnsafePointer(f + p.a)
        let b = UnsafePointer(f + p.b)
        let k = p.k
        let n = p.n
        let y = UnsafeMutableRawPointer(f + p.y)
        let y2 = UnsafeMutableRawPointer(f + p.y2)
        let y3 = UnsafeMutableRawPointer(f + max(p.activation, 0))
        let relu = p.activation >= 0 && p.activationOp == .relu
        let bias = UnsafeRawPointer(f + p.bias)
        let perColumn = p.biasStride == 1
        let biasFirst = p.biasFirst
        @inline(__always) func finish(_ acc: SIMD8<Float>, _ c: Int) {
            let o = c &* 4
            y.storeBytes(of: acc, toByteOffset: o, as: SIMD8<Float>.self)
            let bv =
                perColumn
                ? bias.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                : SIMD8(repeating: bias.load(as: Float.self))
            let h = biasFirst ? bv + acc : acc + bv
            y2.storeBytes(of: h, toByteOffset: o, as: SIMD8<Float>.self)
            if relu { y3.storeBytes(of: h.replacing(with: 0, where: h .< 0), toByteOffset: o, as: SIMD8<Float>.self) }
        }
        var c = 0
        while c &+ 32 <= n {
            var acc0 = SIMD8<Float>()
            var acc1 = SIMD8<Float>()
            var acc2 = SIMD8<Float>()
            var acc3 = SIMD8<Float>()
            for kk in 0..<k {
                let av = SIMD8(repeating: a[kk])
                let row = UnsafeRawPointer(b + (kk &* n &+ c))
                acc0 = acc0 + av * row.loadUnaligned(as: SIMD8<Float>.self)
                acc1 = acc1 + av * row.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                acc2 = acc2 + av * row.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
                acc3 = acc3 + av * row.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)
            }
            finish(acc0, c)
            finish(acc1, c &+ 8)
            finish(acc2, c &+ 16)
            finish(acc3, c &+ 24)
            c &+= 32
        }
        if c &+ 16 <= n {
            var acc0 = SIMD8<Float>()
            var acc1 = SIMD8<Float>()
            for kk in 0..<k {
                let av = SIMD8(repeating: a[kk])
                let row = UnsafeRawPointer(b + (kk &* n &+ c))
                acc0 = acc0 + av * row.loadUnaligned(as: SIMD8<Float>.self)
                acc1 = acc1 + av * row.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
            }
            finish(acc0, c)
            finish(acc1, c &+ 8)
            c &+= 16
        }
        if c &+ 8 <= n {
            var acc = SIMD8<Float>()
            for kk in 0..<k {
                acc =
                    acc + SIMD8(repeating: a[kk])
                    * UnsafeRawPointer(b + (kk &* n &+ c)).loadUnaligned(as: SIMD8<Float>.self)
            }
            finish(acc, c)
            c &+= 8
        }
        while c < n {
            var s: Float = 0
            for kk in 0..<k { s = s + a[kk] * b[kk &* n &+ c] }
            let o = c &* 4
            y.storeBytes(of: s, toByteOffset: o, as: Float.self)
            let bv = bias.load(fromByteOffset: perColumn ? o : 0, as: Float.self)
            let h = biasFirst ? bv + s : s + bv
            y2.storeBytes(of: h, toByteOffset: o, as: Float.self)
            if relu { y3.storeBytes(of: h < 0 ? 0 : h, toByteOffset: o, as: Float.self) }
            c &+= 1
        }
        if p.activation >= 0, !relu { unary(p.activationOp, f + p.y2, f + p.activation, n) }
    }

    /// `dense` for m > 1 rows (not reached with the batch fixed to 1; kept general): MatMul, then the epilogue.
    static func denseRows(_ f: UnsafeMutablePointer<Float>, _ p: DensePlan) {
        matmul(f + p.a, f + p.b, f + p.y, p.m, p.k, p.n)
        let y = f + p.y
        let y2 = f + p.y2
        let bias = f + p.bias
        for r in 0..<p.m {
            for c in 0..<p.n {
                let e = r * p.n + c
                let bv = bias[p.biasStride == 1 ? c : 0]
                y2[e] = p.biasFirst ? bv + y[e] : y[e] + bv
            }
        }
        if p.activation >= 0 { unary(p.activationOp, y2, f + p.activation, p.m * p.n) }
    }

    /// Out of line, like the other kernels the common models do not use: the interpreter loop stays small.
    @inline(never)
    static func gemm(_ f: UnsafeMutablePointer<Float>, _ p: GemmPlan) {
        let a = f + p.a
        let b = f + p.b
        let y = f + p.y
        for r in 0..<p.m {
            for c in 0..<p.n {
                var s: Float = 0
                for kk in 0..<p.k {
                    let av = p.transA ? a[kk * p.m + r] : a[r * p.k + kk]
                    let bv = p.transB ? b[c * p.k + kk] : b[kk * p.n + c]
                    s += av * bv
                }
                var v = p.alpha * s
                if let co = p.c { v += p.beta * f[co + r * p.cRowStride + c * p.cColStride] }
                y[r * p.n + c] = v
            }
        }
    }

    @inline(__always)
    static func binary(
        _ op: BinaryOp, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
        _ p: BroadcastPlan
    ) {
        // Fast path: one axis of work (everything else 1), each operand contiguous or a broadcast scalar.
        if p.dims.0 == 1, p.dims.1 == 1, p.dims.2 == 1 {
            let n = p.dims.3
            let sa = p.aStrides.3
            let sb = p.bStrides.3
            switch op {
            case .add: for k in 0..<n { y[k] = a[k * sa] + b[k * sb] }
            case .sub: for k in 0..<n { y[k] = a[k * sa] - b[k * sb] }
            case .mul: for k in 0..<n { y[k] = a[k * sa] * b[k * sb] }
            case .div: for k in 0..<n { y[k] = a[k * sa] / b[k * sb] }
            }
            return
        }
        binaryBroadcast(op, a, b, y, p)
    }

    /// The general rank-4 broadcast of `binary`.
    @inline(never)
    static func binaryBroadcast(
        _ op: BinaryOp, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
        _ p: BroadcastPlan
    ) {
        var o = 0
        for d0 in 0..<p.dims.0 {
            for d1 in 0..<p.dims.1 {
                for d2 in 0..<p.dims.2 {
                    for d3 in 0..<p.dims.3 {
                        let ai = d0 * p.aStrides.0 + d1 * p.aStrides.1 + d2 * p.aStrides.2 + d3 * p.aStrides.3
                        let bi = d0 * p.bStrides.0 + d1 * p.bStrides.1 + d2 * p.bStrides.2 + d3 * p.bStrides.3
                        let av = a[ai]
                        let bv = b[bi]
                        switch op {
                        case .add: y[o] = av + bv
                        case .sub: y[o] = av - bv
                        case .mul: y[o] = av * bv
                        case .div: y[o] = av / bv
                        }
                        o += 1
                    }
                }
            }
        }
    }

    @inline(never)
    static func binaryInt(
        _ op: BinaryOp, _ a: UnsafePointer<Int64>, _ b: UnsafePointer<Int64>, _ y: UnsafeMutablePointer<Int64>,
        _ p: BroadcastPlan
    ) {
        var o = 0
        for d0 in 0..<p.dims.0 {
            for d1 in 0..<p.dims.1 {
                for d2 in 0..<p.dims.2 {
                    for d3 in 0..<p.dims.3 {
                        let av = a[d0 * p.aStrides.0 + d1 * p.aStrides.1 + d2 * p.aStrides.2 + d3 * p.aStrides.3]
                        let bv = b[d0 * p.bStrides.0 + d1 * p.bStrides.1 + d2 * p.bStrides.2 + d3 * p.bStrides.3]
                        switch op {
                        case .add: y[o] = av &+ bv
                        case .sub: y[o] = av &- bv
                        case .mul: y[o] = av &* bv
                        case .div: y[o] = (bv == 0 || (av == .min && bv == -1)) ? 0 : av / bv
                        }
                        o += 1
                    }
                }
            }
        }
    }

    @inline(__always)
    static func unary(_ op: UnaryOp, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        switch op {
        case .relu: for k in 0..<n { y[k] = x[k] < 0 ? 0 : x[k] }  // NaN propagates, as in onnxruntime
        case .sigmoid: for k in 0..<n { y[k] = mlLogistic(x[k]) }
        case .tanh: for k in 0..<n { y[k] = Foundation.tanh(x[k]) }
        }
    }
}
