import ArbTestSupport
import Foundation
import Testing

/// Loads a JSON vector file under fixtures/vectors (nil when fixtures are absent).
func loadVectors(_ name: String) throws -> Any? {
    guard let data = try Fixtures.data("vectors/\(name)") else { return nil }
    return try JSONSerialization.jsonObject(with: data)
}

/// The groups of a curated vector file, by name.
func vectorGroup(_ file: String, _ group: String) throws -> [[String: Any]]? {
    guard let root = try loadVectors(file) as? [String: Any] else { return nil }
    let groups = root["groups"] as? [[String: Any]] ?? []
    guard let g = groups.first(where: { $0["name"] as? String == group }) else {
        Issue.record("vector group \(group) missing from \(file)")
        return []
    }
    return g["cases"] as? [[String: Any]] ?? []
}

/// Integers in vector files are JSON numbers or decimal strings (when > 2^53).
func u128(_ v: Any?) -> UInt128 {
    if let s = v as? String, let x = UInt128(s) { return x }
    if let n = v as? NSNumber { return UInt128(n.uint64Value) }
    Issue.record("not an unsigned integer: \(String(describing: v))")
    return 0
}

func u64(_ v: Any?) -> UInt64 {
    if let s = v as? String, let x = UInt64(s) { return x }
    if let n = v as? NSNumber { return n.uint64Value }
    Issue.record("not a u64: \(String(describing: v))")
    return 0
}

func i64(_ v: Any?) -> Int64 {
    if let s = v as? String, let x = Int64(s) { return x }
    if let n = v as? NSNumber { return n.int64Value }
    Issue.record("not an integer: \(String(describing: v))")
    return 0
}

func bool(_ v: Any?) -> Bool { (v as? NSNumber)?.boolValue ?? false }
