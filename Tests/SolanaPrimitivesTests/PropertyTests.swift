import PropertyBased
import Testing

@testable import SolanaPrimitives

@Suite struct PropertyTests {
    @Test func shortVecRoundTrips() async {
        await propertyCheck(input: Gen.int(in: 0...0xFFFF)) { n in
            let bytes = ShortVec.encoded(n)
            let decoded = try? ShortVec.decode(bytes)
            #expect(decoded?.value == n && decoded?.length == bytes.count)
            #expect(bytes.count == (n < 0x80 ? 1 : n < 0x4000 ? 2 : 3))
        }
    }

    @Test func base58RoundTrips() async {
        await propertyCheck(input: Gen.uint8().array(of: 0...70)) { bytes in
            #expect((try? Base58.decode(Base58.encode(bytes))) == bytes)
        }
    }

    @Test func compiledMessagesRoundTripAndSanitize() async {
        let keyGen = Gen.int(in: 1...40).map {
            Address(raw: Bytes32(w0: UInt64($0) &* 0x9E37_79B9_7F4A_7C15, w1: UInt64($0), w2: 0, w3: 0))
        }
        let metaGen = zip(keyGen, Gen.bool, Gen.bool).map { AccountMeta($0, signer: false, writable: $1 || $2) }
        let ixGen = zip(keyGen, metaGen.array(of: 0...8), Gen.uint8().array(of: 0...20)).map {
            Instruction(programId: $0, accounts: $1, data: $2)
        }
        await propertyCheck(input: ixGen.array(of: 0...5), keyGen.array(of: 0...30)) { ixs, tableKeys in
            let payer = Address(raw: Bytes32(w0: 0xFFFF, w1: 0, w2: 0, w3: 7))
            let table = AddressLookupTableAccount(
                key: Address(raw: Bytes32(w0: 0xAAAA, w1: 0, w2: 0, w3: 0)), addresses: tableKeys)
            guard let m = try? V0Message(instructions: ixs, payer: payer, recentBlockhash: .zero, lookupTables: [table])
            else {
                Issue.record("compile failed")
                return
            }
            let vm = VersionedMessage.v0(m)
            #expect(throws: Never.self) { try vm.sanitize() }
            #expect((try? VersionedMessage.deserialize(vm.serialize())) == vm)
            // Every instruction still resolves to the same program and accounts.
            let all =
                m.accountKeys + m.addressTableLookups.flatMap { $0.writableIndexes.map { tableKeys[Int($0)] } }
                + m.addressTableLookups.flatMap { $0.readonlyIndexes.map { tableKeys[Int($0)] } }
            for (ix, c) in zip(ixs, m.instructions) {
                #expect(all[Int(c.programIdIndex)] == ix.programId)
                #expect(c.accounts.map { all[Int($0)] } == ix.accounts.map(\.address))
                for (meta, idx) in zip(ix.accounts, c.accounts) where meta.isWritable {
                    #expect(vm.isWritable(index: Int(idx)))
                }
            }
        }
    }
}
