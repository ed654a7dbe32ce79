/// A line of assembly source: an instruction, or a label naming the slot of the next instruction.
public enum AsmItem: Hashable, Sendable {
    case label(String)
    case insn(Insn)
}

/// The result of assembling: the encoded slots, the text bytes, and where each label landed (slot index).
public struct AssembledProgram: Hashable, Sendable {
    public let slots: [Slot]
    public let labels: [String: Int]
    /// The source instructions with labels resolved to raw slot offsets (useful for listings).
    public let instructions: [Insn]

    /// The `.text` bytes: 8 bytes per slot.
    public var text: [UInt8] { slots.flatMap(\.bytes) }
}

/// A two-pass sBPF assembler: pass one places labels at slot indexes (`lddw` counts two), pass two encodes and
/// resolves jump offsets (`target - (pc + 1)`). Rejects what the loader's verifier would reject for the
/// instructions it knows: writes to r10, shift amounts ≥ the operand width, division by an immediate zero,
/// jumps outside the program or into the second half of an `lddw`.
public enum Assembler {
    /// The loader's limit on instructions per program (solana-sbpf `PROG_MAX_INSNS`).
    public static let maxSlots = 65_536

    public static func assemble(_ items: [AsmItem]) throws(SBPFError) -> AssembledProgram {
        // Pass 1: labels → slot index.
        var labels: [String: Int] = [:]
        var pc = 0
        var lddwSecondHalves = Set<Int>()
        for item in items {
            switch item {
            case .label(let name):
                guard labels[name] == nil else { throw SBPFError(.duplicateLabel, "label \"\(name)\" defined twice") }
                labels[name] = pc
            case .insn(let insn):
                if insn.slotCount == 2 { lddwSecondHalves.insert(pc + 1) }
                pc += insn.slotCount
            }
        }
        let total = pc
        guard total > 0 else { throw SBPFError(.invalidProgram, "a program needs at least one instruction") }
        guard total <= maxSlots else {
            throw SBPFError(.invalidProgram, "\(total) slots exceed the loader limit of \(maxSlots)")
        }
        for (name, at) in labels where at >= total {
            throw SBPFError(.invalidProgram, "label \"\(name)\" points past the last instruction")
        }

        // Pass 2: encode.
        var slots: [Slot] = []
        slots.reserveCapacity(total)
        var resolved: [Insn] = []
        pc = 0
        for item in items {
            guard case .insn(let insn) = item else { continue }
            let (encoded, concrete) = try encode(
                insn, at: pc, labels: labels, total: total, lddwHalves: lddwSecondHalves)
            slots.append(contentsOf: encoded)
            resolved.append(concrete)
            pc += encoded.count
        }
        return AssembledProgram(slots: slots, labels: labels, instructions: resolved)
    }

    static func checkDst(_ r: Register, _ insn: Insn) throws(SBPFError) {
        guard r != .r10 else { throw SBPFError(.invalidInstruction, "\(insn): r10 (frame pointer) is read-only") }
    }

    static func checkImm(_ op: ALUOp, _ operand: Operand, width: Int32, _ insn: Insn) throws(SBPFError) {
        guard case .imm(let v) = operand else { return }
        switch op {
        case .lsh, .rsh, .arsh:
            guard v >= 0, v < width else {
                throw SBPFError(.invalidInstruction, "\(insn): shift by \(v) is outside 0..<\(width)")
            }
        case .div, .mod:
            guard v != 0 else { throw SBPFError(.invalidInstruction, "\(insn): division by an immediate zero") }
        default: break
        }
    }

    static func resolve(
        _ target: JumpTarget, at pc: Int, labels: [String: Int], total: Int, lddwHalves: Set<Int>, _ insn: Insn
    ) throws(SBPFError) -> Int16 {
        let dest: Int
        switch target {
        case .label(let name):
            guard let at = labels[name] else { throw SBPFError(.undefinedLabel, "\(insn): no label \"\(name)\"") }
            dest = at
        case .offset(let off):
            dest = pc + 1 + Int(off)
        }
        guard dest >= 0, dest < total else {
            throw SBPFError(.invalidInstruction, "\(insn) at slot \(pc): target slot \(dest) is outside 0..<\(total)")
        }
        guard !lddwHalves.contains(dest) else {
            throw SBPFError(.invalidInstruction, "\(insn) at slot \(pc): target is the second half of an lddw")
        }
        let rel = dest - (pc + 1)
        guard let off = Int16(exactly: rel) else {
            throw SBPFError(.jumpOutOfRange, "\(insn) at slot \(pc): offset \(rel) does not fit in 16 bits")
        }
        return off
    }

    static func encode(
        _ insn: Insn, at pc: Int, labels: [String: Int], total: Int, lddwHalves: Set<Int>
    ) throws(SBPFError) -> ([Slot], Insn) {
        switch insn {
        case .alu64(let op, let dst, let operand), .alu32(let op, let dst, let operand):
            let is64: Bool
            if case .alu64 = insn { is64 = true } else { is64 = false }
            try checkDst(dst, insn)
            try checkImm(op, operand, width: is64 ? 64 : 32, insn)
            let cls = is64 ? Opcode.classALU64 : Opcode.classALU32
            switch operand {
            case .reg(let src):
                return ([Slot(opcode: cls | Opcode.sourceReg | op.rawValue, dst: dst.number, src: src.number)], insn)
            case .imm(let v):
                return ([Slot(opcode: cls | Opcode.sourceImm | op.rawValue, dst: dst.number, imm: v)], insn)
            }
        case .neg64(let dst):
            try checkDst(dst, insn)
            return ([Slot(opcode: Opcode.neg64, dst: dst.number)], insn)
        case .load(let size, let dst, let src, let offset):
            try checkDst(dst, insn)
            let op = Opcode.classLDX | Opcode.modeMem | size.rawValue
            return ([Slot(opcode: op, dst: dst.number, src: src.number, offset: offset)], insn)
        case .store(let size, let dst, let offset, let operand):
            switch operand {
            case .reg(let src):
                let op = Opcode.classSTX | Opcode.modeMem | size.rawValue
                return ([Slot(opcode: op, dst: dst.number, src: src.number, offset: offset)], insn)
            case .imm(let v):
                let op = Opcode.classST | Opcode.modeMem | size.rawValue
                return ([Slot(opcode: op, dst: dst.number, offset: offset, imm: v)], insn)
            }
        case .lddw(let dst, let value):
            try checkDst(dst, insn)
            let lo = Int32(bitPattern: UInt32(truncatingIfNeeded: value))
            let hi = Int32(bitPattern: UInt32(truncatingIfNeeded: value >> 32))
            return ([Slot(opcode: Opcode.lddw, dst: dst.number, imm: lo), Slot(opcode: 0, imm: hi)], insn)
        case .jump(let op, let dst, let operand, let target):
            let off = try resolve(target, at: pc, labels: labels, total: total, lddwHalves: lddwHalves, insn)
            let concrete = Insn.jump(op, dst, operand, .offset(off))
            switch operand {
            case .reg(let src):
                let opc = Opcode.classJMP | Opcode.sourceReg | op.rawValue
                return ([Slot(opcode: opc, dst: dst.number, src: src.number, offset: off)], concrete)
            case .imm(let v):
                let opc = Opcode.classJMP | Opcode.sourceImm | op.rawValue
                return ([Slot(opcode: opc, dst: dst.number, offset: off, imm: v)], concrete)
            }
        case .ja(let target):
            let off = try resolve(target, at: pc, labels: labels, total: total, lddwHalves: lddwHalves, insn)
            return ([Slot(opcode: Opcode.ja, offset: off)], .ja(.offset(off)))
        case .callImm(let v):
            return ([Slot(opcode: Opcode.call, imm: v)], insn)
        case .exit:
            return ([Slot(opcode: Opcode.exit)], insn)
        }
    }
}
