import Foundation
import SolanaPrimitives
import Testing

@testable import SolanaKeys

@Suite struct KeysTests {
    func tempPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("solarb-keys-\(UUID().uuidString)-\(name)").path
    }

    @Test func writeThenReadRoundTripsWithOwnerOnlyPermissions() throws {
        let kp = Keypair()
        let path = tempPath("id.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try KeypairFile.write(kp, path: path)
        #expect(KeypairFile.permissions(path: path)?.mode == 0o600)
        var warnings: [String] = []
        let back = try KeypairFile.read(path: path) { warnings.append($0) }
        #expect(back.address == kp.address)
        #expect(warnings.isEmpty)
        // The file is the Solana CLI format: a JSON array of 64 numbers, public key last.
        let array = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [Int]
        #expect(array?.count == 64)
        #expect(array.map { Array($0[32...]).map(UInt8.init) } == kp.address.bytes)
        #expect(throws: KeysError.self) { try KeypairFile.write(kp, path: path) }  // no silent overwrite
    }

    /// The secret is created 0600 and never through a link planted at the path; `overwrite` replaces an existing
    /// (even world-readable) file with a fresh 0600 one.
    @Test func neverFollowsALinkAndOverwriteLeavesOwnerOnly() throws {
        let dir = tempPath("dir")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/id.json"
        let target = dir + "/elsewhere.json"
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        #expect(throws: KeysError.self) { try KeypairFile.write(Keypair(), path: path) }
        #expect(!FileManager.default.fileExists(atPath: target))
        try FileManager.default.removeItem(atPath: path)
        let old = Keypair()
        try KeypairFile.write(old, path: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let new = Keypair()
        try KeypairFile.write(new, path: path, overwrite: true)
        #expect(KeypairFile.permissions(path: path)?.mode == 0o600)
        #expect(try KeypairFile.read(path: path).address == new.address)
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["id.json"])
    }

    @Test func warnsWhenOthersCanRead() throws {
        let path = tempPath("open.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try KeypairFile.write(Keypair(), path: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        var warnings: [String] = []
        _ = try KeypairFile.read(path: path) { warnings.append($0) }
        #expect(warnings.count == 1 && warnings[0].contains("chmod 600"))
    }

    @Test func malformedFilesAreTypedErrorsThatNeverEchoContents() throws {
        let secretLooking = "[" + (0..<64).map { _ in "173" }.joined(separator: ",") + "]"
        let cases: [(String, KeysError.Code)] = [
            ("not json", .malformedKeypairFile),
            ("{\"a\":1}", .malformedKeypairFile),
            ("[1,2,3]", .malformedKeypairFile),
            ("[" + (0..<64).map { _ in "300" }.joined(separator: ",") + "]", .malformedKeypairFile),
            (secretLooking, .publicKeyMismatch),
        ]
        for (text, code) in cases {
            #expect {
                _ = try KeypairFile.parse(Data(text.utf8))
            } throws: { error in
                guard let e = error as? KeysError else { return false }
                return e.code == code && !e.description.contains("173,173")
            }
        }
        #expect { _ = try KeypairFile.read(path: tempPath("missing.json")) } throws: {
            ($0 as? KeysError)?.code == .fileNotFound
        }
    }

    @Test func descriptionsShowOnlyThePublicKey() throws {
        let kp = try Keypair(seed: Array(repeating: 7, count: 32))
        let secretHex = kp.solanaKeypairBytes().prefix(32).map { String(format: "%02x", $0) }.joined()
        for text in [String(describing: kp), String(reflecting: kp), "\(kp)"] {
            #expect(text.contains(kp.address.base58))
            #expect(!text.contains(secretHex))
            #expect(!text.contains("7, 7, 7"))
        }
    }

    @Test func signsInSignerOrderAndRejectsMissingOrExtraSigners() throws {
        let payer = try Keypair(seed: Array(repeating: 1, count: 32))
        let other = try Keypair(seed: Array(repeating: 2, count: 32))
        let stranger = try Keypair(seed: Array(repeating: 3, count: 32))
        let ix = Instruction(
            programId: ProgramIDs.memo, accounts: [.readonly(other.address, signer: true)], data: Array("hi".utf8))
        let message = VersionedMessage.v0(
            try V0Message(instructions: [ix], payer: payer.address, recentBlockhash: .zero))
        let tx = try VersionedTransaction(message: message, signers: [other, payer])  // order given doesn't matter
        #expect(tx.signatures.count == 2)
        try tx.verifySignatures()
        #expect(Ed25519.verify(tx.signatures[0], message: message.serialize(), publicKey: payer.address))
        #expect(throws: KeysError.self) { try VersionedTransaction(message: message, signers: [payer]) }
        #expect(throws: KeysError.self) {
            try VersionedTransaction(message: message, signers: [payer, other, stranger])
        }
        // The one-pass hot-path encoder produces exactly the same bytes.
        let (oneshot, wire) = try VersionedTransaction.signedWireBytes(message: message, signers: [payer, other])
        #expect(oneshot == tx)
        #expect(wire == tx.serialize())
        #expect(try VersionedTransaction.deserialize(wire) == tx)
        var tampered = tx
        tampered.signatures[1] = tx.signatures[0]
        #expect(throws: KeysError.self) { try tampered.verifySignatures() }
    }
}

@Suite struct HotPathSigningTests {
    /// The hot path (one reused compiler, a kept output buffer) gives the same bytes as the value types, for
    /// legacy and v0, with one and with two signers, and rejects a missing or an extra signer.
    @Test func signedTransactionIntoKeptBufferMatchesValueTypes() throws {
        let payer = try Keypair(seed: [UInt8](repeating: 1, count: 32))
        let second = try Keypair(seed: [UInt8](repeating: 2, count: 32))
        let stranger = try Keypair(seed: [UInt8](repeating: 3, count: 32))
        let program = Address(raw: Bytes32(w0: 77, w1: 1, w2: 2, w3: 3))
        let accounts = (0..<20).map {
            Address(raw: Bytes32(w0: UInt64($0) &* 0x1234_5678_9ABC_DEF1, w1: 5, w2: 0, w3: 0))
        }
        let table = AddressLookupTableAccount(
            key: Address(raw: Bytes32(w0: 1, w1: 1, w2: 1, w3: 1)), addresses: accounts)
        let blockhash = Hash(raw: Bytes32(w0: 4, w1: 4, w2: 4, w3: 4))
        var compiler = MessageCompiler()
        var wire: [UInt8] = []
        for withSecond in [false, true] {
            let ix = Instruction(
                programId: program,
                accounts: [.writable(payer.address, signer: true)]
                    + (withSecond ? [.readonly(second.address, signer: true)] : [])
                    + accounts.enumerated().map { $0.offset % 3 == 0 ? .readonly($0.element) : .writable($0.element) },
                data: [1, 2, 3])
            let signers: [any TransactionSigner] = withSecond ? [payer, second] : [payer]
            for version in [MessageVersion.legacy, .v0] {
                let message: VersionedMessage =
                    version == .v0
                    ? .v0(
                        try V0Message(
                            instructions: [ix], payer: payer.address, recentBlockhash: blockhash, lookupTables: [table])
                    )
                    : .legacy(try LegacyMessage(instructions: [ix], payer: payer.address, recentBlockhash: blockhash))
                let expected = try VersionedTransaction(message: message, signers: signers).serialize()
                let others: [any TransactionSigner] = withSecond ? [second] : []
                let returned = try compiler.signedTransaction(
                    instructions: [ix], payer: payer, otherSigners: others, recentBlockhash: blockhash,
                    lookupTables: [table], version: version)
                try compiler.signedTransaction(
                    instructions: [ix], payer: payer, otherSigners: others, recentBlockhash: blockhash,
                    lookupTables: [table], version: version, into: &wire)
                #expect(returned == expected)
                #expect(wire == expected)
                #expect(try VersionedTransaction.deserialize(wire).verifySignatures() == ())
                #expect(throws: KeysError.self) {
                    try compiler.signedTransaction(
                        instructions: [ix], payer: payer, otherSigners: others + [stranger], recentBlockhash: blockhash,
                        lookupTables: [table], version: version, into: &wire)
                }
                if withSecond {
                    #expect(throws: KeysError.self) {
                        try compiler.signedTransaction(
                            instructions: [ix], payer: payer, recentBlockhash: blockhash, lookupTables: [table],
                            version: version, into: &wire)
                    }
                }
            }
        }
    }
}
