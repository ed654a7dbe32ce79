import ArbFeatures
import Foundation
import Synchronization

/// Hot reload: holds the model currently serving and swaps in a new one atomically. A replacement is fully
/// decoded, compiled and schema-checked before the swap; a bad file throws and the old model keeps serving.
/// Readers (one `ModelHandle.Session` per thread) see the new model on their next decision.
public final class ModelHandle: Sendable {
    private let state: Mutex<InferenceModel>
    private let generationCounter = Atomic<UInt64>(0)
    public let expectedSchemaVersion: Int?

    public init(_ model: InferenceModel, expectedSchemaVersion: Int? = FeatureSchema.version) {
        state = Mutex(model)
        self.expectedSchemaVersion = expectedSchemaVersion
    }

    public convenience init(contentsOf url: URL, expectedSchemaVersion: Int? = FeatureSchema.version)
        throws(InferenceError)
    {
        self.init(
            try InferenceModel(contentsOf: url, expectedSchemaVersion: expectedSchemaVersion),
            expectedSchemaVersion: expectedSchemaVersion)
    }

    /// The model serving now.
    public var current: InferenceModel { state.withLock { $0 } }

    /// Increments on every successful swap.
    public var generation: UInt64 { generationCounter.load(ordering: .acquiring) }

    /// Replaces the serving model with `bytes` if they load; otherwise throws and changes nothing.
    public func replace(bytes: some Collection<UInt8>) throws(InferenceError) {
        let next = try InferenceModel(bytes: bytes, expectedSchemaVersion: expectedSchemaVersion)
        swap(to: next)
    }

    /// Replaces the serving model with the file at `url` if it loads; otherwise throws and changes nothing.
    public func replace(contentsOf url: URL) throws(InferenceError) {
        let next = try InferenceModel(contentsOf: url, expectedSchemaVersion: expectedSchemaVersion)
        swap(to: next)
    }

    private func swap(to next: InferenceModel) {
        state.withLock { $0 = next }
        generationCounter.add(1, ordering: .releasing)
    }

    /// A per-thread reader: evaluates with the current model, re-fetching it (and allocating new arenas) only
    /// when the handle's generation changed. Between reloads, a decision costs one atomic load more than a bare
    /// `Evaluator`.
    public func makeSession() -> Session { Session(self) }

    public final class Session {
        public let handle: ModelHandle
        private var seen: UInt64
        public private(set) var evaluator: Evaluator

        init(_ handle: ModelHandle) {
            self.handle = handle
            seen = handle.generation
            evaluator = handle.current.makeEvaluator()
        }

        @inline(__always)
        public func evaluate(_ features: borrowing OpportunityFeatures) -> Decision {
            let g = handle.generation
            if g != seen {
                seen = g
                evaluator = handle.current.makeEvaluator()
            }
            return evaluator.evaluate(features)
        }
    }
}
