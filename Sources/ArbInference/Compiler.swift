/// Compiles a decoded ONNX graph into a flat `Instr` program over two arenas (float and int64), with the batch
/// dimension fixed to 1 (one decision per call). Every shape is resolved here, so evaluation does no shape logic
/// and no allocation. Anything not implemented is refused here, by name.
struct Compiler {
    var floats: [Float] = []
    var ints: [Int64] = []
    var slots: [String: Slot] = [:]
    var program: [Instr] = []
    var operators: [String] = []
    /// ZipMap outputs: value name → integer keys.
    var zipMapKeys: [String: [Int64]] = [:]
    var treeKernels: [TreeEnsembleKernel] = []
    /// Strong references to every kernel the program points at (the instructions hold them unowned).
    var kernels: [any AnyObject & Sendable] = []
    var maxScratch = 0
    /// Int32 scratch the tree kernels need (the row's feature keys).
    var maxKeyScratch = 0

    static let maxArenaElements = 1 << 24

    mutating func allocate(_ dtype: DType, _ shape: [Int], _ name: String) throws(InferenceError) -> Slot {
        let count = shape.reduce(1) { $0 &* max($1, 0) }
        guard shape.allSatisfy({ $0 >= 0 }), count <= Self.maxArenaElements,
            floats.count + ints.count + count <= Self.maxArenaElements
        else {
            throw InferenceError(.unsupportedTensor, "value '\(name)' with shape \(shape) is too large")
        }
        let slot: Slot
        if dtype == .float {
            slot = Slot(dtype: .float, offset: floats.count, shape: shape)
            floats.append(contentsOf: repeatElement(0, count: count))
        } else {
            slot = Slot(dtype: .int64, offset: ints.count, shape: shape)
            ints.append(contentsOf: repeatElement(0, count: count))
        }
        return slot
    }

    mutating func define(_ name: String, _ slot: Slot) throws(InferenceError) {
        guard !name.isEmpty else { return }
        guard slots[name] == nil else { throw InferenceError(.invalidModel, "value '\(name)' is defined twice") }
        slots[name] = slot
    }

    func slot(_ name: String, _ op: String) throws(InferenceError) -> Slot {
        guard let s = slots[name] else {
            throw InferenceError(.invalidModel, "\(op): input '\(name)' is not defined before use")
        }
        return s
    }

    // MARK: Initializers

    mutating func addInitializer(_ t: ONNXTensorProto) throws(InferenceError) {
        let ctx = "initializer '\(t.name)'"
        guard !t.hasExternalData else { throw InferenceError(.unsupportedTensor, "\(ctx) uses external data") }
        guard !t.hasSegment else { throw InferenceError(.unsupportedTensor, "\(ctx) is segmented") }
        // int32 initializers (skl2onnx's MLP `classes`) are widened into the int64 arena; every int32 value is exact.
        let isInt32 = t.dataType == ONNXTensorProto.DataType.int32.rawValue
        let dtype = isInt32 ? DType.int64 : try DType(onnx: t.dataType, context: ctx)
        var shape: [Int] = []
        for d in t.dims {
            guard d >= 0, d <= Int64(Self.maxArenaElements) else {
                throw InferenceError(.invalidModel, "\(ctx) has dimension \(d)")
            }
            shape.append(Int(d))
        }
        let count = shape.reduce(1) { $0 &* $1 }
        guard count <= Self.maxArenaElements else { throw InferenceError(.unsupportedTensor, "\(ctx) is too large") }
        let s = try allocate(dtype, shape, t.name)
        switch dtype {
        case .float:
            var values: [Float]
            if let raw = t.rawData {
                guard raw.count == count * 4 else {
                    throw InferenceError(.invalidModel, "\(ctx) raw_data has \(raw.count) bytes, expected \(count * 4)")
                }
                values = []
                values.reserveCapacity(count)
                for i in 0..<count {
                    var bits: UInt32 = 0
                    for b in 0..<4 { bits |= UInt32(raw[i * 4 + b]) << (8 * UInt32(b)) }
                    values.append(Float(bitPattern: bits))
                }
            } else {
                values = t.floatData
            }
            guard values.count == count else {
                throw InferenceError(.invalidModel, "\(ctx) has \(values.count) floats, shape \(shape) needs \(count)")
            }
            for i in 0..<count { floats[s.offset + i] = values[i] }
        case .int64:
            var values: [Int64]
            if let raw = t.rawData, isInt32 {
                guard raw.count == count * 4 else {
                    throw InferenceError(.invalidModel, "\(ctx) raw_data has \(raw.count) bytes, expected \(count * 4)")
                }
                values = []
                values.reserveCapacity(count)
                for i in 0..<count {
                    var bits: UInt32 = 0
                    for b in 0..<4 { bits |= UInt32(raw[i * 4 + b]) << (8 * UInt32(b)) }
                    values.append(Int64(Int32(bitPattern: bits)))
                }
            } else if let raw = t.rawData {
                guard raw.count == count * 8 else {
                    throw InferenceError(.invalidModel, "\(ctx) raw_data has \(raw.count) bytes, expected \(count * 8)")
                }
                values = []
                values.reserveCapacity(count)
                for i in 0..<count {
                    var bits: UInt64 = 0
                    for b in 0..<8 { bits |= UInt64(raw[i * 8 + b]) << (8 * UInt64(b)) }
                    values.append(Int64(bitPattern: bits))
                }
            } else if isInt32 {
                values = t.int32Data.map { Int64($0) }
            } else {
                values = t.int64Data
            }
            guard values.count == count else {
                throw InferenceError(.invalidModel, "\(ctx) has \(values.count) int64s, shape \(shape) needs \(count)")
            }
            for i in 0..<count { ints[s.offset + i] = values[i] }
        }
        try define(t.name, s)
        constants.insert(t.name)
    }

    var constants = Set<String>()

    func constantInts(_ name: String, _ op: String) throws(InferenceError) -> [Int64] {
        guard constants.contains(name), let s = slots[name], s.dtype == .int64 else {
            throw InferenceError(.unsupportedTensor, "\(op): input '\(name)' must be a constant int64 initializer")
        }
        return Array(ints[s.offset..<(s.offset + s.count)])
    }

    // MARK: Nodes

    mutating func compile(_ node: ONNXNodeProto) throws(InferenceError) {
        let op = node.qualifiedOpType
        let isML = node.domain == "ai.onnx.ml"
        let isStd = node.domain.isEmpty || node.domain == "ai.onnx"
        guard isML || isStd else {
            throw InferenceError(.unsupportedOperator, "operator \(op) (domain '\(node.domain)')")
        }
        let a = Attributes(node)
        func inputs(_ range: ClosedRange<Int>) throws(InferenceError) {
            guard range.contains(node.inputs.count) else {
                throw InferenceError(.invalidModel, "\(op) has \(node.inputs.count) inputs, expected \(range)")
            }
        }
        func outputs(_ range: ClosedRange<Int>) throws(InferenceError) {
            guard range.contains(node.outputs.count) else {
                throw InferenceError(.invalidModel, "\(op) has \(node.outputs.count) outputs, expected \(range)")
            }
        }
        if !operators.contains(op) { operators.append(op) }

        switch (isML, node.opType) {
        case (true, "Scaler"):
            try a.allow(["offset", "scale"])
            try inputs(1...1)
            try outputs(1...1)
            let x = try floatInput(node.inputs[0], op)
            let cols = x.shape.last ?? 1
            let offset = try a.floats("offset") ?? [0]
            let scale = try a.floats("scale") ?? [1]
            guard offset.count == 1 || offset.count == cols, scale.count == 1 || scale.count == cols else {
                throw InferenceError(.invalidModel, "\(op): offset/scale length must be 1 or \(cols)")
            }
            let oSlot = try constFloats(offset, "\(node.name).offset")
            let sSlot = try constFloats(scale, "\(node.name).scale")
            let y = try allocate(.float, x.shape, node.outputs[0])
            program.append(
                .scaler(
                    x: x.offset, y: y.offset, rows: x.count / max(cols, 1), cols: cols, offset: oSlot,
                    offsetCount: offset.count, scale: sSlot, scaleCount: scale.count))
            try define(node.outputs[0], y)

        case (true, "LinearClassifier"), (true, "LinearRegressor"):
            let classifier = node.opType == "LinearClassifier"
            if classifier {
                try a.allow(["coefficients", "intercepts", "classlabels_ints", "multi_class", "post_transform"])
                try outputs(2...2)
            } else {
                try a.allow(["coefficients", "intercepts", "targets", "post_transform"])
                try outputs(1...1)
            }
            try inputs(1...1)
            let x = try floatRow(node.inputs[0], op)
            guard let coef = try a.floats("coefficients") else {
                throw InferenceError(.invalidModel, "\(op): missing coefficients")
            }
            let post = try a.postTransform()
            let features = x.count
            let intercepts: [Float]
            let targets: Int
            var labels: [Int64] = []
            if classifier {
                intercepts = try a.floats("intercepts") ?? []
                targets = intercepts.count
                labels = try a.ints("classlabels_ints") ?? []
                guard !labels.isEmpty else {
                    throw InferenceError(
                        .unsupportedAttribute, "\(op): needs classlabels_ints (string labels unsupported)")
                }
                guard targets == 1 || targets == labels.count else {
                    throw InferenceError(.invalidModel, "\(op): \(targets) intercepts for \(labels.count) labels")
                }
            } else {
                targets = Int(try a.int("targets") ?? 1)
                guard targets >= 1, targets <= 1024 else {
                    throw InferenceError(.invalidModel, "\(op): targets \(targets)")
                }
                intercepts = try a.floats("intercepts") ?? Array(repeating: 0, count: targets)
                guard post == .none else {
                    throw InferenceError(.unsupportedAttribute, "\(op): post_transform \(post.rawValue)")
                }
            }
            guard targets >= 1, intercepts.count == targets, coef.count == targets * features else {
                throw InferenceError(
                    .invalidModel, "\(op): \(coef.count) coefficients for \(targets) targets × \(features) features")
            }
            let kernel = LinearKernel(
                features: features, targets: targets, weights: coef, intercepts: intercepts, labels: labels, post: post)
            if classifier {
                let label = try allocate(.int64, [1], node.outputs[0])
                let scores = try allocate(.float, [1, max(kernel.scoreWidth, targets)], node.outputs[1])
                kernels.append(kernel)
                program.append(
                    .linearClassifier(.passUnretained(kernel), x: x.offset, label: label.offset, scores: scores.offset))
                try define(node.outputs[0], label)
                try define(node.outputs[1], Slot(dtype: .float, offset: scores.offset, shape: [1, kernel.scoreWidth]))
            } else {
                let y = try allocate(.float, [1, targets], node.outputs[0])
                kernels.append(kernel)
                program.append(.linearRegressor(.passUnretained(kernel), x: x.offset, y: y.offset))
                try define(node.outputs[0], y)
            }

        case (true, "TreeEnsembleClassifier"), (true, "TreeEnsembleRegressor"):
            try compileTrees(node, a, classifier: node.opType == "TreeEnsembleClassifier")

        case (true, "ZipMap"):
            try a.allow(["classlabels_int64s", "classlabels_strings"])
            try inputs(1...1)
            try outputs(1...1)
            guard let keys = try a.ints("classlabels_int64s") else {
                throw InferenceError(.unsupportedAttribute, "\(op): classlabels_strings (string keys unsupported)")
            }
            let x = try floatInput(node.inputs[0], op)
            guard x.count == keys.count else {
                throw InferenceError(.invalidModel, "\(op): \(keys.count) keys for \(x.count) probabilities")
            }
            // Kept as the probability row; the keys are reported with it.
            try define(node.outputs[0], x)
            zipMapKeys[node.outputs[0]] = keys

        case (true, "ArrayFeatureExtractor"):
            try a.allow([])
            try inputs(2...2)
            try outputs(1...1)
            let x = try slot(node.inputs[0], op)
            let idx = try slot(node.inputs[1], op)
            guard idx.dtype == .int64 else { throw InferenceError(.invalidModel, "\(op): indices must be int64") }
            let last = x.shape.last ?? 1
            let outer = x.count / max(last, 1)
            let outShape = x.shape.count <= 1 ? [1, idx.count] : Array(x.shape.dropLast()) + [idx.count]
            let y = try allocate(x.dtype, outShape, node.outputs[0])
            program.append(
                .arrayFeatureExtractor(
                    x.dtype, x: x.offset, indices: idx.offset, y: y.offset, outer: outer, last: last, count: idx.count))
            try define(node.outputs[0], y)

        case (false, "Cast"):
            try a.allow(["to", "saturate"])
            try inputs(1...1)
            try outputs(1...1)
            let x = try slot(node.inputs[0], op)
            guard let to = try a.int("to") else { throw InferenceError(.invalidModel, "\(op): missing 'to'") }
            if to == Int64(ONNXTensorProto.DataType.int32.rawValue), x.dtype == .int64 {
                // Integers stay in the int64 arena; wrap to 32 bits as a C++ static_cast<int32_t> does.
                let y = try allocate(.int64, x.shape, node.outputs[0])
                program.append(.wrapInt32(x: x.offset, y: y.offset, n: x.count))
                try define(node.outputs[0], y)
                return
            }
            let target: DType
            do { target = try DType(onnx: Int32(truncatingIfNeeded: to), context: "\(op) to") } catch {
                throw InferenceError(
                    .unsupportedAttribute, "\(op): attribute to=\(to) (only float=1, int64=7, and int→int32=6)")
            }
            if target == x.dtype {
                try define(node.outputs[0], x)
            } else {
                let y = try allocate(target, x.shape, node.outputs[0])
                program.append(
                    target == .int64
                        ? .castFloatToInt(x: x.offset, y: y.offset, n: x.count)
                        : .castIntToFloat(x: x.offset, y: y.offset, n: x.count))
                try define(node.outputs[0], y)
            }

        case (false, "Identity"):
            try a.allow([])
            try inputs(1...1)
            try outputs(1...1)
            try define(node.outputs[0], try slot(node.inputs[0], op))

        case (false, "Reshape"):
            try a.allow(["allowzero"])
            try inputs(2...2)
            try outputs(1...1)
            let x = try slot(node.inputs[0], op)
            let spec = try constantInts(node.inputs[1], op)
            let allowZero = (try a.int("allowzero") ?? 0) != 0
            var shape: [Int] = []
            var inferAt: Int?
            for (i, d) in spec.enumerated() {
                if d == -1 {
                    guard inferAt == nil else { throw InferenceError(.invalidModel, "\(op): two -1 dimensions") }
                    inferAt = i
                    shape.append(1)
                } else if d == 0 && !allowZero {
                    guard i < x.shape.count else { throw InferenceError(.invalidModel, "\(op): 0 past input rank") }
                    shape.append(x.shape[i])
                } else {
                    guard d >= 0, d <= Int64(Self.maxArenaElements) else {
                        throw InferenceError(.invalidModel, "\(op): dimension \(d)")
                    }
                    shape.append(Int(d))
                }
            }
            if let at = inferAt {
                let known = shape.reduce(1, *)
                guard known > 0, x.count % known == 0 else {
                    throw InferenceError(.invalidModel, "\(op): cannot infer -1")
                }
                shape[at] = x.count / known
            }
            guard shape.reduce(1, *) == x.count else {
                throw InferenceError(.invalidModel, "\(op): shape \(shape) for \(x.count) elements")
            }
            try define(node.outputs[0], Slot(dtype: x.dtype, offset: x.offset, shape: shape))

        case (false, "MatMul"):
            try a.allow([])
            try inputs(2...2)
            try outputs(1...1)
            let x = try floatInput(node.inputs[0], op)
            let w = try floatInput(node.inputs[1], op)
            guard x.shape.count == 2, w.shape.count == 2, x.shape[1] == w.shape[0] else {
                throw InferenceError(.unsupportedTensor, "\(op): shapes \(x.shape) × \(w.shape) (2-D only)")
            }
            let y = try allocate(.float, [x.shape[0], w.shape[1]], node.outputs[0])
            program.append(.matmul(a: x.offset, b: w.offset, y: y.offset, m: x.shape[0], k: x.shape[1], n: w.shape[1]))
            try define(node.outputs[0], y)

        case (false, "Gemm"):
            try a.allow(["alpha", "beta", "transA", "transB"])
            try inputs(2...3)
            try outputs(1...1)
            let x = try floatInput(node.inputs[0], op)
            let w = try floatInput(node.inputs[1], op)
            guard x.shape.count == 2, w.shape.count == 2 else {
                throw InferenceError(.unsupportedTensor, "\(op): inputs must be 2-D")
            }
            let transA = (try a.int("transA") ?? 0) != 0
            let transB = (try a.int("transB") ?? 0) != 0
            let m = transA ? x.shape[1] : x.shape[0]
            let k = transA ? x.shape[0] : x.shape[1]
            let k2 = transB ? w.shape[1] : w.shape[0]
            let n = transB ? w.shape[0] : w.shape[1]
            guard k == k2 else { throw InferenceError(.invalidModel, "\(op): inner dimensions \(k) and \(k2)") }
            var plan = GemmPlan(
                a: x.offset, b: w.offset, c: nil, y: 0, m: m, k: k, n: n, transA: transA, transB: transB,
                alpha: try a.float("alpha") ?? 1, beta: try a.float("beta") ?? 1, cRowStride: 0, cColStride: 0)
            if node.inputs.count == 3, !node.inputs[2].isEmpty {
                let c = try floatInput(node.inputs[2], op)
                let cs = c.shape
                let dims = Array(repeating: 1, count: max(0, 2 - cs.count)) + cs
                guard dims.count == 2, dims[0] == 1 || dims[0] == m, dims[1] == 1 || dims[1] == n else {
                    throw InferenceError(.invalidModel, "\(op): C shape \(cs) does not broadcast to [\(m), \(n)]")
                }
                plan.c = c.offset
                plan.cRowStride = dims[0] == 1 ? 0 : dims[1]
                plan.cColStride = dims[1] == 1 ? 0 : 1
            }
            let y = try allocate(.float, [m, n], node.outputs[0])
            plan.y = y.offset
            program.append(.gemm(plan))
            try define(node.outputs[0], y)

        case (false, "Add"), (false, "Sub"), (false, "Mul"), (false, "Div"):
            try a.allow([])
            try inputs(2...2)
            try outputs(1...1)
            let x = try slot(node.inputs[0], op)
            let z = try slot(node.inputs[1], op)
            guard x.dtype == z.dtype else { throw InferenceError(.invalidModel, "\(op): mixed element types") }
            let bop: BinaryOp =
                switch node.opType {
                case "Add": .add
                case "Sub": .sub
                case "Mul": .mul
                default: .div
                }
            let (shape, plan) = try broadcast(x.shape, z.shape, op)
            let y = try allocate(x.dtype, shape, node.outputs[0])
            program.append(
                x.dtype == .float
                    ? .binary(bop, a: x.offset, b: z.offset, y: y.offset, plan: plan)
                    : .binaryInt(bop, a: x.offset, b: z.offset, y: y.offset, plan: plan))
            try define(node.outputs[0], y)

        case (false, "Relu"), (false, "Sigmoid"), (false, "Tanh"):
            try a.allow([])
            try inputs(1...1)
            try outputs(1...1)
            let x = try floatInput(node.inputs[0], op)
            let uop: UnaryOp = node.opType == "Relu" ? .relu : node.opType == "Sigmoid" ? .sigmoid : .tanh
            let y = try allocate(.float, x.shape, node.outputs[0])
            program.append(.unary(uop, x: x.offset, y: y.offset, n: x.count))
            try define(node.outputs[0], y)

        case (false, "Softmax"):
            try a.allow(["axis"])
            try inputs(1...1)
            try outputs(1...1)
            let x = try floatInput(node.inputs[0], op)
            let rank = x.shape.count
            let axis = try a.int("axis") ?? -1
            let normalized = axis < 0 ? Int(axis) + rank : Int(axis)
            guard rank >= 1, normalized == rank - 1 else {
                throw InferenceError(.unsupportedAttribute, "\(op): axis=\(axis) (only the last axis)")
            }
            let cols = x.shape[rank - 1]
            let y = try allocate(.float, x.shape, node.outputs[0])
            program.append(.softmax(x: x.offset, y: y.offset, rows: x.count / max(cols, 1), cols: cols))
            try define(node.outputs[0], y)

        case (false, "Concat"):
            try a.allow(["axis"])
            guard !node.inputs.isEmpty else { throw InferenceError(.invalidModel, "\(op) has no inputs") }
            try outputs(1...1)
            var parts: [Slot] = []
            for name in node.inputs { parts.append(try slot(name, op)) }
            let rank = parts[0].shape.count
            guard let axisAttr = try a.int("axis") else { throw InferenceError(.invalidModel, "\(op): missing axis") }
            let axis = axisAttr < 0 ? Int(axisAttr) + rank : Int(axisAttr)
            guard rank >= 1, axis >= 0, axis < rank else {
                throw InferenceError(.invalidModel, "\(op): axis \(axisAttr)")
            }
            var total = 0
            for p in parts {
                guard p.dtype == parts[0].dtype, p.shape.count == rank else {
                    throw InferenceError(.invalidModel, "\(op): inputs differ in type or rank")
                }
                for d in 0..<rank where d != axis && p.shape[d] != parts[0].shape[d] {
                    throw InferenceError(.invalidModel, "\(op): shapes \(p.shape) and \(parts[0].shape)")
                }
                total += p.shape[axis]
            }
            var shape = parts[0].shape
            shape[axis] = total
            let y = try allocate(parts[0].dtype, shape, node.outputs[0])
            let outer = shape[..<axis].reduce(1, *)
            let inner = shape[(axis + 1)...].reduce(1, *)
            var at = 0
            for p in parts {
                let chunk = p.shape[axis] * inner
                program.append(
                    .concatSegment(
                        p.dtype, x: p.offset, y: y.offset + at, outer: outer, chunk: chunk, yStride: total * inner))
                at += chunk
            }
            try define(node.outputs[0], y)

        case (false, "ArgMax"):
            try a.allow(["axis", "keepdims", "select_last_index"])
            try inputs(1...1)
            try outputs(1...1)
            let x = try floatInput(node.inputs[0], op)
            let rank = x.shape.count
            let axisAttr = try a.int("axis") ?? 0
            let axis = axisAttr < 0 ? Int(axisAttr) + rank : Int(axisAttr)
            guard rank >= 1, axis >= 0, axis < rank, x.shape[axis] >= 1 else {
                throw InferenceError(.invalidModel, "\(op): axis \(axisAttr) for shape \(x.shape)")
            }
            let keep = (try a.int("keepdims") ?? 1) != 0
            var shape = x.shape
            if keep { shape[axis] = 1 } else { shape.remove(at: axis) }
            let y = try allocate(.int64, shape, node.outputs[0])
            program.append(
                .argmax(
                    x: x.offset, y: y.offset, outer: x.shape[..<axis].reduce(1, *), axisLen: x.shape[axis],
                    inner: x.shape[(axis + 1)...].reduce(1, *), last: (try a.int("select_last_index") ?? 0) != 0))
            try define(node.outputs[0], y)

        default:
            throw InferenceError(.unsupportedOperator, "operator \(op)")
        }
    }

    func floatInput(_ name: String, _ op: String) throws(InferenceError) -> Slot {
        let s = try slot(name, op)
        guard s.dtype == .float else {
            throw InferenceError(.unsupportedTensor, "\(op): input '\(name)' must be float")
        }
        return s
    }

    /// A float input that is a single row ([C] or [1, C]).
    func floatRow(_ name: String, _ op: String) throws(InferenceError) -> Slot {
        let s = try floatInput(name, op)
        guard s.shape.count <= 1 || (s.shape.count == 2 && s.shape[0] == 1) else {
            throw InferenceError(.unsupportedTensor, "\(op): input shape \(s.shape) (expected one row)")
        }
        return s
    }

    mutating func constFloats(_ values: [Float], _ name: String) throws(InferenceError) -> Int {
        let s = try allocate(.float, [values.count], name)
        for (i, v) in values.enumerated() { floats[s.offset + i] = v }
        return s.offset
    }

    func broadcast(_ a: [Int], _ b: [Int], _ op: String) throws(InferenceError) -> ([Int], BroadcastPlan) {
        let rank = max(a.count, b.count)
        guard rank <= 4 else { throw InferenceError(.unsupportedTensor, "\(op): rank \(rank) (at most 4)") }
        let pa = Array(repeating: 1, count: 4 - a.count) + a
        let pb = Array(repeating: 1, count: 4 - b.count) + b
        var out = [Int](repeating: 1, count: 4)
        for i in 0..<4 {
            guard pa[i] == pb[i] || pa[i] == 1 || pb[i] == 1 else {
                throw InferenceError(.invalidModel, "\(op): shapes \(a) and \(b) do not broadcast")
            }
            out[i] = pa[i] == 1 ? pb[i] : pa[i]
        }
        func strides(_ p: [Int]) -> [Int] {
            var s = [0, 0, 0, 0]
            var acc = 1
            for i in stride(from: 3, through: 0, by: -1) {
                s[i] = p[i] == 1 ? 0 : acc
                acc *= p[i]
            }
            return s
        }
        let sa = strides(pa)
        let sb = strides(pb)
        let plan = BroadcastPlan(
            dims: (out[0], out[1], out[2], out[3]), aStrides: (sa[0], sa[1], sa[2], sa[3]),
            bStrides: (sb[0], sb[1], sb[2], sb[3]))
        return (Array(out.suffix(rank)), plan)
    }

    // MARK: Tree ensembles

    mutating func compileTrees(_ node: ONNXNodeProto, _ a: Attributes, classifier: Bool) throws(InferenceError) {
        let op = node.qualifiedOpType
        let common = [
            "nodes_falsenodeids", "nodes_featureids", "nodes_hitrates", "nodes_hitrates_as_tensor",
            "nodes_missing_value_tracks_true", "nodes_modes", "nodes_nodeids", "nodes_treeids", "nodes_truenodeids",
            "nodes_values", "nodes_values_as_tensor", "post_transform", "base_values", "base_values_as_tensor",
        ]
        let prefix = classifier ? "class" : "target"
        let specific =
            classifier
            ? [
                "class_ids", "class_nodeids", "class_treeids", "class_weights", "class_weights_as_tensor",
                "classlabels_int64s", "classlabels_strings",
            ]
            : [
                "target_ids", "target_nodeids", "target_treeids", "target_weights", "target_weights_as_tensor",
                "n_targets", "aggregate_function",
            ]
        try a.allow(Set(common + specific))
        guard node.inputs.count == 1 else { throw InferenceError(.invalidModel, "\(op) needs 1 input") }
        guard node.outputs.count == (classifier ? 2 : 1) else {
            throw InferenceError(.invalidModel, "\(op) has \(node.outputs.count) outputs")
        }
        let x = try floatRow(node.inputs[0], op)
        let post = try a.postTransform()
        var labels: [Int64] = []
        var targets = 1
        var aggregate = TreeEnsembleKernel.Aggregate.sum
        if classifier {
            if a.has("classlabels_strings") {
                throw InferenceError(.unsupportedAttribute, "\(op): classlabels_strings (string labels unsupported)")
            }
            labels = try a.ints("classlabels_int64s") ?? []
            guard labels.count >= 2 else { throw InferenceError(.invalidModel, "\(op): fewer than 2 class labels") }
            if post == .probit {
                throw InferenceError(.unsupportedAttribute, "\(op): post_transform PROBIT")
            }
        } else {
            targets = Int(try a.int("n_targets") ?? 1)
            guard targets >= 1, targets <= 1024 else {
                throw InferenceError(.invalidModel, "\(op): n_targets \(targets)")
            }
            let agg = try a.string("aggregate_function") ?? "SUM"
            guard let g = TreeEnsembleKernel.Aggregate(rawValue: agg) else {
                throw InferenceError(.unsupportedAttribute, "\(op): aggregate_function \(agg)")
            }
            aggregate = g
            guard post == .none else {
                throw InferenceError(.unsupportedAttribute, "\(op): post_transform \(post.rawValue)")
            }
        }
        let spec = TreeEnsembleKernel.Spec(
            treeIds: try a.ints("nodes_treeids") ?? [],
            nodeIds: try a.ints("nodes_nodeids") ?? [],
            featureIds: try a.ints("nodes_featureids") ?? [],
            modes: try a.strings("nodes_modes") ?? [],
            values: try a.floatsOrTensor("nodes_values"),
            trueIds: try a.ints("nodes_truenodeids") ?? [],
            falseIds: try a.ints("nodes_falsenodeids") ?? [],
            missingTrue: try a.ints("nodes_missing_value_tracks_true") ?? [],
            weightTreeIds: try a.ints("\(prefix)_treeids") ?? [],
            weightNodeIds: try a.ints("\(prefix)_nodeids") ?? [],
            weightTargets: try a.ints("\(prefix)_ids") ?? [],
            weights: try a.floatsOrTensor("\(prefix)_weights"),
            baseValues: try a.floatsOrTensor("base_values"),
            targets: targets, classLabels: labels, isClassifier: classifier, post: post, aggregate: aggregate,
            inputWidth: x.count, opName: op)
        let kernel = try TreeEnsembleKernel(spec)
        treeKernels.append(kernel)
        kernels.append(kernel)
        maxScratch = max(maxScratch, kernel.scoreWidth)
        maxKeyScratch = max(maxKeyScratch, kernel.keyScratchWidth)
        if classifier {
            let label = try allocate(.int64, [1], node.outputs[0])
            let scores = try allocate(.float, [1, labels.count], node.outputs[1])
            program.append(
                .treeClassifier(.passUnretained(kernel), x: x.offset, label: label.offset, scores: scores.offset))
            try define(node.outputs[0], label)
            try define(node.outputs[1], scores)
        } else {
            let y = try allocate(.float, [1, targets], node.outputs[0])
            program.append(.treeRegressor(.passUnretained(kernel), x: x.offset, y: y.offset))
            try define(node.outputs[0], y)
        }
    }
}

extension Compiler {
    /// Peephole fusion of MatMul → Add (bias) → Relu/Sigmoid/Tanh, as skl2onnx emits an MLP's layers, into one
    /// `.dense` instruction. Only adjacent instructions fuse, the Add must read the MatMul's output, and its other
    /// operand must be a per-column (stride 1) or single (stride 0) bias along the output row: then one pass
    /// computes what the three instructions compute, bit for bit, without two interpreter dispatches and two
    /// extra loops.
    mutating func fuseDenseLayers() {
        var out: [Instr] = []
        out.reserveCapacity(program.count)
        var pc = 0
        while pc < program.count {
            guard case .matmul(let a, let b, let y, let m, let k, let n) = program[pc], m == 1,
                pc + 1 < program.count, case .binary(.add, let l, let r, let y2, let plan) = program[pc + 1],
                plan.dims.0 == 1, plan.dims.1 == 1, plan.dims.2 == 1, plan.dims.3 == n
            else {
                out.append(program[pc])
                pc += 1
                continue
            }
            // One row: the MatMul output (contiguous) on one side, a bias (per column or single) on the other.
            // (With n == 1 the strides are 0 and only element 0 is read.)
            let yIsLeft = l == y && (n == 1 || plan.aStrides.3 == 1)
            let yIsRight = r == y && (n == 1 || plan.bStrides.3 == 1)
            let bias = yIsLeft ? r : l
            let biasStride = n == 1 ? 0 : yIsLeft ? plan.bStrides.3 : plan.aStrides.3
            guard yIsLeft || yIsRight, biasStride == 0 || biasStride == 1 else {
                out.append(program[pc])
                pc += 1
                continue
            }
            var dense = DensePlan(
                a: a, b: b, y: y, m: m, k: k, n: n, bias: bias, biasStride: biasStride, y2: y2,
                biasFirst: !yIsLeft, activation: -1, activationOp: .relu)
            pc += 2
            if pc < program.count, case .unary(let op, let x3, let y3, let n3) = program[pc], x3 == y2, n3 == m * n {
                dense.activation = y3
                dense.activationOp = op
                pc += 1
            }
            out.append(.dense(dense))
        }
        program = out
    }
}

/// Typed attribute access with the "every attribute must be known" rule.
struct Attributes {
    let op: String
    let byName: [String: ONNXAttributeProto]
    let all: [ONNXAttributeProto]

    init(_ node: ONNXNodeProto) {
        op = node.qualifiedOpType
        all = node.attributes
        var d: [String: ONNXAttributeProto] = [:]
        for a in node.attributes { d[a.name] = a }
        byName = d
    }

    func allow(_ names: Set<String>) throws(InferenceError) {
        for a in all {
            guard names.contains(a.name) else {
                throw InferenceError(.unsupportedAttribute, "\(op): attribute '\(a.name)'")
            }
            guard a.refAttrName.isEmpty, !a.hasGraph else {
                throw InferenceError(.unsupportedAttribute, "\(op): attribute '\(a.name)' (reference or graph)")
            }
        }
    }

    func has(_ name: String) -> Bool { byName[name] != nil }

    private func typed(_ name: String, _ kind: ONNXAttributeProto.Kind) throws(InferenceError) -> ONNXAttributeProto? {
        guard let a = byName[name] else { return nil }
        guard a.kind == kind else {
            throw InferenceError(.invalidModel, "\(op): attribute '\(name)' has type \(a.type), expected \(kind)")
        }
        return a
    }

    func int(_ name: String) throws(InferenceError) -> Int64? { try typed(name, .int)?.i }
    func float(_ name: String) throws(InferenceError) -> Float? { try typed(name, .float)?.f }
    func string(_ name: String) throws(InferenceError) -> String? { try typed(name, .string)?.stringValue }
    func floats(_ name: String) throws(InferenceError) -> [Float]? { try typed(name, .floats)?.floats }
    func ints(_ name: String) throws(InferenceError) -> [Int64]? { try typed(name, .ints)?.ints }
    func strings(_ name: String) throws(InferenceError) -> [String]? {
        try typed(name, .strings)?.strings.map { String(decoding: $0, as: UTF8.self) }
    }

    /// `name` as FLOATS, or `name_as_tensor` (ai.onnx.ml v3) as a float or double tensor converted to float.
    func floatsOrTensor(_ name: String) throws(InferenceError) -> [Float] {
        if let v = try floats(name) { return v }
        guard let t = try typed("\(name)_as_tensor", .tensor)?.t else { return [] }
        if !t.floatData.isEmpty { return t.floatData }
        if !t.doubleData.isEmpty {
            throw InferenceError(.unsupportedAttribute, "\(op): '\(name)_as_tensor' holds doubles (float models only)")
        }
        if let raw = t.rawData, t.dataType == ONNXTensorProto.DataType.float.rawValue, raw.count % 4 == 0 {
            var out: [Float] = []
            for i in 0..<(raw.count / 4) {
                var bits: UInt32 = 0
                for b in 0..<4 { bits |= UInt32(raw[i * 4 + b]) << (8 * UInt32(b)) }
                out.append(Float(bitPattern: bits))
            }
            return out
        }
        throw InferenceError(.unsupportedAttribute, "\(op): '\(name)_as_tensor' of type \(t.dataType)")
    }

    func postTransform() throws(InferenceError) -> PostTransform {
        let s = try string("post_transform") ?? "NONE"
        guard let p = PostTransform(rawValue: s) else {
            throw InferenceError(.unsupportedAttribute, "\(op): post_transform \(s)")
        }
        return p
    }
}
