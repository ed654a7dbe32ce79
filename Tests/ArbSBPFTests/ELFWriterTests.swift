import Testing

@testable import ArbSBPF

/// Reads the ELF fields the loader checks, independently of `ELFWriter` (offsets from the ELF64 spec).
struct ELFView {
    let b: [UInt8]
    func u16(_ o: Int) -> UInt16 { UInt16(b[o]) | UInt16(b[o + 1]) << 8 }
    func u32(_ o: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[o + $1]) << (8 * $1) } }
    func u64(_ o: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[o + $1]) << (8 * $1) } }
    var ident: ArraySlice<UInt8> { b[0..<16] }
    var type: UInt16 { u16(16) }
    var machine: UInt16 { u16(18) }
    var version: UInt32 { u32(20) }
    var entry: UInt64 { u64(24) }
    var phoff: UInt64 { u64(32) }
    var shoff: UInt64 { u64(40) }
    var flags: UInt32 { u32(48) }
    var ehsize: UInt16 { u16(52) }
    var phentsize: UInt16 { u16(54) }
    var phnum: UInt16 { u16(56) }
    var shentsize: UInt16 { u16(58) }
    var shnum: UInt16 { u16(60) }
    var shstrndx: UInt16 { u16(62) }
    struct Phdr {
        let type: UInt32, flags: UInt32, offset: UInt64, vaddr: UInt64, paddr: UInt64, filesz: UInt64, memsz: UInt64
    }
    func phdr(_ i: Int) -> Phdr {
        let o = Int(phoff) + 56 * i
        return Phdr(
            type: u32(o), flags: u32(o + 4), offset: u64(o + 8), vaddr: u64(o + 16), paddr: u64(o + 24),
            filesz: u64(o + 32), memsz: u64(o + 40))
    }
    struct Shdr { let name: String, type: UInt32, flags: UInt64, addr: UInt64, offset: UInt64, size: UInt64 }
    func shdr(_ i: Int) -> Shdr {
        let o = Int(shoff) + 64 * i
        let strtab = Int(u64(Int(shoff) + 64 * Int(shstrndx) + 24))
        var n = strtab + Int(u32(o))
        var name: [UInt8] = []
        while b[n] != 0 {
            name.append(b[n])
            n += 1
        }
        return Shdr(
            name: String(decoding: name, as: UTF8.self), type: u32(o + 4), flags: u64(o + 8), addr: u64(o + 16),
            offset: u64(o + 24), size: u64(o + 32))
    }
}

@Suite struct ELFWriterTests {
    let text: [UInt8] = try! Assembler.assemble([
        .insn(.alu64(.mov, .r0, .imm(1))), .label("entry"), .insn(.lddw(.r1, 5)), .insn(.alu64(.mov, .r0, .imm(0))),
        .insn(.exit),
    ]).text

    @Test func v3HeadersAreWhatTheStrictLoaderAccepts() throws {
        let elf = ELFView(b: try ELFWriter.write(text: text, entryPC: 1, version: .v3))
        #expect(Array(elf.ident) == [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(elf.type == 3)  // ET_DYN
        #expect(elf.machine == 247)  // EM_BPF, not EM_SBPF (263)
        #expect(elf.version == 1)
        #expect(elf.flags == 3)
        #expect(elf.phoff == 64 && elf.ehsize == 64 && elf.phentsize == 56 && elf.phnum == 1)
        let ph = elf.phdr(0)
        #expect(ph.type == 1 && ph.flags == 1)  // PT_LOAD, PF_X only
        #expect(ph.offset == 64 + 56)  // exactly at the end of the program-header table
        #expect(ph.vaddr == 1 << 32 && ph.paddr == 1 << 32)
        #expect(ph.filesz == UInt64(text.count) && ph.memsz == ph.filesz)
        #expect(elf.entry == (1 << 32) + 8 * 1)
        #expect(Array(elf.b[Int(ph.offset)..<Int(ph.offset) + text.count]) == text)
        #expect(elf.shentsize == 64 && elf.shnum == 3)
        let textSection = elf.shdr(1)
        #expect(textSection.name == ".text" && textSection.addr == 1 << 32 && textSection.offset == ph.offset)
        #expect(textSection.size == UInt64(text.count) && textSection.flags == 6)
        #expect(elf.shdr(2).name == ".shstrtab")
        #expect(elf.shoff % 8 == 0 && Int(elf.shoff) + 3 * 64 == elf.b.count)
    }

    @Test func v0HeadersAreWhatTheLenientLoaderAccepts() throws {
        let elf = ELFView(b: try ELFWriter.write(text: text, entryPC: 1, version: .v0))
        #expect(elf.type == 3 && elf.machine == 247 && elf.flags == 0)
        #expect(elf.phnum == 0 && elf.ehsize == 64 && elf.phentsize == 56 && elf.shentsize == 64)
        let t = elf.shdr(1)
        #expect(t.name == ".text" && t.addr == t.offset && t.size == UInt64(text.count))
        #expect(elf.entry == t.addr + 8)
        #expect(Array(elf.b[Int(t.offset)..<Int(t.offset) + text.count]) == text)
    }

    @Test(arguments: SBPFVersion.allCases)
    func symbolsNameSlots(version: SBPFVersion) throws {
        let symbols = [
            ELFWriter.Symbol(name: "entry", pc: 1, global: true), .init(name: "b", pc: 3), .init(name: "a", pc: 0),
        ]
        let elf = ELFView(b: try ELFWriter.write(text: text, entryPC: 1, version: version, symbols: symbols))
        #expect(elf.shnum == 5)
        let symtab = elf.shdr(3)
        let strtab = elf.shdr(4)
        #expect(symtab.name == ".symtab" && symtab.type == 2 && symtab.size == 24 * 4)
        #expect(strtab.name == ".strtab" && strtab.type == 3)
        let o = Int(elf.shoff) + 64 * 3
        #expect(elf.u32(o + 40) == 4)  // sh_link → .strtab
        #expect(elf.u32(o + 44) == 3)  // sh_info: first global symbol index (null + 2 locals)
        let textAddr = elf.shdr(1).addr
        var seen: [(String, UInt64, UInt8)] = []
        for i in 1..<4 {
            let e = Int(symtab.offset) + 24 * i
            var n = Int(strtab.offset) + Int(elf.u32(e))
            var name: [UInt8] = []
            while elf.b[n] != 0 {
                name.append(elf.b[n])
                n += 1
            }
            #expect(elf.u16(e + 6) == 1)  // st_shndx = .text
            seen.append((String(decoding: name, as: UTF8.self), (elf.u64(e + 8) - textAddr) / 8, elf.b[e + 4]))
        }
        #expect(seen.map(\.0) == ["a", "b", "entry"])
        #expect(seen.map(\.1) == [0, 3, 1])
        #expect(seen.map(\.2) == [0x00, 0x00, 0x12])  // LOCAL|NOTYPE, LOCAL|NOTYPE, GLOBAL|FUNC
        // the loadable parts do not move
        let plain = ELFView(b: try ELFWriter.write(text: text, entryPC: 1, version: version))
        #expect(Array(plain.b[0..<40]) == Array(elf.b[0..<40]))
        #expect(Array(plain.b[Int(plain.shdr(1).offset)..<Int(plain.shdr(1).offset) + text.count]) == text)
        #expect(throws: SBPFError.self) {
            try ELFWriter.write(text: text, version: version, symbols: [.init(name: "x", pc: 99)])
        }
        #expect(throws: SBPFError.self) {
            try ELFWriter.write(text: text, version: version, symbols: [.init(name: "", pc: 0)])
        }
    }

    @Test(arguments: SBPFVersion.allCases)
    func deterministic(version: SBPFVersion) throws {
        #expect(try ELFWriter.write(text: text, version: version) == ELFWriter.write(text: text, version: version))
    }

    @Test func rejectsBadInput() {
        #expect(throws: SBPFError.self) { try ELFWriter.write(text: [], version: .v3) }
        #expect(throws: SBPFError.self) { try ELFWriter.write(text: [0x95, 0, 0, 0], version: .v3) }
        #expect(throws: SBPFError.self) { try ELFWriter.write(text: text, entryPC: 5, version: .v3) }
        #expect(throws: SBPFError.self) { try ELFWriter.write(text: text, entryPC: -1, version: .v0) }
    }
}
