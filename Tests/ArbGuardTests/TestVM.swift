import ArbSBPF

/// A tiny sBPF interpreter for the opcodes the guard uses, written from the eBPF spec for tests only. It runs the
/// guard's text on an input region serialized the way the loader does (docs/guard.md), so property tests can
/// compare the program with `GuardModel` on many more inputs than LiteSVM runs.
struct TestVM {
    enum Outcome: Equatable {
        case returned(UInt64, executed: Int)
        case fault(String)
    }

    static let inputStart: UInt64 = 4 << 32

    static func run(text: [UInt8], entryPC: Int, input: [UInt8], budget: Int = 100_000) -> Outcome {
        var r = [UInt64](repeating: 0, count: 11)
        r[1] = inputStart
        var pc = entryPC
        var executed = 0
        func load(_ addr: UInt64, _ size: Int) -> UInt64? {
            guard addr >= inputStart, addr - inputStart + UInt64(size) <= UInt64(input.count) else { return nil }
            let o = Int(addr - inputStart)
            return (0..<size).reduce(UInt64(0)) { $0 | UInt64(input[o + $1]) << (8 * $1) }
        }
        while executed < budget {
            guard pc >= 0, pc * 8 + 8 <= text.count else { return .fault("pc \(pc) out of text") }
            let o = pc * 8
            let op = text[o]
            let dst = Int(text[o + 1] & 0xf)
            let src = Int(text[o + 1] >> 4)
            let off = Int64(Int16(bitPattern: UInt16(text[o + 2]) | UInt16(text[o + 3]) << 8))
            let imm32 = Int32(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(text[o + 4 + $1]) << (8 * $1) })
            let imm = UInt64(bitPattern: Int64(imm32))
            executed += 1
            pc += 1
            func jump(_ taken: Bool) { if taken { pc += Int(off) } }
            switch op {
            case 0x79, 0x71:  // ldxdw, ldxb
                let size = op == 0x79 ? 8 : 1
                guard let v = load(r[src] &+ UInt64(bitPattern: off), size) else { return .fault("access violation") }
                r[dst] = v
            case 0x18:  // lddw
                let hi = (0..<4).reduce(UInt64(0)) { $0 | UInt64(text[o + 12 + $1]) << (8 * $1) }
                r[dst] = UInt64(UInt32(bitPattern: imm32)) | hi << 32
                pc += 1
            case 0xb7: r[dst] = imm
            case 0xbf: r[dst] = r[src]
            case 0x07: r[dst] = r[dst] &+ imm
            case 0x0f: r[dst] = r[dst] &+ r[src]
            case 0x57: r[dst] &= imm
            case 0x77: r[dst] >>= (imm & 63)
            case 0x15: jump(r[dst] == imm)
            case 0x25: jump(r[dst] > imm)
            case 0x55: jump(r[dst] != imm)
            case 0x5d: jump(r[dst] != r[src])
            case 0xad: jump(r[dst] < r[src])
            case 0x95: return .returned(r[0], executed: executed)
            default: return .fault("opcode 0x\(String(op, radix: 16)) not in the test VM")
            }
        }
        return .fault("budget exhausted")
    }
}
