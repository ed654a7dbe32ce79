import PropertyBased
import Testing

@testable import ArbSBPF

/// SplitMix64: a small deterministic generator seeded by the property-test input.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func reg(allowR10: Bool = false) -> Register { Register(UInt8(below(allowR10 ? 11 : 10))) }
    mutating func i32() -> Int32 { Int32(truncatingIfNeeded: next()) }
    mutating func i16() -> Int16 { Int16(truncatingIfNeeded: next()) }
}

/// The text the independent decoder should print for `insn`, with jump offsets already resolved by the caller.
func expectedText(_ insn: Insn, jumpOffset: Int16? = nil) -> String {
    func sgn(_ v: Int) -> String { v < 0 ? "\(v)" : "+\(v)" }
    func operand(_ o: Operand) -> String {
        switch o {
        case .reg(let r): "r\(r.number)"
        case .imm(let v): "\(v)"
        }
    }
    let sizes: [MemSize: String] = [.b: "b", .h: "h", .w: "w", .dw: "dw"]
    switch insn {
    case .alu64(let op, let d, let o): return "\(op)64 r\(d.number), \(operand(o))"
    case .alu32(let op, let d, let o): return "\(op)32 r\(d.number), \(operand(o))"
    case .neg64(let d): return "neg64 r\(d.number)"
    case .load(let s, let d, let src, let off): return "ldx\(sizes[s]!) r\(d.number), [r\(src.number)\(sgn(Int(off)))]"
    case .store(let s, let d, let off, .imm(let v)): return "st\(sizes[s]!) [r\(d.number)\(sgn(Int(off)))], \(v)"
    case .store(let s, let d, let off, .reg(let r)):
        return "stx\(sizes[s]!) [r\(d.number)\(sgn(Int(off)))], r\(r.number)"
    case .lddw(let d, let v): return "lddw r\(d.number), 0x\(String(v, radix: 16))"
    case .jump(let op, let d, let o, _): return "\(op) r\(d.number), \(operand(o)), \(sgn(Int(jumpOffset ?? 0)))"
    case .ja: return "ja \(sgn(Int(jumpOffset ?? 0)))"
    case .callImm(let v): return "call \(v)"
    case .exit: return "exit"
    }
}

/// A random non-jump instruction the verifier accepts.
func randomStraightLine(_ g: inout SplitMix) -> Insn {
    let aluOps = ALUOp.allCases
    let sizes = MemSize.allCases
    switch g.below(9) {
    case 0, 1:
        let op = aluOps[g.below(aluOps.count)]
        let is64 = g.below(2) == 0
        var operand: Operand = g.below(2) == 0 ? .reg(g.reg(allowR10: true)) : .imm(g.i32())
        if case .imm = operand {
            switch op {
            case .lsh, .rsh, .arsh: operand = .imm(Int32(g.below(is64 ? 64 : 32)))
            case .div, .mod: operand = .imm(Int32(g.below(1000) + 1) * (g.below(2) == 0 ? 1 : -1))
            default: break
            }
        }
        return is64 ? .alu64(op, g.reg(), operand) : .alu32(op, g.reg(), operand)
    case 2: return .neg64(g.reg())
    case 3: return .load(sizes[g.below(4)], dst: g.reg(), src: g.reg(allowR10: true), offset: g.i16())
    case 4: return .store(sizes[g.below(4)], dst: g.reg(allowR10: true), offset: g.i16(), .imm(g.i32()))
    case 5: return .store(sizes[g.below(4)], dst: g.reg(allowR10: true), offset: g.i16(), .reg(g.reg(allowR10: true)))
    case 6: return .lddw(g.reg(), g.next())
    case 7: return .callImm(g.i32())
    default: return .exit
    }
}

@Suite struct AssemblerEncodingTests {
    /// Literal encodings (eBPF spec / `llvm-objdump` of clang output): the first bytes are the opcode, then
    /// `src << 4 | dst`, offset (i16 LE), imm (i32 LE).
    @Test(arguments: [
        (Insn.alu64(.mov, .r0, .imm(0)), "b700000000000000"),
        (.exit, "9500000000000000"),
        (.load(.dw, dst: .r2, src: .r1, offset: 0), "7912000000000000"),
        (.load(.b, dst: .r5, src: .r3, offset: 0), "7135000000000000"),
        (.store(.dw, dst: .r10, offset: -8, .reg(.r1)), "7b1af8ff00000000"),
        (.store(.h, dst: .r1, offset: 2, .imm(0x1234)), "6a01020034120000"),
        (.alu64(.add, .r0, .reg(.r4)), "0f40000000000000"),
        (.alu64(.add, .r3, .imm(10504)), "0703000008290000"),
        (.alu32(.arsh, .r2, .imm(3)), "c402000003000000"),
        (.alu64(.and, .r6, .imm(-1)), "57060000ffffffff"),
        (.neg64(.r1), "8701000000000000"),
        (.lddw(.r1, 0x1122_3344_5566_7788), "18010000887766550000000044332211"),
        (.callImm(0x71e3_cf81), "8500000081cfe371"),
    ])
    func literalVectors(insn: Insn, hex: String) throws {
        let program = try Assembler.assemble([.insn(insn)])
        #expect(program.text.map { String(format2: $0) }.joined() == hex)
        #expect(program.slots.count == insn.slotCount)
    }

    @Test func jumpsResolveRelativeToTheNextSlot() throws {
        let program = try Assembler.assemble([
            .label("top"),
            .insn(.lddw(.r1, 7)),  // slots 0-1
            .insn(.jump(.jne, .r5, .reg(.r6), .label("end"))),  // slot 2 → 5: +2
            .insn(.jump(.jlt, .r4, .reg(.r2), .label("top"))),  // slot 3 → 0: -4
            .insn(.ja(.label("end"))),  // slot 4 → 5: +0
            .label("end"),
            .insn(.exit),
        ])
        #expect(program.labels == ["top": 0, "end": 5])
        let text = try IndependentDecoder.decode(program.text)
        #expect(text == ["lddw r1, 0x7", "jne r5, r6, +2", "jlt r4, r2, -4", "ja +0", "exit"])
    }

    @Test func rejectsWhatTheVerifierRejects() {
        func code(_ items: [AsmItem]) -> SBPFError.Code? {
            do {
                _ = try Assembler.assemble(items)
                return nil
            } catch { return error.code }
        }
        #expect(code([]) == .invalidProgram)
        #expect(code([.insn(.ja(.label("nowhere")))]) == .undefinedLabel)
        #expect(code([.label("a"), .label("a"), .insn(.exit)]) == .duplicateLabel)
        #expect(code([.insn(.exit), .label("end")]) == .invalidProgram)
        #expect(code([.insn(.alu64(.mov, .r10, .imm(0)))]) == .invalidInstruction)
        #expect(code([.insn(.load(.dw, dst: .r10, src: .r1, offset: 0))]) == .invalidInstruction)
        #expect(code([.insn(.alu64(.lsh, .r1, .imm(64)))]) == .invalidInstruction)
        #expect(code([.insn(.alu32(.rsh, .r1, .imm(32)))]) == .invalidInstruction)
        #expect(code([.insn(.alu64(.arsh, .r1, .imm(-1)))]) == .invalidInstruction)
        #expect(code([.insn(.alu64(.div, .r1, .imm(0)))]) == .invalidInstruction)
        #expect(code([.insn(.alu32(.mod, .r1, .imm(0)))]) == .invalidInstruction)
        #expect(code([.insn(.ja(.offset(1)))]) == .invalidInstruction)  // past the end
        #expect(code([.insn(.ja(.offset(-2))), .insn(.exit)]) == .invalidInstruction)  // before the start
        // into the middle of an lddw
        #expect(code([.insn(.ja(.offset(1))), .insn(.lddw(.r1, 1)), .insn(.exit)]) == .invalidInstruction)
        // a jump over 32 767 slots does not fit in the offset field
        let far: [AsmItem] =
            [.insn(.ja(.label("far")))] + Array(repeating: .insn(.exit), count: 40_000) + [.label("far"), .insn(.exit)]
        #expect(code(far) == .jumpOutOfRange)
        #expect(code([.insn(.alu64(.lsh, .r1, .imm(63))), .insn(.alu64(.mov, .r1, .reg(.r10)))]) == nil)
        #expect(code([.insn(.store(.dw, dst: .r10, offset: -8, .imm(1)))]) == nil)
    }

    /// Property: every straight-line instruction decodes, by an independent decoder, to exactly what it says.
    @Test func straightLineEncodingMatchesIndependentDecoder() async {
        await propertyCheck(count: iterations(3000), input: Gen.uint64()) { seed in
            var g = SplitMix(state: seed)
            let insn = randomStraightLine(&g)
            do {
                let program = try Assembler.assemble([.insn(insn)])
                #expect(program.text.count == 8 * insn.slotCount)
                #expect(try IndependentDecoder.decode(program.text) == [expectedText(insn)], "\(insn)")
            } catch {
                Issue.record("\(insn): \(error)")
            }
        }
    }

    /// Fuzz: random programs with labels and forward/backward jumps; the test computes slot positions and offsets
    /// on its own and compares with the independent decoding of the assembler's bytes.
    @Test func randomProgramsWithJumps() async {
        await propertyCheck(count: iterations(300), input: Gen.uint64()) { seed in
            var g = SplitMix(state: seed)
            let n = 1 + g.below(60)
            var body: [Insn] = (0..<n).map { _ in randomStraightLine(&g) }
            // label i sits before instruction labelAt[i]
            let labelCount = 1 + g.below(5)
            let labelAt = (0..<labelCount).map { _ in g.below(n) }
            var jumps: [Int: Insn] = [:]  // insert a jump before body instruction k
            for _ in 0..<(1 + g.below(10)) {
                let k = g.below(n)
                let target = JumpTarget.label("L\(g.below(labelCount))")
                jumps[k] =
                    g.below(3) == 0
                    ? .ja(target)
                    : .jump(
                        JumpOp.allCases[g.below(JumpOp.allCases.count)], g.reg(allowR10: true),
                        g.below(2) == 0 ? .reg(g.reg(allowR10: true)) : .imm(g.i32()), target)
            }
            var items: [AsmItem] = []
            var flat: [Insn] = []
            for k in 0..<n {
                for (i, at) in labelAt.enumerated() where at == k { items.append(.label("L\(i)")) }
                if let j = jumps[k] {
                    items.append(.insn(j))
                    flat.append(j)
                }
                items.append(.insn(body[k]))
                flat.append(body[k])
            }
            body = flat
            // independent slot bookkeeping
            var slotOf: [Int] = []
            var slot = 0
            for insn in body {
                slotOf.append(slot)
                if case .lddw = insn { slot += 2 } else { slot += 1 }
            }
            var labelSlot: [String: Int] = [:]
            var idx = 0
            for item in items {
                switch item {
                case .label(let name): labelSlot[name] = idx < slotOf.count ? slotOf[idx] : slot
                case .insn: idx += 1
                }
            }
            let expected = body.enumerated().map { (i, insn) -> String in
                switch insn {
                case .jump(_, _, _, .label(let l)), .ja(.label(let l)):
                    return expectedText(insn, jumpOffset: Int16(labelSlot[l]! - slotOf[i] - 1))
                default: return expectedText(insn)
                }
            }
            do {
                let program = try Assembler.assemble(items)
                #expect(program.labels == labelSlot)
                #expect(try IndependentDecoder.decode(program.text) == expected)
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    @Test func slotRoundTrip() async {
        await propertyCheck(count: iterations(1000), input: Gen.uint64()) { bits in
            var bytes: [UInt8] = []
            for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * k))) }
            let slot = try? Slot(bytes: bytes, at: 0)
            #expect(slot?.bytes == bytes)
        }
        #expect(throws: SBPFError.self) { try Slot(bytes: [1, 2, 3], at: 0) }
    }
}

extension String {
    init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self = String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
    }
}
