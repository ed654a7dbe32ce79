/// Bitcoin-alphabet base58, as Solana uses for addresses, hashes and signatures.
public enum Base58 {
    static let alphabet: [UInt8] = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    /// Reverse table: ASCII byte → digit value, 0xFF where the byte is not in the alphabet.
    static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let input = Array(bytes)
        var zeros = 0
        while zeros < input.count && input[zeros] == 0 { zeros += 1 }
        // log(256)/log(58) ≈ 1.366
        let size = (input.count - zeros) * 138 / 100 + 1
        var digits = [UInt8](repeating: 0, count: size)
        var length = 0
        for byte in input[zeros...] {
            var carry = Int(byte)
            var i = 0
            var k = size - 1
            while (carry != 0 || i < length) && k >= 0 {
                carry += 256 * Int(digits[k])
                digits[k] = UInt8(carry % 58)
                carry /= 58
                i += 1
                k -= 1
            }
            length = i
        }
        var start = size - length
        while start < size && digits[start] == 0 { start += 1 }
        var out = [UInt8](repeating: alphabet[0], count: zeros)
        out.reserveCapacity(zeros + size - start)
        for d in digits[start...] { out.append(alphabet[Int(d)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes base58 text. Throws `invalidBase58Character` naming the first bad character and its position.
    public static func decode(_ string: String) throws(PrimitivesError) -> [UInt8] {
        let input = Array(string.utf8)
        var zeros = 0
        while zeros < input.count && input[zeros] == alphabet[0] { zeros += 1 }
        let size = (input.count - zeros) * 733 / 1000 + 1  // log(58)/log(256)
        var bytes = [UInt8](repeating: 0, count: size)
        var length = 0
        for (position, c) in input.enumerated().dropFirst(zeros) {
            let value = reverse[Int(c)]
            if value == 0xFF {
                let shown = String(decoding: [c], as: UTF8.self)
                throw PrimitivesError(
                    .invalidBase58Character,
                    "invalid base58 character \(c < 0x80 ? "'\(shown)'" : "byte 0x\(String(c, radix: 16))") at position \(position)"
                )
            }
            var carry = Int(value)
            var i = 0
            var k = size - 1
            while (carry != 0 || i < length) && k >= 0 {
                carry += 58 * Int(bytes[k])
                bytes[k] = UInt8(carry & 0xFF)
                carry >>= 8
                i += 1
                k -= 1
            }
            length = i
        }
        var start = size - length
        while start < size && bytes[start] == 0 { start += 1 }
        return [UInt8](repeating: 0, count: zeros) + bytes[start...]
    }
}
