import Foundation
import SolanaPrimitives
import Testing

/// Reading the curated JSON vector files under fixtures/vectors (shared by every test target that checks
/// official vectors). A value of the wrong shape is recorded as a test issue (and a neutral value returned), so
/// one malformed case fails its test without hiding the others.
public enum VectorJSON {
    /// The parsed JSON of `fixtures/vectors/<name>`; nil when fixtures are absent.
    public static func load(_ name: String) throws -> Any? {
        guard let data = try Fixtures.data("vectors/\(name)") else { return nil }
        return try JSONSerialization.jsonObject(with: data)
    }

    /// The cases of group `group` of a curated vector file (`{"groups":[{"name","cases"}]}`): nil when fixtures
    /// are absent; a recorded issue and no cases when the group is missing.
    public static func group(
        _ file: String, _ group: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [[String: Any]]? {
        guard let root = try load(file) as? [String: Any] else { return nil }
        let groups = root["groups"] as? [[String: Any]] ?? []
        guard let g = groups.first(where: { $0["name"] as? String == group }) else {
            Issue.record("vector group \(group) missing from \(file)", sourceLocation: sourceLocation)
            return []
        }
        return g["cases"] as? [[String: Any]] ?? []
    }

    /// Like `group`, for tests that are already gated on fixtures being present: absent fixtures are an issue.
    public static func cases(
        _ file: String, _ group: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [[String: Any]] {
        guard let cases = try Self.group(file, group, sourceLocation: sourceLocation) else {
            Issue.record("vector file \(file) not found (\(Fixtures.skipMessage))", sourceLocation: sourceLocation)
            return []
        }
        return cases
    }

    /// Integers in vector files are JSON numbers or decimal strings (when > 2^53).
    public static func u128(_ v: Any?, sourceLocation: SourceLocation = #_sourceLocation) -> UInt128 {
        if let s = v as? String, let x = UInt128(s) { return x }
        if let n = v as? NSNumber { return UInt128(n.uint64Value) }
        Issue.record("not an unsigned integer: \(String(describing: v))", sourceLocation: sourceLocation)
        return 0
    }

    public static func u64(_ v: Any?, sourceLocation: SourceLocation = #_sourceLocation) -> UInt64 {
        if let s = v as? String, let x = UInt64(s) { return x }
        if let n = v as? NSNumber { return n.uint64Value }
        Issue.record("not a u64: \(String(describing: v))", sourceLocation: sourceLocation)
        return 0
    }

    public static func i64(_ v: Any?, sourceLocation: SourceLocation = #_sourceLocation) -> Int64 {
        if let s = v as? String, let x = Int64(s) { return x }
        if let n = v as? NSNumber { return n.int64Value }
        Issue.record("not an integer: \(String(describing: v))", sourceLocation: sourceLocation)
        return 0
    }

    /// JSON true/false (anything else is false).
    public static func bool(_ v: Any?) -> Bool { (v as? NSNumber)?.boolValue ?? false }

    public static func addr(_ v: Any?, sourceLocation: SourceLocation = #_sourceLocation) -> Address {
        guard let s = v as? String, let a = try? Address(base58: s) else {
            Issue.record("not an address: \(String(describing: v))", sourceLocation: sourceLocation)
            return .zero
        }
        return a
    }

    public static func hexBytes(_ s: String, sourceLocation: SourceLocation = #_sourceLocation) -> [UInt8] {
        guard let bytes = Hex.decode(s) else {
            Issue.record("not hex: \(s.prefix(80))", sourceLocation: sourceLocation)
            return []
        }
        return bytes
    }
}
