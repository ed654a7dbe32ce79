/// A decoder written from the eBPF instruction-set spec (kernel `Documentation/bpf/instruction-set.rst` and
/// solana-sbpf `src/ebpf.rs`), sharing no code or tables with `ArbSBPF`: it turns text bytes into one line of
/// text per instruction, so tests compare the assembler's output with an independent reading of it.
enum IndependentDecoder {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let aluNames = ["add", "sub", "mul", "div", "or", "and", "lsh", "rsh", "neg", "mod", "xor", "mov", "arsh"]
    static let jumpNames = [
        "ja", "jeq", "jgt", "jge", "jset", "jne", "jsgt", "jsge", "call", "exit", "jlt", "jle", "jslt", "jsle",
    ]
    static let sizeNames = ["w", "h", "b", "dw"]  // BPF_W = 0x00, BPF_H = 0x08, BPF_B = 0x10, BPF_DW = 0x18

    static func signed(_ v: Int64) -> String { v < 0 ? "\(v)" : "+\(v)" }

    static func decode(_ text: [UInt8]) throws -> [String] {
        guard text.count % 8 == 0 else { throw Failure(description: "length \(text.count) not a multiple of 8") }
        var out: [String] = []
        var i = 0
        while i < text.count {
            let op = text[i]
            let dst = Int(text[i + 1] & 0x0f)
            let src = Int(text[i + 1] >> 4)
            let off = Int64(Int16(bitPattern: UInt16(text[i + 2]) | UInt16(text[i + 3]) << 8))
            var immBits: UInt32 = 0
            for k in 0..<4 { immBits |= UInt32(text[i + 4 + k]) << (8 * k) }
            let imm = Int64(Int32(bitPattern: immBits))
            let cls = op & 0x07
            let usesReg = op & 0x08 != 0
            let code = Int(op >> 4)
            switch cls {
            case 0x07, 0x04:  // ALU64, ALU32
                let width = cls == 0x07 ? "64" : "32"
                guard code < aluNames.count else { throw Failure(description: "bad alu op \(op)") }
                let name = aluNames[code] + width
                if aluNames[code] == "neg" {
                    out.append("\(name) r\(dst)")
                } else {
                    out.append(usesReg ? "\(name) r\(dst), r\(src)" : "\(name) r\(dst), \(imm)")
                }
            case 0x05:  // JMP
                guard code < jumpNames.count else { throw Failure(description: "bad jump op \(op)") }
                switch jumpNames[code] {
                case "ja": out.append("ja \(signed(off))")
                case "call": out.append("call \(imm)")
                case "exit": out.append("exit")
                case let name:
                    out.append(
                        usesReg ? "\(name) r\(dst), r\(src), \(signed(off))" : "\(name) r\(dst), \(imm), \(signed(off))"
                    )
                }
            case 0x01:  // LDX (mode MEM = 0x60)
                guard op & 0xe0 == 0x60 else { throw Failure(description: "bad ldx mode \(op)") }
                out.append("ldx\(sizeNames[Int(op >> 3) & 3]) r\(dst), [r\(src)\(signed(off))]")
            case 0x02:  // ST
                guard op & 0xe0 == 0x60 else { throw Failure(description: "bad st mode \(op)") }
                out.append("st\(sizeNames[Int(op >> 3) & 3]) [r\(dst)\(signed(off))], \(imm)")
            case 0x03:  // STX
                guard op & 0xe0 == 0x60 else { throw Failure(description: "bad stx mode \(op)") }
                out.append("stx\(sizeNames[Int(op >> 3) & 3]) [r\(dst)\(signed(off))], r\(src)")
            case 0x00:  // LD: only lddw (0x18), two slots, second slot all zero but its imm
                guard op == 0x18, i + 16 <= text.count else { throw Failure(description: "bad ld \(op) at \(i)") }
                guard text[i + 8..<i + 12].allSatisfy({ $0 == 0 }) else {
                    throw Failure(description: "lddw second slot has a nonzero header")
                }
                var hi: UInt64 = 0
                for k in 0..<4 { hi |= UInt64(text[i + 12 + k]) << (8 * k) }
                let value = UInt64(immBits) | hi << 32
                out.append("lddw r\(dst), 0x\(String(value, radix: 16))")
                i += 8
            default:
                throw Failure(description: "unknown class \(cls)")
            }
            i += 8
        }
        return out
    }
}
