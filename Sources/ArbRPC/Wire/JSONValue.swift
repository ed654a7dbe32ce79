/// A parsed JSON document. Numbers keep their source text, so that u64 values such as
/// `rentEpoch: 18446744073709551615` are read exactly (no trip through `Double`).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public subscript(index: Int) -> JSONValue? {
        if case .array(let a) = self, a.indices.contains(index) { return a[index] }
        return nil
    }

    public var isNull: Bool { if case .null = self { true } else { false } }
    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    public var object: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }
    public var uint64: UInt64? { if case .number(let n) = self { UInt64(n) } else { nil } }
    public var int64: Int64? { if case .number(let n) = self { Int64(n) } else { nil } }
    public var double: Double? { if case .number(let n) = self { Double(n) } else { nil } }

    public static func uint(_ v: some BinaryInteger) -> JSONValue { .number(String(v)) }
    public static func int(_ v: some BinaryInteger) -> JSONValue { .number(String(v)) }

    // MARK: serialization (requests)

    /// Compact JSON text. Object keys are written in sorted order so that requests are reproducible.
    public var serialized: String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
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
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}

/// Why JSON text could not be parsed; `offset` is the byte position.
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public let offset: Int
    public let reason: String
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

extension JSONValue {
    /// Parses a complete JSON document. Never traps on bad input; nesting deeper than `maxDepth` is an error.
    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = 128) throws(JSONParseError) -> JSONValue {
        let array = Array(bytes)
        var result: Result<JSONValue, JSONParseError> = .failure(JSONParseError(offset: 0, reason: "empty"))
        array.withUnsafeBufferPointer { buf in
            var p = JSONCursor(buf)
            do throws(JSONParseError) {
                let v = try p.parseValue(depth: maxDepth)
                p.skipWhitespace()
                guard p.atEnd else { throw p.error("trailing characters") }
                result = .success(v)
            } catch {
                result = .failure(error)
            }
        }
        return try result.get()
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

/// A forward-only reader over UTF-8 JSON bytes. Used by the tree parser and by the allocation-light
/// notification decoder (`AccountNotificationDecoder`).
struct JSONCursor {
    let buf: UnsafeBufferPointer<UInt8>
    var i: Int = 0

    init(_ buf: UnsafeBufferPointer<UInt8>) { self.buf = buf }

    var atEnd: Bool { i >= buf.count }

    func error(_ reason: String) -> JSONParseError { JSONParseError(offset: i, reason: reason) }

    @inline(__always) mutating func skipWhitespace() {
        while i < buf.count {
            switch buf[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    @inline(__always) mutating func peek() throws(JSONParseError) -> UInt8 {
        skipWhitespace()
        guard i < buf.count else { throw error("unexpected end") }
        return buf[i]
    }

    @inline(__always) mutating func expect(_ byte: UInt8) throws(JSONParseError) {
        guard try peek() == byte else { throw error("expected '\(Character(UnicodeScalar(byte)))'") }
        i += 1
    }

    /// After '{' or '[': true when the container is empty (and consumes the closer).
    mutating func consumeIfPresent(_ byte: UInt8) throws(JSONParseError) -> Bool {
        if try peek() == byte {
            i += 1
            return true
        }
        return false
    }

    /// Between members: true if another member follows (consumed ','), false at the closer (consumed).
    mutating func nextMember(closer: UInt8) throws(JSONParseError) -> Bool {
        let c = try peek()
        i += 1
        if c == UInt8(ascii: ",") { return true }
        if c == closer { return false }
        i -= 1
        throw error("expected ',' or closer")
    }

    /// Reads a string token; returns the raw byte range between the quotes and whether it holds escapes.
    mutating func rawString() throws(JSONParseError) -> (range: Range<Int>, escaped: Bool) {
        try expect(UInt8(ascii: "\""))
        let start = i
        var escaped = false
        let n = buf.count
        while i < n {
            // skip 8 bytes at a time while none is '"', '\\' or a control character (account data is
            // kilobytes of base64 inside one string, so this is the decoder's inner loop)
            if let base = buf.baseAddress {
                let raw = UnsafeRawPointer(base)
                while i + 8 <= n, !Self.hasSpecialByte(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                    i += 8
                }
                guard i < n else { break }
            }
            let c = buf[i]
            if c == UInt8(ascii: "\"") {
                let r = start..<i
                i += 1
                return (r, escaped)
            }
            if c == UInt8(ascii: "\\") {
                escaped = true
                i += 2
                continue
            }
            if c < 0x20 { throw error("control character in string") }
            i += 1
        }
        throw error("unterminated string")
    }

    /// SWAR test: does any byte of `w` equal '"' or '\\', or is it below 0x20? (May report true spuriously next to a
    /// real match, never false when one is present; the caller then checks byte by byte.)
    @inline(__always) static func hasSpecialByte(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let q = w ^ (ones &* 0x22)
        let b = w ^ (ones &* 0x5C)
        let zeroQ = (q &- ones) & ~q & highs
        let zeroB = (b &- ones) & ~b & highs
        let below = (w &- ones &* 0x20) & ~w & highs
        return (zeroQ | zeroB | below) != 0
    }

    /// True if the raw (unescaped) bytes of `range` equal `key`.
    @inline(__always) func rawEquals(_ range: Range<Int>, _ key: StaticString) -> Bool {
        guard range.count == key.utf8CodeUnitCount else { return false }
        let k = key.utf8Start
        var j = 0
        for idx in range {
            if buf[idx] != k[j] { return false }
            j += 1
        }
        return true
    }

    mutating func string() throws(JSONParseError) -> String {
        let (range, escaped) = try rawString()
        if !escaped {
            return String(decoding: UnsafeBufferPointer(rebasing: buf[range]), as: UTF8.self)
        }
        return try unescape(range)
    }

    func unescape(_ range: Range<Int>) throws(JSONParseError) -> String {
        var out = [UInt8]()
        out.reserveCapacity(range.count)
        var j = range.lowerBound
        while j < range.upperBound {
            let c = buf[j]
            guard c == UInt8(ascii: "\\") else {
                out.append(c)
                j += 1
                continue
            }
            guard j + 1 < range.upperBound else { throw JSONParseError(offset: j, reason: "bad escape") }
            let e = buf[j + 1]
            j += 2
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(at: j, end: range.upperBound)
                j += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    guard j + 6 <= range.upperBound, buf[j] == UInt8(ascii: "\\"), buf[j + 1] == UInt8(ascii: "u")
                    else { throw JSONParseError(offset: j, reason: "lone surrogate") }
                    let low = try hex4(at: j + 2, end: range.upperBound)
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw JSONParseError(offset: j, reason: "bad surrogate pair")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    j += 6
                }
                guard let u = Unicode.Scalar(scalar) else { throw JSONParseError(offset: j, reason: "bad \\u escape") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: throw JSONParseError(offset: j, reason: "bad escape")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func hex4(at j: Int, end: Int) throws(JSONParseError) -> UInt32 {
        guard j + 4 <= end else { throw JSONParseError(offset: j, reason: "short \\u escape") }
        var v: UInt32 = 0
        for k in j..<j + 4 {
            let c = buf[k]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw JSONParseError(offset: k, reason: "bad hex digit")
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    /// Reads a number token and returns its byte range (validated against the JSON grammar).
    mutating func rawNumber() throws(JSONParseError) -> Range<Int> {
        skipWhitespace()
        let start = i
        if i < buf.count, buf[i] == UInt8(ascii: "-") { i += 1 }
        let intStart = i
        while i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 { i += 1 }
        guard i > intStart else { throw error("expected a number") }
        if i - intStart > 1, buf[intStart] == 0x30 { throw error("leading zero") }
        if i < buf.count, buf[i] == UInt8(ascii: ".") {
            i += 1
            let f = i
            while i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 { i += 1 }
            guard i > f else { throw error("bad fraction") }
        }
        if i < buf.count, buf[i] == UInt8(ascii: "e") || buf[i] == UInt8(ascii: "E") {
            i += 1
            if i < buf.count, buf[i] == UInt8(ascii: "+") || buf[i] == UInt8(ascii: "-") { i += 1 }
            let e = i
            while i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 { i += 1 }
            guard i > e else { throw error("bad exponent") }
        }
        return start..<i
    }

    /// Reads an unsigned integer token exactly (rejects fractions, exponents, signs and overflow).
    mutating func uint64() throws(JSONParseError) -> UInt64 {
        let r = try rawNumber()
        var v: UInt64 = 0
        for idx in r {
            let c = buf[idx]
            guard c >= 0x30, c <= 0x39 else {
                throw JSONParseError(offset: idx, reason: "expected an unsigned integer")
            }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(c - 0x30))
            guard !o1, !o2 else { throw JSONParseError(offset: idx, reason: "integer overflows u64") }
            v = a
        }
        return v
    }

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        skipWhitespace()
        let n = word.utf8CodeUnitCount
        guard i + n <= buf.count else { throw error("unexpected end") }
        let w = word.utf8Start
        for k in 0..<n where buf[i + k] != w[k] { throw error("bad literal") }
        i += n
    }

    mutating func bool() throws(JSONParseError) -> Bool {
        if try peek() == UInt8(ascii: "t") {
            try literal("true")
            return true
        }
        try literal("false")
        return false
    }

    /// Skips one value of any type.
    mutating func skipValue(depth: Int = 128) throws(JSONParseError) {
        guard depth > 0 else { throw error("nesting too deep") }
        switch try peek() {
        case UInt8(ascii: "{"):
            i += 1
            if try consumeIfPresent(UInt8(ascii: "}")) { return }
            repeat {
                _ = try rawString()
                try expect(UInt8(ascii: ":"))
                try skipValue(depth: depth - 1)
            } while try nextMember(closer: UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            i += 1
            if try consumeIfPresent(UInt8(ascii: "]")) { return }
            repeat { try skipValue(depth: depth - 1) } while try nextMember(closer: UInt8(ascii: "]"))
        case UInt8(ascii: "\""): _ = try rawString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: _ = try rawNumber()
        }
    }

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth > 0 else { throw error("nesting too deep") }
        switch try peek() {
        case UInt8(ascii: "{"):
            i += 1
            var o: [String: JSONValue] = [:]
            if try consumeIfPresent(UInt8(ascii: "}")) { return .object(o) }
            repeat {
                let k = try string()
                try expect(UInt8(ascii: ":"))
                o[k] = try parseValue(depth: depth - 1)
            } while try nextMember(closer: UInt8(ascii: "}"))
            return .object(o)
        case UInt8(ascii: "["):
            i += 1
            var a: [JSONValue] = []
            if try consumeIfPresent(UInt8(ascii: "]")) { return .array(a) }
            repeat { a.append(try parseValue(depth: depth - 1)) } while try nextMember(closer: UInt8(ascii: "]"))
            return .array(a)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default:
            let r = try rawNumber()
            return .number(String(decoding: UnsafeBufferPointer(rebasing: buf[r]), as: UTF8.self))
        }
    }
}
