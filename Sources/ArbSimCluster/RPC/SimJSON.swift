import Foundation

/// A JSON value with deterministic serialization (object keys sorted), used for every RPC and PubSub message.
/// Integers stay integers (lamports can exceed 2^53 only in theory; they are carried as Int64/UInt64 text).
public enum SimJSON: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([SimJSON])
    case object([String: SimJSON])

    public subscript(key: String) -> SimJSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
    public subscript(index: Int) -> SimJSON? {
        if case .array(let a) = self, index >= 0, index < a.count { return a[index] }
        return nil
    }
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
    public var arrayValue: [SimJSON]? {
        if case .array(let a) = self { return a }
        return nil
    }
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }
    /// A non-negative integer (accepts int, uint or an integral double).
    public var uint64Value: UInt64? {
        switch self {
        case .int(let v): v >= 0 ? UInt64(v) : nil
        case .uint(let v): v
        case .double(let d): d >= 0 && d < 1.8e19 && d.rounded() == d ? UInt64(d) : nil
        default: nil
        }
    }
    public var isNull: Bool { self == .null }

    // MARK: serialization

    public func serialized() -> String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let v): out += String(v)
        case .uint(let v): out += String(v)
        case .double(let d): out += d.isFinite ? "\(d)" : "null"
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let a):
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                v.write(into: &out)
            }
            out += "]"
        case .object(let o):
            out += "{"
            for (i, k) in o.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                Self.writeString(k, into: &out)
                out += ":"
                o[k]!.write(into: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    out += String(format: "\\u%04x", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }

    // MARK: parsing

    /// Parses JSON text; malformed input is a typed error, never a trap.
    public static func parse(_ bytes: [UInt8]) throws(SimClusterError) -> SimJSON {
        let any: Any
        do {
            any = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw SimClusterError(.parseError, "malformed JSON")
        }
        return from(any)
    }

    public static func parse(_ text: String) throws(SimClusterError) -> SimJSON {
        try parse(Array(text.utf8))
    }

    static func from(_ any: Any) -> SimJSON {
        switch any {
        case is NSNull: return .null
        case let s as String: return .string(s)
        case let n as NSNumber:
            switch String(cString: n.objCType) {
            case "c": return .bool(n.boolValue)  // JSON booleans arrive as char-typed numbers
            case "Q": return .uint(n.uint64Value)
            case "d", "f": return .double(n.doubleValue)
            default: return .int(n.int64Value)
            }
        case let a as [Any]: return .array(a.map(from))
        case let o as [String: Any]: return .object(o.mapValues(from))
        default: return .null
        }
    }
}
