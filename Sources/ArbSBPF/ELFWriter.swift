/// The SBPF versions this writer can target (the value the loader reads from `e_flags`).
public enum SBPFVersion: UInt32, Hashable, Sendable, CaseIterable {
    /// Legacy format: `.text` found through section headers, loaded by the lenient parser.
    case v0 = 0
    /// SIMD-0189 stricter ELF headers: one `PT_LOAD` with `PF_X` at `1 << 32`, checked by the strict parser.
    case v3 = 3
}

/// Writes a minimal, deterministic ELF64 shared object holding one `.text` section.
///
/// Layout facts (solana-sbpf `src/elf.rs`, `load_with_strict_parser` and `validate`; verified against LiteSVM by
/// `conformance/guard`):
/// - v3: `e_machine` 247 (EM_BPF), `e_flags` 3, `ET_DYN`, `e_phoff` 64, exactly one `PT_LOAD` with `p_flags = PF_X`,
///   `p_offset` = end of the program-header table (120), `p_vaddr = p_paddr = 1 << 32`, `p_filesz = p_memsz`,
///   `e_entry = (1 << 32) + 8 * entryPC`. Section headers are optional for the loader; we add `.text` and
///   `.shstrtab` so that `llvm-objdump -d` can disassemble the file, and `.symtab`/`.strtab` when symbols are given
///   (labels in the listing).
/// - v0: `e_flags` 0, no program headers, `.text` at file offset 64 with `sh_addr == sh_offset`,
///   `e_entry = sh_addr + 8 * entryPC`, plus `.shstrtab`; header sizes filled in even with no program headers.
public enum ELFWriter {
    public static let ehdrSize = 64
    public static let phdrSize = 56
    public static let shdrSize = 64
    public static let emBPF: UInt16 = 247
    public static let etDyn: UInt16 = 3
    /// Where v3 maps the bytecode (solana-sbpf `MM_BYTECODE_START`).
    public static let bytecodeVaddr: UInt64 = 1 << 32

    static let textName: UInt32 = 1
    static let shstrtabName: UInt32 = 7
    static let symtabName: UInt32 = 17
    static let strtabName: UInt32 = 25

    /// A name for a slot, written to `.symtab` so disassemblers show labels. The loader ignores local symbols;
    /// `global` ones are marked `STT_FUNC` (use it for the entry point only).
    public struct Symbol: Hashable, Sendable {
        public var name: String
        public var pc: Int
        public var global: Bool

        public init(name: String, pc: Int, global: Bool = false) {
            self.name = name
            self.pc = pc
            self.global = global
        }
    }

    /// The ELF bytes for `text` (a whole number of 8-byte slots) entered at slot `entryPC`, with optional symbols.
    public static func write(
        text: [UInt8], entryPC: Int = 0, version: SBPFVersion, symbols: [Symbol] = []
    ) throws(SBPFError) -> [UInt8] {
        guard !text.isEmpty, text.count % 8 == 0 else {
            throw SBPFError(.invalidProgram, "text must be a non-empty whole number of 8-byte slots, got \(text.count)")
        }
        let slots = text.count / 8
        guard entryPC >= 0, entryPC < slots else {
            throw SBPFError(.invalidProgram, "entry slot \(entryPC) outside 0..<\(slots)")
        }
        for sym in symbols {
            guard sym.pc >= 0, sym.pc < slots, !sym.name.isEmpty, !sym.name.utf8.contains(0) else {
                throw SBPFError(.invalidProgram, "symbol \"\(sym.name)\" at slot \(sym.pc) is invalid")
            }
        }
        // Locals first (ELF requires it), each group in a deterministic order.
        let ordered = symbols.sorted { ($0.global ? 1 : 0, $0.pc, $0.name) < ($1.global ? 1 : 0, $1.pc, $1.name) }
        let firstGlobal = 1 + ordered.prefix { !$0.global }.count

        let phnum = version == .v3 ? 1 : 0
        let textOffset = ehdrSize + phnum * phdrSize  // 120 for v3, 64 for v0: both multiples of 8
        let textVaddr: UInt64 = version == .v3 ? bytecodeVaddr : UInt64(textOffset)
        let entry = textVaddr + UInt64(8 * entryPC)
        var shstrtab = Array("\0.text\0.shstrtab\0".utf8)
        if !ordered.isEmpty { shstrtab += Array(".symtab\0.strtab\0".utf8) }
        var strtab: [UInt8] = [0]
        var symtab = LEWriter()
        if !ordered.isEmpty {
            symtab.bytes([UInt8](repeating: 0, count: 24))
            for sym in ordered {
                symtab.u32(UInt32(strtab.count))  // st_name
                strtab += Array(sym.name.utf8) + [0]
                symtab.bytes([sym.global ? 0x12 : 0x00, 0])  // st_info: GLOBAL|FUNC or LOCAL|NOTYPE; st_other
                symtab.u16(1)  // st_shndx: .text
                symtab.u64(textVaddr + UInt64(8 * sym.pc))  // st_value
                symtab.u64(0)  // st_size
            }
        }
        let strOffset = textOffset + text.count
        let symtabOffset = align8(strOffset + shstrtab.count)
        let strtabOffset = symtabOffset + symtab.out.count
        let shoff = align8(ordered.isEmpty ? strOffset + shstrtab.count : strtabOffset + strtab.count)
        let shnum = ordered.isEmpty ? 3 : 5

        var w = LEWriter()
        // e_ident: magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ELFOSABI_NONE, ABI version 0, 7 bytes padding.
        w.bytes([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        w.u16(etDyn)
        w.u16(emBPF)
        w.u32(1)  // e_version
        w.u64(entry)
        w.u64(phnum > 0 ? UInt64(ehdrSize) : 0)  // e_phoff
        w.u64(UInt64(shoff))  // e_shoff
        w.u32(version.rawValue)  // e_flags
        w.u16(UInt16(ehdrSize))
        w.u16(UInt16(phdrSize))
        w.u16(UInt16(phnum))
        w.u16(UInt16(shdrSize))
        w.u16(UInt16(shnum))  // e_shnum: null, .text, .shstrtab (+ .symtab, .strtab)
        w.u16(2)  // e_shstrndx
        if version == .v3 {
            w.u32(1)  // PT_LOAD
            w.u32(1)  // PF_X
            w.u64(UInt64(textOffset))
            w.u64(textVaddr)  // p_vaddr
            w.u64(textVaddr)  // p_paddr
            w.u64(UInt64(text.count))  // p_filesz
            w.u64(UInt64(text.count))  // p_memsz
            w.u64(8)  // p_align
        }
        precondition(w.out.count == textOffset)
        w.bytes(text)
        w.bytes(shstrtab)
        if !ordered.isEmpty {
            w.pad(to: symtabOffset)
            w.bytes(symtab.out)
            w.bytes(strtab)
        }
        w.pad(to: shoff)
        // Section 0: all zero.
        w.bytes([UInt8](repeating: 0, count: shdrSize))
        // .text: SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR.
        section(&w, name: textName, type: 1, flags: 6, addr: textVaddr, offset: textOffset, size: text.count, align: 8)
        // .shstrtab: SHT_STRTAB.
        section(&w, name: shstrtabName, type: 3, flags: 0, addr: 0, offset: strOffset, size: shstrtab.count, align: 1)
        if !ordered.isEmpty {
            // .symtab: SHT_SYMTAB, link = .strtab (4), info = first global, entsize 24.
            section(
                &w, name: symtabName, type: 2, flags: 0, addr: 0, offset: symtabOffset, size: symtab.out.count,
                align: 8, link: 4, info: UInt32(firstGlobal), entsize: 24)
            section(
                &w, name: strtabName, type: 3, flags: 0, addr: 0, offset: strtabOffset, size: strtab.count, align: 1)
        }
        return w.out
    }

    static func section(
        _ w: inout LEWriter, name: UInt32, type: UInt32, flags: UInt64, addr: UInt64, offset: Int, size: Int,
        align: UInt64, link: UInt32 = 0, info: UInt32 = 0, entsize: UInt64 = 0
    ) {
        w.u32(name)
        w.u32(type)
        w.u64(flags)
        w.u64(addr)
        w.u64(UInt64(offset))
        w.u64(UInt64(size))
        w.u32(link)  // sh_link
        w.u32(info)  // sh_info
        w.u64(align)
        w.u64(entsize)  // sh_entsize
    }

    static func align8(_ n: Int) -> Int { (n + 7) & ~7 }
}

struct LEWriter {
    var out: [UInt8] = []
    mutating func bytes(_ b: [UInt8]) { out.append(contentsOf: b) }
    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    mutating func pad(to n: Int) { while out.count < n { out.append(0) } }
}
