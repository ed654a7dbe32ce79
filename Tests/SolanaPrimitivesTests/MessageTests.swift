import Testing

@testable import SolanaPrimitives

/// Hand-written cases for the rules the differential vectors exercise only at random.
@Suite struct MessageTests {
    let payer = Address(raw: Bytes32(w0: 9, w1: 0, w2: 0, w3: 0))
    let program = Address(raw: Bytes32(w0: 7, w1: 0, w2: 0, w3: 0))
    let a = Address(raw: Bytes32(w0: 1, w1: 0, w2: 0, w3: 0))
    let b = Address(raw: Bytes32(w0: 2, w1: 0, w2: 0, w3: 0))
    let signer2 = Address(raw: Bytes32(w0: 3, w1: 0, w2: 0, w3: 0))

    @Test func payerFirstThenGroupsInByteOrder() throws {
        let ix = Instruction(
            programId: program,
            accounts: [.readonly(b), .writable(a), .readonly(signer2, signer: true), .readonly(a)], data: [1])
        let m = try LegacyMessage(instructions: [ix], payer: payer, recentBlockhash: .zero)
        #expect(m.accountKeys == [payer, signer2, a, b, program])
        #expect(
            m.header
                == MessageHeader(numRequiredSignatures: 2, numReadonlySignedAccounts: 1, numReadonlyUnsignedAccounts: 2)
        )
        #expect(m.instructions[0].accounts == [3, 2, 1, 2])
        #expect(m.instructions[0].programIdIndex == 4)
    }

    @Test func lookupTablesNeverSupplySignersPayerOrPrograms() throws {
        let ix = Instruction(
            programId: program, accounts: [.writable(a), .readonly(b), .readonly(signer2, signer: true)], data: [])
        let table = AddressLookupTableAccount(
            key: Address(raw: Bytes32(w0: 99, w1: 0, w2: 0, w3: 0)), addresses: [payer, program, signer2, b, a, a])
        let m = try V0Message(instructions: [ix], payer: payer, recentBlockhash: .zero, lookupTables: [table])
        #expect(m.accountKeys == [payer, signer2, program])
        #expect(
            m.addressTableLookups == [
                MessageAddressTableLookup(accountKey: table.key, writableIndexes: [4], readonlyIndexes: [3])
            ])
        // static (3) + writable loaded (a) + readonly loaded (b)
        #expect(m.instructions[0].accounts == [3, 4, 1])
        let vm = VersionedMessage.v0(m)
        try vm.sanitize()
        #expect(vm.isWritable(index: 0) && !vm.isWritable(index: 1) && !vm.isWritable(index: 2))
        #expect(vm.isWritable(index: 3) && !vm.isWritable(index: 4))
    }

    @Test func unusedTableIsOmitted() throws {
        let ix = Instruction(programId: program, accounts: [.writable(a)], data: [])
        let unused = AddressLookupTableAccount(key: b, addresses: [signer2])
        let m = try V0Message(instructions: [ix], payer: payer, recentBlockhash: .zero, lookupTables: [unused])
        #expect(m.addressTableLookups.isEmpty)
    }

    @Test func sanitizeRejectsEachBrokenRule() throws {
        let ix = Instruction(programId: program, accounts: [.writable(a)], data: [])
        let good = try LegacyMessage(instructions: [ix], payer: payer, recentBlockhash: .zero)
        try VersionedMessage.legacy(good).sanitize()

        var noWritablePayer = good
        noWritablePayer.header.numReadonlySignedAccounts = 1
        #expect(throws: PrimitivesError.self) { try VersionedMessage.legacy(noWritablePayer).sanitize() }

        var headerTooBig = good
        headerTooBig.header.numReadonlyUnsignedAccounts = 9
        #expect(throws: PrimitivesError.self) { try VersionedMessage.legacy(headerTooBig).sanitize() }

        var programIsPayer = good
        programIsPayer.instructions[0].programIdIndex = 0
        #expect { try VersionedMessage.legacy(programIsPayer).sanitize() } throws: {
            ($0 as? PrimitivesError)?.code == .programIdInvalid
        }

        var accountOutOfRange = good
        accountOutOfRange.instructions[0].accounts = [200]
        #expect { try VersionedMessage.legacy(accountOutOfRange).sanitize() } throws: {
            ($0 as? PrimitivesError)?.code == .indexOutOfBounds
        }

        // v0: a program index must be static even when lookups make the index otherwise valid.
        var v0 = try V0Message(
            instructions: [ix], payer: payer, recentBlockhash: .zero,
            lookupTables: [AddressLookupTableAccount(key: b, addresses: [a])])
        v0.instructions[0].programIdIndex = UInt8(v0.accountKeys.count)  // first looked-up key
        #expect(throws: PrimitivesError.self) { try VersionedMessage.v0(v0).sanitize() }

        var emptyLookup = v0
        emptyLookup.instructions[0].programIdIndex = 1
        emptyLookup.addressTableLookups.append(
            MessageAddressTableLookup(accountKey: signer2, writableIndexes: [], readonlyIndexes: []))
        #expect(throws: PrimitivesError.self) { try VersionedMessage.v0(emptyLookup).sanitize() }
    }

    @Test func transactionCodecRejectsTruncationTrailingBytesAndBadVersions() throws {
        let ix = Instruction(programId: program, accounts: [.writable(a)], data: [1, 2, 3])
        let tx = VersionedTransaction(
            unsigned: .v0(try V0Message(instructions: [ix], payer: payer, recentBlockhash: .zero)))
        let bytes = tx.serialize()
        #expect(try VersionedTransaction.deserialize(bytes) == tx)
        for cut in [0, 1, 64, 65, bytes.count - 1] {
            #expect(throws: PrimitivesError.self) { try VersionedTransaction.deserialize(Array(bytes.prefix(cut))) }
        }
        #expect { try VersionedTransaction.deserialize(bytes + [0]) } throws: {
            ($0 as? PrimitivesError)?.code == .trailingBytes
        }
        var v1 = bytes
        v1[65] = 0x81
        #expect { try VersionedTransaction.deserialize(v1) } throws: {
            ($0 as? PrimitivesError)?.code == .unsupportedVersion
        }
        var extraSig = bytes
        extraSig[0] = 2
        extraSig.insert(contentsOf: [UInt8](repeating: 0, count: 64), at: 1)
        #expect { try VersionedTransaction.deserialize(extraSig) } throws: {
            ($0 as? PrimitivesError)?.code == .signatureCountMismatch
        }
    }

    @Test func packetLimitIsEnforced() throws {
        let many = (0..<40).map { Address(raw: Bytes32(w0: UInt64(100 + $0), w1: 1, w2: 0, w3: 0)) }
        let ix = Instruction(
            programId: program, accounts: many.map { .readonly($0) }, data: [UInt8](repeating: 0, count: 40))
        let tx = VersionedTransaction(
            unsigned: .legacy(try LegacyMessage(instructions: [ix], payer: payer, recentBlockhash: .zero)))
        #expect(tx.serialize().count > TransactionLimits.packetDataSize)
        #expect { try tx.serializeForSending() } throws: { ($0 as? PrimitivesError)?.code == .packetTooLarge }
        // The same accounts through a lookup table fit.
        let table = AddressLookupTableAccount(key: b, addresses: many)
        let small = VersionedTransaction(
            unsigned: .v0(
                try V0Message(instructions: [ix], payer: payer, recentBlockhash: .zero, lookupTables: [table])))
        #expect(try small.serializeForSending().count <= TransactionLimits.packetDataSize)
    }

    @Test func tooManyAccountsIsATypedError() throws {
        let many = (0..<300).map { Address(raw: Bytes32(w0: UInt64(1000 + $0), w1: 2, w2: 0, w3: 0)) }
        let ix = Instruction(programId: program, accounts: many.map { .readonly($0) }, data: [])
        #expect { try V0Message(instructions: [ix], payer: payer, recentBlockhash: .zero) } throws: {
            ($0 as? PrimitivesError)?.code == .tooManyAccounts
        }
        #expect(throws: PrimitivesError.self) {
            try LegacyMessage(instructions: [ix], payer: payer, recentBlockhash: .zero)
        }
    }
}
