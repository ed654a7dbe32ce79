import Foundation

/// Element types the evaluator carries. Everything else is refused at load time.
enum DType: Sendable, Equatable, CustomStringConvertible {
    case float
    case int64

    var description: String { self == .float ? "float" : "int64" }

    init(onnx code: Int32, context: String) throws(InferenceError) {
        switch code {
        case ONNXTensorProto.DataType.float.rawValue: self = .float
        case ONNXTensorProto.DataType.int64.rawValue: self = .int64
        default:
            let name = ONNXTensorProto.DataType(rawValue: code).map { "\($0)" } ?? "code \(code)"
            throw InferenceError(.unsupportedTensor, "\(context): element type \(name) (only float and int64)")
        }
    }
}

/// Where a value lives in an evaluator's arenas, and its static shape (the batch dimension is fixed to 1).
struct Slot: Sendable {
    var dtype: DType
    var offset: Int
    var shape: [Int]
    var count: Int { shape.reduce(1, *) }
}

/// Post-transforms of the ai.onnx.ml operators (onnx/defs/traditionalml).
enum PostTransform: String, Sendable {
    case none = "NONE"
    case logistic = "LOGISTIC"
    case softmax = "SOFTMAX"
    case softmaxZero = "SOFTMAX_ZERO"
    case probit = "PROBIT"
}

enum BinaryOp: Sendable { case add, sub, mul, div }
enum UnaryOp: Sendable { case relu, sigmoid, tanh }

/// Up to rank 4, right-aligned numpy broadcasting plan: element strides of each operand per output axis.
struct BroadcastPlan: Sendable {
    var dims: (Int, Int, Int, Int)
    var aStrides: (Int, Int, Int, Int)
    var bStrides: (Int, Int, Int, Int)
}

/// One step of the flat program. All offsets index the evaluator's float (`f`) or int64 (`i`) arena.
/// Trivially copyable on purpose (kernels are unowned references kept alive by the model): copying an
/// instruction in the interpreter loop must not retain/release.
enum Instr: @unchecked Sendable {
    case scaler(x: Int, y: Int, rows: Int, cols: Int, offset: Int, offsetCount: Int, scale: Int, scaleCount: Int)
    case linearClassifier(Unmanaged<LinearKernel>, x: Int, label: Int, scores: Int)
    case linearRegressor(Unmanaged<LinearKernel>, x: Int, y: Int)
    case treeClassifier(Unmanaged<TreeEnsembleKernel>, x: Int, label: Int, scores: Int)
    case treeRegressor(Unmanaged<TreeEnsembleKernel>, x: Int, y: Int)
    case matmul(a: Int, b: Int, y: Int, m: Int, k: Int, n: Int)
    /// MatMul, then Add of a bias, then optionally Relu/Sigmoid/Tanh, fused by `Compiler.fuseDenseLayers()`.
    case dense(DensePlan)
    case gemm(GemmPlan)
    case binary(BinaryOp, a: Int, b: Int, y: Int, plan: BroadcastPlan)
    case binaryInt(BinaryOp, a: Int, b: Int, y: Int, plan: BroadcastPlan)
    case unary(UnaryOp, x: Int, y: Int, n: Int)
    case softmax(x: Int, y: Int, rows: Int, cols: Int)
    case copy(DType, x: Int, y: Int, n: Int)
    case concatSegment(DType, x: Int, y: Int, outer: Int, chunk: Int, yStride: Int)
    case argmax(x: Int, y: Int, outer: Int, axisLen: Int, inner: Int, last: Bool)
    case arrayFeatureExtractor(DType, x: Int, indices: Int, y: Int, outer: Int, last: Int, count: Int)
    case castFloatToInt(x: Int, y: Int, n: Int)
    case castIntToFloat(x: Int, y: Int, n: Int)
    case wrapInt32(x: Int, y: Int, n: Int)
}

/// A fused dense layer: `y = a · b` (MatMul, [m, k] · [k, n]), `y2 = y + bias` (Add, the bias one value per
/// column or one value for all), `y3 = activation(y2)` when `activation >= 0` (Relu, Sigmoid or Tanh). The same
/// float operations in the same order as the instructions it replaces; every intermediate value is still written
/// (another node may read it).
struct DensePlan: Sendable {
    var a: Int, b: Int, y: Int
    var m: Int, k: Int, n: Int
    var bias: Int
    /// 1: one bias per column; 0: one bias for every column.
    var biasStride: Int
    var y2: Int
    /// The Add's operand order: `bias + y` when true, `y + bias` otherwise (NaN payloads follow the left operand).
    var biasFirst: Bool
    /// Offset of the activation's output, or −1 without one.
    var activation: Int
    var activationOp: UnaryOp
}

struct GemmPlan: Sendable {
    var a: Int, b: Int, c: Int?, y: Int
    var m: Int, k: Int, n: Int
    var transA: Bool, transB: Bool
    var alpha: Float, beta: Float
    /// C's strides over (row, column) after unidirectional broadcast (0 where broadcast).
    var cRowStride: Int, cColStride: Int
}

/// ORT's ComputeLogistic (onnxruntime/core/providers/cpu/ml/ml_common.h): symmetric around 0 for accuracy.
@inline(__always)
func mlLogistic(_ v: Float) -> Float {
    let e = 1 / (1 + Foundation.exp(-Swift.abs(v)))
    return v < 0 ? 1 - e : e
}

/// Softmax of ai.onnx.ml post-transforms: max-subtracted exp, float accumulation (ml_common.h ComputeSoftmax).
@inline(__always)
func mlSoftmax(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
    var vmax = -Float.greatestFiniteMagnitude
    for i in 0..<n where p[i] > vmax { vmax = p[i] }
    var sum: Float = 0
    for i in 0..<n {
        p[i] = Foundation.exp(p[i] - vmax)
        sum += p[i]
    }
    for i in 0..<n { p[i] /= sum }
}

/// SOFTMAX_ZERO: like softmax but values within 1e-7 of zero stay (scaled) zero (ml_common.h ComputeSoftmaxZero).
@inline(__always)
func mlSoftmaxZero(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
    var vmax = -Float.greatestFiniteMagnitude
    for i in 0..<n where p[i] > vmax { vmax = p[i] }
    let expNegMax = Foundation.exp(-vmax)
    var sum: Float = 0
    for i in 0..<n {
        if p[i] > 0.0000001 || p[i] < -0.0000001 {
            p[i] = Foundation.exp(p[i] - vmax)
            sum += p[i]
        } else {
            p[i] *= expNegMax
        }
    }
    for i in 0..<n { p[i] /= sum }
}

/// float → int64 as x86-64 `cvttss2si` does for C++ `static_cast` (truncation; NaN and out-of-range give
/// INT64_MIN). Swift's `Int64(_:)` would trap on those; external models must never trap us.
@inline(__always)
func floatToInt64(_ v: Float) -> Int64 {
    guard v.isFinite, v >= -9.223372e18, v < 9.223372e18 else { return Int64.min }
    return Int64(v)
}
