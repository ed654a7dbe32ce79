import ArbSBPF
import SolanaPrimitives

/// The guard program, written in sBPF assembly with `ArbSBPF`.
///
/// Input region (r1) of the upgradeable loader's aligned ABI, as verified in LiteSVM: u64 account count at 0,
/// then per account at p: dup marker (0xff = first occurrence), is_signer, is_writable, executable, 4 padding,
/// key at p+8, owner at p+40, lamports at p+72, data_len at p+80, data at p+88, 10 240 bytes of realloc space,
/// padding to 8, rent_epoch (u64). A 165-byte account therefore takes 88 + 168 + 10 240 + 8 = 10 504 bytes; after
/// the last account: u64 instruction-data length, then the data.
public enum GuardProgram {
    static let accountsStart: Int32 = 8
    static let dupMarker: Int16 = 0
    static let ownerOffset: Int16 = 40
    static let dataLenOffset: Int16 = 80
    static let dataOffset = 88
    static let reallocSpace = 10_240
    /// Bytes one non-duplicate 165-byte account occupies in the input region.
    public static let accountStride: Int32 = Int32(dataOffset + 168 + reallocSpace + 8)

    /// The program, as assembly items (labels and instructions as values).
    public static var source: [AsmItem] {
        let owner = GuardABI.tokenProgram.bytes
        let ownerWords: [UInt64] = (0..<4).map { w in
            (0..<8).reduce(UInt64(0)) { acc, b in acc | UInt64(owner[w * 8 + b]) << (8 * b) }
        }
        var s: [AsmItem] = []
        func i(_ insn: Insn) { s.append(.insn(insn)) }
        func l(_ name: String) { s.append(.label(name)) }

        l("entrypoint")
        // r2 = N; 1 ≤ N ≤ 255.
        i(.load(.dw, dst: .r2, src: .r1, offset: 0))
        i(.jump(.jeq, .r2, .imm(0), .label("err_account_count")))
        i(.jump(.jgt, .r2, .imm(Int32(GuardABI.maxAccounts)), .label("err_account_count")))
        // r3 = p (current account), r4 = i.
        i(.alu64(.mov, .r3, .reg(.r1)))
        i(.alu64(.add, .r3, .imm(accountsStart)))
        i(.alu64(.mov, .r4, .imm(0)))

        l("check_account")
        i(.load(.b, dst: .r5, src: .r3, offset: dupMarker))
        i(.jump(.jne, .r5, .imm(0xff), .label("err_duplicate")))
        for (w, word) in ownerWords.enumerated() {
            i(.load(.dw, dst: .r5, src: .r3, offset: ownerOffset + Int16(8 * w)))
            i(.lddw(.r6, word))
            i(.jump(.jne, .r5, .reg(.r6), .label("err_owner")))
        }
        i(.load(.dw, dst: .r5, src: .r3, offset: dataLenOffset))
        i(.jump(.jne, .r5, .imm(Int32(GuardABI.tokenAccountLength)), .label("err_data_length")))
        i(.alu64(.add, .r3, .imm(accountStride)))
        i(.alu64(.add, .r4, .imm(1)))
        i(.jump(.jlt, .r4, .reg(.r2), .label("check_account")))

        // r3 now points at the instruction-data length: must be 8·N, N ≥ 1.
        i(.load(.dw, dst: .r5, src: .r3, offset: 0))
        i(.jump(.jeq, .r5, .imm(0), .label("err_instruction_data")))
        i(.alu64(.mov, .r6, .reg(.r5)))
        i(.alu64(.and, .r6, .imm(7)))
        i(.jump(.jne, .r6, .imm(0), .label("err_instruction_data")))
        i(.alu64(.rsh, .r5, .imm(3)))
        i(.jump(.jne, .r5, .reg(.r2), .label("err_account_count")))

        // r3 = &minimum[0], r7 = &amount of account 0, r4 = i.
        i(.alu64(.add, .r3, .imm(8)))
        i(.alu64(.mov, .r7, .reg(.r1)))
        i(.alu64(.add, .r7, .imm(accountsStart + Int32(dataOffset + GuardABI.tokenAmountOffset))))
        i(.alu64(.mov, .r4, .imm(0)))

        l("check_amount")
        i(.load(.dw, dst: .r5, src: .r7, offset: 0))
        i(.load(.dw, dst: .r6, src: .r3, offset: 0))
        i(.jump(.jlt, .r5, .reg(.r6), .label("err_insufficient")))
        i(.alu64(.add, .r7, .imm(accountStride)))
        i(.alu64(.add, .r3, .imm(8)))
        i(.alu64(.add, .r4, .imm(1)))
        i(.jump(.jlt, .r4, .reg(.r2), .label("check_amount")))
        i(.alu64(.mov, .r0, .imm(0)))
        i(.exit)

        func fail(_ label: String, _ code: UInt32, indexed: Bool) {
            l(label)
            i(.alu64(.mov, .r0, .imm(Int32(code))))
            if indexed { i(.alu64(.add, .r0, .reg(.r4))) }
            i(.exit)
        }
        fail("err_account_count", GuardABI.wrongAccountCount, indexed: false)
        fail("err_instruction_data", GuardABI.invalidInstructionData, indexed: false)
        fail("err_insufficient", GuardABI.insufficientBase, indexed: true)
        fail("err_owner", GuardABI.wrongOwnerBase, indexed: true)
        fail("err_data_length", GuardABI.wrongDataLengthBase, indexed: true)
        fail("err_duplicate", GuardABI.duplicateBase, indexed: true)
        return s
    }

    /// The assembled program.
    public static func assemble() throws(GuardError) -> AssembledProgram {
        do {
            return try Assembler.assemble(source)
        } catch {
            throw GuardError(.invalidProgram, "guard assembly failed: \(error)")
        }
    }

    /// The deployable ELF (SBPF v3 by default). Same bytes every time.
    public static func elf(version: SBPFVersion = .v3) throws(GuardError) -> [UInt8] {
        let program = try assemble()
        let entry = program.labels["entrypoint"] ?? 0
        // Every label becomes a symbol so `llvm-objdump -d` shows names; only `entrypoint` is global.
        let symbols = program.labels.map {
            ELFWriter.Symbol(name: $0.key, pc: $0.value, global: $0.key == "entrypoint")
        }
        do {
            return try ELFWriter.write(text: program.text, entryPC: entry, version: version, symbols: symbols)
        } catch {
            throw GuardError(.invalidProgram, "guard ELF failed: \(error)")
        }
    }
}
