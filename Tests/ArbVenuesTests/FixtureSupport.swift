import ArbTestSupport
import ArbVenues
import Foundation
import SolanaPrimitives
import Testing

/// Loads one dump under fixtures/ (RpcKeyedAccount JSON, bare Carbon JSON named by `address`, or raw `.bin`
/// with `owner`). Nil when fixtures are absent.
func fixtureAccount(_ relative: String, address: Address? = nil, owner: Address? = nil) throws -> AccountData? {
    guard let url = Fixtures.url(relative) else { return nil }
    let data = try Data(contentsOf: url)
    if relative.hasSuffix(".bin") {
        return AccountData(
            address: address ?? AccountDump.address(inFileName: url.lastPathComponent) ?? .zero,
            owner: owner ?? .zero, lamports: 0, data: [UInt8](data))
    }
    return try AccountDump.parse(
        [UInt8](data), fallbackAddress: address ?? AccountDump.address(inFileName: url.lastPathComponent) ?? .zero)
}

/// Every dump in a fixtures folder, keyed by address.
func fixtureFolder(_ relative: String) throws -> [Address: AccountData] {
    guard let url = Fixtures.url(relative) else { return [:] }
    var out: [Address: AccountData] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() where name.hasSuffix(".json") {
        let a = try #require(try fixtureAccount("\(relative)/\(name)"))
        out[a.address] = a
    }
    return out
}

func vectorCases(_ file: String, _ group: String) throws -> [[String: Any]] {
    guard let data = try Fixtures.data("vectors/\(file)"),
        let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
        let groups = root["groups"] as? [[String: Any]],
        let g = groups.first(where: { $0["name"] as? String == group })
    else {
        Issue.record("vector group \(group) missing from \(file)")
        return []
    }
    return g["cases"] as? [[String: Any]] ?? []
}

func u128(_ v: Any?) -> UInt128 {
    if let s = v as? String, let x = UInt128(s) { return x }
    if let n = v as? NSNumber { return UInt128(n.uint64Value) }
    Issue.record("not an unsigned integer: \(String(describing: v))")
    return 0
}

func i64(_ v: Any?) -> Int64 {
    if let s = v as? String, let x = Int64(s) { return x }
    if let n = v as? NSNumber { return n.int64Value }
    Issue.record("not an integer: \(String(describing: v))")
    return 0
}

func addr(_ v: Any?) -> Address {
    guard let s = v as? String, let a = Address(s) else {
        Issue.record("not an address: \(String(describing: v))")
        return .zero
    }
    return a
}

func hexBytes(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var i = s.startIndex
    while i < s.endIndex {
        let j = s.index(i, offsetBy: 2)
        out.append(UInt8(s[i..<j], radix: 16) ?? 0)
        i = j
    }
    return out
}
