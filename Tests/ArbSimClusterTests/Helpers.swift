import ArbSimCluster
import SolanaKeys
import SolanaPrimitives

enum T {
    static let sol: UInt64 = 1_000_000_000

    /// A fixed keypair from a one-byte tag (deterministic addresses for determinism tests).
    static func key(_ tag: UInt8) -> Keypair { try! Keypair(seed: [UInt8](repeating: tag, count: 32)) }

    static func legacy(_ ixs: [Instruction], payer: Keypair, blockhash: Hash, signers: [Keypair] = []) throws
        -> [UInt8]
    {
        let m = try LegacyMessage(instructions: ixs, payer: payer.address, recentBlockhash: blockhash)
        var all: [any TransactionSigner] = [payer]
        for s in signers where s.address != payer.address { all.append(s) }
        return try VersionedTransaction.signedWireBytes(message: .legacy(m), signers: all).bytes
    }

    static func v0(
        _ ixs: [Instruction], payer: Keypair, blockhash: Hash, tables: [AddressLookupTableAccount],
        signers: [Keypair] = []
    ) throws -> [UInt8] {
        let m = try V0Message(instructions: ixs, payer: payer.address, recentBlockhash: blockhash, lookupTables: tables)
        var all: [any TransactionSigner] = [payer]
        for s in signers where s.address != payer.address { all.append(s) }
        return try VersionedTransaction.signedWireBytes(message: .v0(m), signers: all).bytes
    }

    /// Submits and produces one block; returns that transaction's result.
    static func land(_ bank: inout Bank, _ bytes: [UInt8]) throws -> ExecutionResult {
        let sig = try bank.submit(bytes)
        let block = bank.produceBlock()
        guard let r = block.transactions.first(where: { $0.signature == sig }) else {
            throw TestFailure("transaction \(sig) missing from the block")
        }
        return r
    }

    static func tokenAmount(_ bank: Bank, _ account: Address) -> UInt64? {
        guard let a = bank.account(account), let t = try? TokenAccountLayout(data: a.data) else { return nil }
        return t.amount
    }

    /// Creates a mint (decimals 6, authority `authority`) with createAccount + initializeMint2; lands it.
    static func createMint(_ bank: inout Bank, payer: Keypair, mint: Keypair, authority: Address) throws {
        let rent = Rent.minimumBalance(dataLength: 82)
        let bytes = try legacy(
            [
                SystemProgram.createAccount(
                    from: payer.address, newAccount: mint.address, lamports: rent, space: 82, owner: ProgramIDs.token),
                TokenProgram.initializeMint2(
                    mint: mint.address, decimals: 6, mintAuthority: authority, freezeAuthority: nil),
            ], payer: payer, blockhash: bank.latestBlockhash, signers: [mint])
        let r = try land(&bank, bytes)
        guard r.error == nil else { throw TestFailure("create mint failed: \(r.error!) \(r.logs)") }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
