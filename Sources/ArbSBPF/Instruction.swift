/// One of the eleven sBPF registers. r0 holds the return value, r1 the input region pointer at entry,
/// r10 the read-only frame pointer.
public struct Register: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let number: UInt8

    /// Any of r0…r10; traps on anything else (a programming error in our own assembly source).
    public init(_ number: UInt8) {
        precondition(number <= 10, "sBPF has registers r0…r10, not r\(number)")
        self.number = number
    }

    public static let r0 = Register(0)
    public static let r1 = Register(1)
    public static let r2 = Register(2)
    public static let r3 = Register(3)
    public static let r4 = Register(4)
    public static let r5 = Register(5)
    public static let r6 = Register(6)
    public static let r7 = Register(7)
    public static let r8 = Register(8)
    public static let r9 = Register(9)
    public static let r10 = Register(10)

    public var description: String { "r\(number)" }
    public static func < (l: Register, r: Register) -> Bool { l.number < r.number }
}

/// The second operand of an ALU, jump or store instruction: a register or a 32-bit immediate
/// (sign-extended to 64 bits by 64-bit operations).
public enum Operand: Hashable, Sendable {
    case reg(Register)
    case imm(Int32)
}

/// Arithmetic and logic operations (the high nibble of an ALU opcode).
public enum ALUOp: UInt8, Hashable, Sendable, CaseIterable {
    case add = 0x00
    case sub = 0x10
    case mul = 0x20
    case div = 0x30
    case or = 0x40
    case and = 0x50
    case lsh = 0x60
    case rsh = 0x70
    case mod = 0x90
    case xor = 0xa0
    case mov = 0xb0
    case arsh = 0xc0

    public var mnemonic: String { "\(self)" }
}

/// Conditional jump comparisons (the high nibble of a jump opcode). Unsigned unless prefixed with `s`.
public enum JumpOp: UInt8, Hashable, Sendable, CaseIterable {
    case jeq = 0x10
    case jgt = 0x20
    case jge = 0x30
    case jset = 0x40
    case jne = 0x50
    case jsgt = 0x60
    case jsge = 0x70
    case jlt = 0xa0
    case jle = 0xb0
    case jslt = 0xc0
    case jsle = 0xd0

    public var mnemonic: String { "\(self)" }
}

/// Memory access width.
public enum MemSize: UInt8, Hashable, Sendable, CaseIterable {
    case b = 0x10
    case h = 0x08
    case w = 0x00
    case dw = 0x18

    public var bytes: Int {
        switch self {
        case .b: 1
        case .h: 2
        case .w: 4
        case .dw: 8
        }
    }
}

/// Where a jump goes: a named label resolved by the assembler, or a raw slot offset relative to the next slot.
public enum JumpTarget: Hashable, Sendable {
    case label(String)
    case offset(Int16)
}

/// One sBPF instruction as a value. `lddw` occupies two 8-byte slots, every other instruction one.
/// The subset is the one shared by SBPF v0 and v3 (classic eBPF encoding; no PQR/v2 opcodes).
public enum Insn: Hashable, Sendable {
    /// `dst = dst op src` on 64 bits.
    case alu64(ALUOp, Register, Operand)
    /// `dst = (dst op src) as u32`, zero-extended.
    case alu32(ALUOp, Register, Operand)
    /// `neg64 dst`.
    case neg64(Register)
    /// `dst = *(size *)(src + offset)`.
    case load(MemSize, dst: Register, src: Register, offset: Int16)
    /// `*(size *)(dst + offset) = value` (register or immediate).
    case store(MemSize, dst: Register, offset: Int16, Operand)
    /// `dst = imm64` (two slots).
    case lddw(Register, UInt64)
    /// `if dst op operand goto target` (64-bit comparison).
    case jump(JumpOp, Register, Operand, JumpTarget)
    /// `goto target`.
    case ja(JumpTarget)
    /// `call imm` (a syscall hash in v0, a relative function offset in v3) — emitted as given.
    case callImm(Int32)
    /// Return to the caller (the runtime, from the entry frame) with r0 as the result.
    case exit

    /// Number of 8-byte slots this instruction takes.
    public var slotCount: Int {
        if case .lddw = self { return 2 }
        return 1
    }
}

/// Opcode constants (classic eBPF, as listed in solana-sbpf `src/ebpf.rs`).
public enum Opcode {
    public static let classLD: UInt8 = 0x00
    public static let classLDX: UInt8 = 0x01
    public static let classST: UInt8 = 0x02
    public static let classSTX: UInt8 = 0x03
    public static let classALU32: UInt8 = 0x04
    public static let classJMP: UInt8 = 0x05
    public static let classALU64: UInt8 = 0x07
    public static let sourceImm: UInt8 = 0x00
    public static let sourceReg: UInt8 = 0x08
    public static let modeMem: UInt8 = 0x60
    public static let modeImm: UInt8 = 0x00
    /// `lddw` (`BPF_LD | BPF_IMM | BPF_DW`).
    public static let lddw: UInt8 = 0x18
    public static let ja: UInt8 = 0x05
    public static let call: UInt8 = 0x85
    public static let exit: UInt8 = 0x95
    public static let neg64: UInt8 = 0x87
}

/// One encoded 8-byte slot: `opcode | dst:4 src:4 | offset: i16 LE | imm: i32 LE`.
public struct Slot: Hashable, Sendable {
    public var opcode: UInt8
    public var dst: UInt8
    public var src: UInt8
    public var offset: Int16
    public var imm: Int32

    public init(opcode: UInt8, dst: UInt8 = 0, src: UInt8 = 0, offset: Int16 = 0, imm: Int32 = 0) {
        precondition(dst < 16 && src < 16, "register fields are 4 bits")
        self.opcode = opcode
        self.dst = dst
        self.src = src
        self.offset = offset
        self.imm = imm
    }

    public var bytes: [UInt8] {
        let off = UInt16(bitPattern: offset)
        let im = UInt32(bitPattern: imm)
        return [
            opcode, (src << 4) | dst, UInt8(off & 0xff), UInt8(off >> 8),
            UInt8(im & 0xff), UInt8((im >> 8) & 0xff), UInt8((im >> 16) & 0xff), UInt8(im >> 24),
        ]
    }

    /// Decodes the slot starting at `start`; throws on a short buffer.
    public init(bytes: [UInt8], at start: Int) throws(SBPFError) {
        guard start >= 0, start + 8 <= bytes.count else {
            throw SBPFError(.malformedBytecode, "slot at byte \(start) runs past the end (\(bytes.count) bytes)")
        }
        opcode = bytes[start]
        dst = bytes[start + 1] & 0x0f
        src = bytes[start + 1] >> 4
        offset = Int16(bitPattern: UInt16(bytes[start + 2]) | UInt16(bytes[start + 3]) << 8)
        let u =
            UInt32(bytes[start + 4]) | UInt32(bytes[start + 5]) << 8 | UInt32(bytes[start + 6]) << 16
            | UInt32(bytes[start + 7]) << 24
        imm = Int32(bitPattern: u)
    }
}
