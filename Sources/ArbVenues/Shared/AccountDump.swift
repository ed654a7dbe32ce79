import Foundation
import SolanaPrimitives

/// Parses account dumps: `solana account --output json` / RpcKeyedAccount (`{"pubkey", "account": {"data":
/// [base64, "base64"], "owner", "lamports"}}`) and the bare form (`{"data": base64 or [base64, enc], "owner",
/// "lamports"}`) whose address must come from elsewhere (e.g. the file name). Pure: bytes in, accounts out.
public enum AccountDump {
    struct Keyed: Decodable {
        var pubkey: String?
        var account: Bare?
    }

    struct Bare: Decodable {
        var data: DataField
        var owner: String
        var lamports: UInt64?
    }

    enum DataField: Decodable {
        case text(String, String)

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) {
                self = .text(s, "base64")
            } else {
                let parts = try c.decode([String].self)
                guard let first = parts.first else {
                    throw DecodingError.dataCorruptedError(in: c, debugDescription: "empty data array")
                }
                self = .text(first, parts.count > 1 ? parts[1] : "base64")
            }
        }
    }

    /// Parses one dump. `fallbackAddress` names bare dumps that carry no pubkey.
    public static func parse(_ json: [UInt8], fallbackAddress: Address? = nil) throws(VenueError) -> AccountData {
        let decoder = JSONDecoder()
        let keyed: Keyed
        do {
            keyed = try decoder.decode(Keyed.self, from: Data(json))
        } catch {
            throw VenueError(.invalidState, "account dump is not JSON of the expected shape: \(error)")
        }
        let bare: Bare
        if let a = keyed.account {
            bare = a
        } else {
            do {
                bare = try decoder.decode(Bare.self, from: Data(json))
            } catch {
                throw VenueError(.invalidState, "account dump has neither `account` nor `data`/`owner`: \(error)")
            }
        }
        let address: Address
        if let pk = keyed.pubkey {
            guard let a = Address(pk) else {
                throw VenueError(.invalidState, "account dump pubkey \(pk.prefix(64)) is not an address")
            }
            address = a
        } else if let fallbackAddress {
            address = fallbackAddress
        } else {
            throw VenueError(.missingAccount, "account dump carries no pubkey and none was given")
        }
        guard let owner = Address(bare.owner) else {
            throw VenueError(.invalidState, "account dump owner \(bare.owner.prefix(64)) is not an address")
        }
        guard case .text(let text, let encoding) = bare.data, encoding == "base64" else {
            throw VenueError(.unsupported, "account dump data encoding must be base64")
        }
        guard let bytes = Data(base64Encoded: text) else {
            throw VenueError(.invalidState, "account dump data is not valid base64")
        }
        return AccountData(address: address, owner: owner, lamports: bare.lamports ?? 0, data: [UInt8](bytes))
    }

    /// The first base58 address embedded in a file name (`name.<address>.json`, `<address>.json`), if any.
    public static func address(inFileName name: String) -> Address? {
        let stem = name.hasSuffix(".json") ? String(name.dropLast(5)) : name
        for part in stem.split(whereSeparator: { $0 == "." || $0 == "_" }).reversed() where part.count >= 32 {
            if let a = Address(String(part)) { return a }
        }
        return nil
    }
}
