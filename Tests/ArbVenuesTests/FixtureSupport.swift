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
