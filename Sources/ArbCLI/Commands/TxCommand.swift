import ArbTestSupport
import ArgumentParser
import Foundation
import SolanaKeys
import SolanaPrimitives

struct TxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx",
        abstract: "Inspect serialized transactions.",
        subcommands: [Decode.self]
    )

    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Decode a base64 (or hex) transaction: header, accounts, lookups, instructions, sanitize and signature checks."
        )
        @Argument(help: "The transaction as base64 (as sent to sendTransaction) or hex; '-' reads standard input.")
        var transaction: String

        func run() throws {
            var text = transaction
            if text == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            }
            text = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let bytes = Data(base64Encoded: text).map(Array.init) ?? Hex.decode(text) else {
                throw ValidationError("not base64 or hex")
            }
            let tx = try VersionedTransaction.deserialize(bytes, sanitize: false)
            let m = tx.message
            let version: String
            if case .v0 = m { version = "v0" } else { version = "legacy" }
            print("\(version) transaction, \(bytes.count) bytes (limit \(TransactionLimits.packetDataSize))")
            let h = m.header
            print(
                "header: \(h.numRequiredSignatures) signers (\(h.numReadonlySignedAccounts) readonly), \(h.numReadonlyUnsignedAccounts) readonly unsigned"
            )
            print("blockhash: \(m.recentBlockhash)")
            for (i, s) in tx.signatures.enumerated() { print("signature[\(i)]: \(s)") }
            for (i, k) in m.staticAccountKeys.enumerated() {
                let role =
                    (i < Int(h.numRequiredSignatures) ? "signer " : "       ")
                    + (m.isWritable(index: i) ? "writable" : "readonly")
                print(String(format: "  [%3d] %@ %@", i, role, k.description))
            }
            for l in m.addressTableLookups {
                print("lookup table \(l.accountKey): writable \(l.writableIndexes) readonly \(l.readonlyIndexes)")
            }
            for (i, ix) in m.instructions.enumerated() {
                let keys = m.staticAccountKeys
                let program =
                    Int(ix.programIdIndex) < keys.count
                    ? keys[Int(ix.programIdIndex)].description : "index \(ix.programIdIndex)"
                print("instruction \(i): program \(program) accounts \(ix.accounts) data \(Hex.encode(ix.data))")
            }
            do {
                try tx.sanitize()
                print("sanitize: ok")
            } catch {
                print("sanitize: FAILED \(error)")
            }
            do {
                try tx.verifySignatures()
                print("signatures: all verify")
            } catch {
                print("signatures: \(error)")
            }
        }
    }
}
