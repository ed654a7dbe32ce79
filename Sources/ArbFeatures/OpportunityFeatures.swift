/// A fixed-size, allocation-free feature vector in `FeatureSchema` order. A value type stored inline
/// (a homogeneous tuple), so filling and passing it never touches the heap.
public struct OpportunityFeatures: Sendable, Equatable {
    /// Number of features; equals `FeatureSchema.features.count` (checked by a test).
    public static let count = 20

    public typealias Storage = (
        Float, Float, Float, Float, Float, Float, Float, Float, Float, Float,
        Float, Float, Float, Float, Float, Float, Float, Float, Float, Float
    )

    public var storage: Storage = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    public init() {}

    /// Builds a vector from exactly `count` values (tests, CSV rows). Returns nil on a wrong count.
    public init?(_ values: some Collection<Float>) {
        guard values.count == Self.count else { return nil }
        withUnsafeMutableBufferPointer { buffer in
            for (i, v) in values.enumerated() { buffer[i] = v }
        }
    }

    public subscript(index: Int) -> Float {
        get {
            precondition(index >= 0 && index < Self.count, "feature index out of range")
            return withUnsafeBufferPointer { $0[index] }
        }
        set {
            precondition(index >= 0 && index < Self.count, "feature index out of range")
            withUnsafeMutableBufferPointer { $0[index] = newValue }
        }
    }

    public func withUnsafeBufferPointer<R, E: Error>(
        _ body: (UnsafeBufferPointer<Float>) throws(E) -> R
    ) throws(E) -> R {
        var copy = storage
        return try Swift.withUnsafeMutablePointer(to: &copy) { (p) throws(E) -> R in
            try p.withMemoryRebound(to: Float.self, capacity: Self.count) { (fp) throws(E) -> R in
                try body(UnsafeBufferPointer(start: fp, count: Self.count))
            }
        }
    }

    public mutating func withUnsafeMutableBufferPointer<R, E: Error>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws(E) -> R
    ) throws(E) -> R {
        try Swift.withUnsafeMutablePointer(to: &storage) { (p) throws(E) -> R in
            try p.withMemoryRebound(to: Float.self, capacity: Self.count) { (fp) throws(E) -> R in
                try body(UnsafeMutableBufferPointer(start: fp, count: Self.count))
            }
        }
    }

    /// Copies the `count` floats to `destination` (no closure, no generic: allocation-free even unoptimized).
    @inline(__always)
    public func copy(to destination: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(destination).storeBytes(of: storage, as: Storage.self)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.withUnsafeBufferPointer { a in rhs.withUnsafeBufferPointer { b in a.elementsEqual(b) } }
    }
}
