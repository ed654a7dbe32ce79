import Foundation

/// LinearClassifier / LinearRegressor (ai.onnx.ml v1): scores = X · Wᵀ + b, then the classifier's label and
/// post-transform with onnxruntime's conventions (linearclassifier.cc, ml_common.h batched_update_scores_inplace):
/// - one target and two class labels: label = score > 0 ? labels[1] : labels[0]; scores become [1 − s, s]
///   (the post_transform is NOT applied in that case, exactly as onnxruntime does);
/// - several targets: label = labels[first strict argmax]; post_transform applied to the row.
final class LinearKernel: @unchecked Sendable {
    let features: Int
    let targets: Int
    /// Row-major [targets, features].
    let weights: UnsafeMutablePointer<Float>
    let intercepts: UnsafeMutablePointer<Float>
    let labels: [Int64]
    let post: PostTransform
    /// Classifier only: one target with two labels (scores get a second column).
    let addSecondClass: Bool

    init(features: Int, targets: Int, weights: [Float], intercepts: [Float], labels: [Int64], post: PostTransform) {
        self.features = features
        self.targets = targets
        self.weights = .allocate(capacity: max(1, weights.count))
        self.weights.initialize(from: weights, count: weights.count)
        self.intercepts = .allocate(capacity: max(1, intercepts.count))
        self.intercepts.initialize(from: intercepts, count: intercepts.count)
        self.labels = labels
        self.post = post
        self.addSecondClass = targets == 1 && labels.count == 2
    }

    deinit {
        weights.deallocate()
        intercepts.deallocate()
    }

    /// Output width of the classifier's scores.
    var scoreWidth: Int { addSecondClass ? 2 : targets }

    /// X · Wᵀ + b for one row, accumulated in the order onnxruntime uses for a single row on x86-64 (the MLAS
    /// "M1 transpose-B" AVX kernel that LinearClassifier/LinearRegressor reach through Gemm): eight lanes, feature
    /// k into lane k mod 8 with a separate multiply and add, the tail zero-padded, then lanes reduced as
    /// ((l0+l1)+(l2+l3)) + ((l4+l5)+(l6+l7)), then the intercept added. Matching that order makes single-row
    /// results bit-identical even where large terms cancel; a sequential sum drifts by ~1e-5 on such rows.
    /// (onnxruntime's own batch path uses a sequential fused-multiply-add chain instead; see docs/inference.md.)
    @inline(__always)
    func raw(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        let n = features
        let full = n & ~7
        let tail = n - full
        var xt = SIMD8<Float>()
        for k in 0..<tail { xt[k] = x[full + k] }
        for t in 0..<targets {
            let w = weights + t * n
            var acc = SIMD8<Float>()
            var c = 0
            while c < full {
                let xv = UnsafeRawPointer(x + c).loadUnaligned(as: SIMD8<Float>.self)
                let wv = UnsafeRawPointer(w + c).loadUnaligned(as: SIMD8<Float>.self)
                acc = acc + xv * wv
                c += 8
            }
            if tail > 0 {
                var wt = SIMD8<Float>()
                for k in 0..<tail { wt[k] = w[full + k] }
                acc = acc + xt * wt
            }
            let lo = (acc[0] + acc[1]) + (acc[2] + acc[3])
            let hi = (acc[4] + acc[5]) + (acc[6] + acc[7])
            out[t] = (lo + hi) + intercepts[t]
        }
    }

    func classify(_ x: UnsafePointer<Float>, label: UnsafeMutablePointer<Int64>, scores: UnsafeMutablePointer<Float>) {
        raw(x, scores)
        if targets == 1 {
            let pos: Int64 = labels.count == 2 ? labels[1] : 1
            let neg: Int64 = labels.count == 2 ? labels[0] : 0
            let s = scores[0]
            label.pointee = s > 0 ? pos : neg
            if post == .probit {
                scores[0] = probit(s)
            } else if addSecondClass {
                scores[0] = 1 - s
                scores[1] = s
            }
            return
        }
        var best = 0
        var bestValue = scores[0]
        for t in 1..<targets where scores[t] > bestValue {
            bestValue = scores[t]
            best = t
        }
        label.pointee = labels[best]
        switch post {
        case .none: break
        case .logistic: for t in 0..<targets { scores[t] = mlLogistic(scores[t]) }
        case .softmax: mlSoftmax(scores, targets)
        case .softmaxZero: mlSoftmaxZero(scores, targets)
        case .probit: for t in 0..<targets { scores[t] = probit(scores[t]) }
        }
    }

    func regress(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        raw(x, y)
    }
}

/// ORT's ComputeProbit with its ErfInv approximation (ml_common.h).
@inline(__always)
func probit(_ val: Float) -> Float {
    var x = 2 * val - 1
    let sgn: Float = x < 0 ? -1 : 1
    x = (1 - x) * (1 + x)
    let lg = Foundation.log(x)
    let v: Float = 2 / (3.14159 * 0.147) + 0.5 * lg
    let v2: Float = 1 / 0.147 * lg
    let v3 = -v + (v * v - v2).squareRoot()
    return Float(2.0.squareRoot()) * sgn * v3.squareRoot()
}
