import Testing

@testable import SolanaPrimitives

/// The reusable `MessageCompiler` keeps scratch buffers between transactions and orders keys with a counting sort
/// plus fix-up passes. These tests compare one compiler, reused across random transactions of very different sizes
/// (keys sharing 7-byte prefixes, repeated keys, more than 256 entries), with a deliberately naive reference
/// written from the rules: merge flags per key, payer first, then [writable signers | readonly signers | writable
/// non-signers | readonly non-signers], each in byte order.
@Suite struct CompilerReuseTests {
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// Keys that collide on purpose: the same first word (so the same 7-byte sort prefix) with different tails,
    /// and keys that differ only in the last byte of the first word (same first 7 bytes).
    static func keyPool(_ rng: inout SplitMix64) -> [Address] {
        var pool: [Address] = []
        for _ in 0..<40 { pool.append(Address(raw: Bytes32(w0: rng.next(), w1: rng.next(), w2: 0, w3: 0))) }
        let shared = rng.next()
        for k in 0..<6 { pool.append(Address(raw: Bytes32(w0: shared, w1: UInt64(k), w2: rng.next(), w3: 0))) }
        let prefix = rng.next() & 0x00FF_FFFF_FFFF_FFFF  // little-endian word: the top byte is key byte 7
        for k in 0..<6 {
            pool.append(Address(raw: Bytes32(w0: prefix | (UInt64(k) << 56), w1: 1, w2: 2, w3: 3)))
        }
        return pool
    }

    static func randomInstructions(
        _ rng: inout SplitMix64, _ pool: [Address], maxAccounts: Int, minAccounts: Int = 0, count: Int? = nil
    ) -> [Instruction] {
        (0..<(count ?? 1 + rng.below(6))).map { _ in
            let metas = (0..<(minAccounts + rng.below(maxAccounts - minAccounts + 1))).map { _ in
                AccountMeta(pool[rng.below(pool.count)], signer: rng.below(6) == 0, writable: rng.below(2) == 0)
            }
            return Instruction(
                programId: pool[rng.below(pool.count)], accounts: metas, data: (0..<rng.below(40)).map { UInt8($0) })
        }
    }

    /// The naive reference: (static keys, header, per-instruction (program index, account indexes)).
    static func reference(_ ixs: [Instruction], payer: Address) -> (
        keys: [Address], header: MessageHeader, compiled: [(UInt8, [UInt8])]
    ) {
        var flags: [Address: (signer: Bool, writable: Bool)] = [payer: (true, true)]
        for ix in ixs {
            if flags[ix.programId] == nil { flags[ix.programId] = (false, false) }
            for a in ix.accounts {
                let f = flags[a.address] ?? (false, false)
                flags[a.address] = (f.signer || a.isSigner, f.writable || a.isWritable)
            }
        }
        func group(_ f: (signer: Bool, writable: Bool)) -> Int {
            f.signer ? (f.writable ? 0 : 1) : (f.writable ? 2 : 3)
        }
        let others = flags.keys.filter { $0 != payer }.sorted {
            let (g0, g1) = (group(flags[$0]!), group(flags[$1]!))
            return g0 != g1 ? g0 < g1 : $0.bytes.lexicographicallyPrecedes($1.bytes)
        }
        let keys = [payer] + others
        let count = { (g: Int) in others.filter { group(flags[$0]!) == g }.count }
        let header = MessageHeader(
            numRequiredSignatures: UInt8(1 + count(0) + count(1)), numReadonlySignedAccounts: UInt8(count(1)),
            numReadonlyUnsignedAccounts: UInt8(count(3)))
        let index = { (a: Address) in UInt8(keys.firstIndex(of: a)!) }
        return (keys, header, ixs.map { (index($0.programId), $0.accounts.map { index($0.address) }) })
    }

    @Test func reusedCompilerMatchesNaiveReference() throws {
        var rng = SplitMix64(state: 20_261_125)
        var compiler = MessageCompiler()
        var checked = 0
        var bigOnes = 0
        for round in 0..<600 {
            let pool = Self.keyPool(&rng)
            // Alternate small, large and (every 7th) > 256 entries, so scratch grows and is reused smaller.
            let ixs =
                round % 7 == 0
                ? Self.randomInstructions(&rng, pool, maxAccounts: 64, minAccounts: 50, count: 5)
                : Self.randomInstructions(&rng, pool, maxAccounts: round % 2 == 0 ? 30 : 4)
            let payer = pool[rng.below(pool.count)]
            let entries = 1 + ixs.reduce(0) { $0 + 1 + $1.accounts.count }
            if entries > 256 { bigOnes += 1 }
            let ref = Self.reference(ixs, payer: payer)
            try compiler.compile(instructions: ixs, payer: payer, lookupTables: [])
            #expect(compiler.header == ref.header)
            #expect(compiler.staticKeys == ref.keys)
            let compiled = compiler.compiledInstructions(ixs)
            #expect(compiled.map(\.programIdIndex) == ref.compiled.map(\.0))
            #expect(compiled.map(\.accounts) == ref.compiled.map(\.1))
            // Both writers give the value type's bytes.
            let expected = try LegacyMessage(instructions: ixs, payer: payer, recentBlockhash: .zero).serialize()
            var w = ByteWriter()
            compiler.writeMessage(instructions: ixs, recentBlockhash: .zero, version: .legacy, into: &w)
            #expect(w.bytes == expected)
            var raw = [UInt8](repeating: 0xEE, count: expected.count + 5)
            let n = raw.withUnsafeMutableBytes {
                compiler.writeMessage(instructions: ixs, recentBlockhash: .zero, version: .legacy, to: $0)
            }
            #expect(n == expected.count)
            #expect(Array(raw[..<n]) == expected)
            #expect(raw[n...].allSatisfy { $0 == 0xEE })
            checked += 1
        }
        #expect(checked == 600)
        #expect(bigOnes > 10)  // the > 256-entry path ran
    }

    @Test func reusedCompilerMatchesFreshOneWithLookupTables() throws {
        var rng = SplitMix64(state: 7)
        var compiler = MessageCompiler()
        for round in 0..<300 {
            let pool = Self.keyPool(&rng)
            let ixs = Self.randomInstructions(&rng, pool, maxAccounts: round % 3 == 0 ? 40 : 6)
            let payer = pool[rng.below(pool.count)]
            let tables = (0..<rng.below(3)).map { t in
                AddressLookupTableAccount(
                    key: Address(raw: Bytes32(w0: UInt64(t), w1: 99, w2: 0, w3: 0)),
                    addresses: (0..<rng.below(pool.count)).map { _ in pool[rng.below(pool.count)] })
            }
            let fresh = try V0Message(instructions: ixs, payer: payer, recentBlockhash: .zero, lookupTables: tables)
            try compiler.compile(instructions: ixs, payer: payer, lookupTables: tables)
            var w = ByteWriter()
            compiler.writeMessage(instructions: ixs, recentBlockhash: .zero, version: .v0, into: &w)
            #expect(w.bytes == VersionedMessage.v0(fresh).serialize())
            // Every instruction still resolves to the same program and accounts through static + looked-up keys.
            let loadedW = fresh.addressTableLookups.flatMap { l in
                l.writableIndexes.map { tables.first { $0.key == l.accountKey }!.addresses[Int($0)] }
            }
            let loadedR = fresh.addressTableLookups.flatMap { l in
                l.readonlyIndexes.map { tables.first { $0.key == l.accountKey }!.addresses[Int($0)] }
            }
            let all = fresh.accountKeys + loadedW + loadedR
            for (ix, c) in zip(ixs, fresh.instructions) {
                #expect(all[Int(c.programIdIndex)] == ix.programId)
                #expect(c.accounts.map { all[Int($0)] } == ix.accounts.map(\.address))
            }
        }
    }
}
