/// Standard base64 (RFC 4648 §4, with '=' padding), as Solana RPC uses for account data and transactions.
public enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// 0...63 for alphabet bytes, 0xFF otherwise.
    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var out = [UInt8]()
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= input.count {
            let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            out.append(alphabet[Int(v >> 18 & 63)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)])
            out.append(alphabet[Int(v & 63)])
            i += 3
        }
        let rest = input.count - i
        if rest == 1 {
            let v = UInt32(input[i]) << 16
            out.append(alphabet[Int(v >> 18 & 63)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        } else if rest == 2 {
            let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
            out.append(alphabet[Int(v >> 18 & 63)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)])
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var s = text
        return s.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
    }

    /// Decodes padded base64; nil on a bad character, bad length or non-zero trailing bits.
    public static func decode(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
        let n = input.count
        if n == 0 { return [] }
        guard n % 4 == 0 else { return nil }
        var pad = 0
        if input[n - 1] == UInt8(ascii: "=") { pad += 1 }
        if input[n - 2] == UInt8(ascii: "=") { pad += 1 }
        let outCount = n / 4 * 3 - pad
        let ok = table.withUnsafeBufferPointer { t -> [UInt8]? in
            var failed = false
            let result = [UInt8](unsafeUninitializedCapacity: outCount) { out, initialized in
                var o = 0
                var i = 0
                let full = (pad == 0 ? n : n - 4)
                while i < full {
                    let a = t[Int(input[i])]
                    let b = t[Int(input[i + 1])]
                    let c = t[Int(input[i + 2])]
                    let d = t[Int(input[i + 3])]
                    if (a | b | c | d) & 0xC0 != 0 {
                        failed = true
                        break
                    }
                    let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    out[o] = UInt8(truncatingIfNeeded: v >> 16)
                    out[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                    out[o + 2] = UInt8(truncatingIfNeeded: v)
                    o += 3
                    i += 4
                }
                if !failed && pad > 0 {
                    let a = t[Int(input[i])]
                    let b = t[Int(input[i + 1])]
                    let c = pad == 1 ? t[Int(input[i + 2])] : 0
                    if (a | b | c) & 0xC0 != 0 {
                        failed = true
                    } else {
                        let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
                        out[o] = UInt8(truncatingIfNeeded: v >> 16)
                        o += 1
                        if pad == 1 {
                            out[o] = UInt8(truncatingIfNeeded: v >> 8)
                            o += 1
                            if v & 0xFF != 0 { failed = true }
                        } else if v & 0xFFFF != 0 {
                            failed = true
                        }
                    }
                }
                initialized = failed ? 0 : o
            }
            return failed ? nil : result
        }
        return ok
    }
}
