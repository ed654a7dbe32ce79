import ArbTestSupport
import ArbVenues
import Foundation
import SolanaPrimitives
import Testing

/// Loads account dumps in the three fixture forms: `solana account --output json` (RpcKeyedAccount), Carbon's
/// `{"data": base64, "owner", "lamports"}` and raw `.bin` / base64 `.b64` bytes.
enum Dump {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func url(_ relative: String) -> URL? { Fixtures.url(relative) }

    static func json(_ relative: String) throws -> [String: Any] {
        guard let data = try Fixtures.data(relative) else { throw Failure(description: "fixtures absent") }
        guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure(description: "\(relative): not a JSON object")
        }
        return obj
    }

    /// RpcKeyedAccount or Carbon JSON. `address` overrides/supplies the pubkey (Carbon files carry none).
    static func account(_ relative: String, address: Address? = nil) throws -> AccountData {
        let obj = try json(relative)
        let acct = (obj["account"] as? [String: Any]) ?? obj
        let b64: String
        if let arr = acct["data"] as? [Any], let s = arr.first as? String {
            b64 = s
        } else if let s = acct["data"] as? String {
            b64 = s
        } else {
            throw Failure(description: "\(relative): no data")
        }
        guard let bytes = Data(base64Encoded: b64) else { throw Failure(description: "\(relative): bad base64") }
        guard let ownerText = acct["owner"] as? String, let owner = Address(ownerText) else {
            throw Failure(description: "\(relative): no owner")
        }
        let pubkey = address ?? (obj["pubkey"] as? String).flatMap { Address($0) }
        guard let pubkey else { throw Failure(description: "\(relative): no pubkey") }
        let lamports = (acct["lamports"] as? NSNumber)?.uint64Value ?? 0
        return AccountData(address: pubkey, owner: owner, lamports: lamports, data: [UInt8](bytes))
    }

    static func bin(_ relative: String) throws -> [UInt8] {
        guard let data = try Fixtures.data(relative) else { throw Failure(description: "fixtures absent") }
        return [UInt8](data)
    }

    static func b64(_ relative: String) throws -> [UInt8] {
        guard let data = try Fixtures.data(relative),
            let text = String(data: data, encoding: .utf8),
            let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw Failure(description: "\(relative): unreadable base64") }
        return [UInt8](bytes)
    }

    /// `groups[name].cases` of a vectors file.
    static func cases(_ file: String, group: String) throws -> [[String: Any]] {
        let obj = try json("vectors/\(file)")
        guard let groups = obj["groups"] as? [[String: Any]],
            let g = groups.first(where: { ($0["name"] as? String) == group }),
            let cases = g["cases"] as? [[String: Any]]
        else { throw Failure(description: "vectors/\(file): no group \(group)") }
        return cases
    }

    static func files(under relative: String) -> [String] {
        guard let root = Fixtures.root else { return [] }
        let base = root.appendingPathComponent(relative)
        guard let e = FileManager.default.enumerator(atPath: base.path) else { return [] }
        return e.compactMap { $0 as? String }.filter { !$0.hasSuffix("/") }.map { "\(relative)/\($0)" }.sorted()
    }
}

/// JSON numbers that may be strings (values above 2^53 are strings in the vectors).
func jsonU64(_ v: Any?) -> UInt64? {
    if let s = v as? String { return UInt64(s) }
    if let n = v as? NSNumber { return n.uint64Value }
    return nil
}

func jsonI64(_ v: Any?) -> Int64? {
    if let s = v as? String { return Int64(s) }
    if let n = v as? NSNumber { return n.int64Value }
    return nil
}

func cpAddr(_ s: String) -> Address {
    guard let a = Address(s) else { preconditionFailure("bad test address \(s)") }
    return a
}

/// A synthetic SPL token account (165 bytes) for vault balances.
func tokenAccount(
    _ address: Address, mint: Address, owner: Address, amount: UInt64, program: Address = VenueProgramIDs.token
)
    -> AccountData
{
    var d = [UInt8](repeating: 0, count: 165)
    d.replaceSubrange(0..<32, with: mint.bytes)
    d.replaceSubrange(32..<64, with: owner.bytes)
    withUnsafeBytes(of: amount.littleEndian) { d.replaceSubrange(64..<72, with: $0) }
    d[108] = 1
    return AccountData(address: address, owner: program, lamports: 2_039_280, data: d)
}

/// Trait for tests that need ../shared/fixtures: skipped with `Fixtures.skipMessage` when absent.
let needsFixtures: ConditionTrait = .enabled(if: Fixtures.root != nil, Comment(rawValue: Fixtures.skipMessage))
