import Foundation
import SolanaKeys
import SolanaPrimitives

/// Builds and signs a transaction from a JSON recipe, so an external runtime (LiteSVM, via
/// conformance/test_litesvm.py) can execute exactly what SolArb's builders, compiler and signer produce.
///
/// Recipe: {"payer": PATH, "signers": [PATH…], "blockhash": B58 | null, "nonce_account_data": BASE64 | null,
///          "version": 0 | "legacy", "tables": [{"key": B58, "data": BASE64}], "instructions": [{"op": …}, …]}
/// Result: {"tx": BASE64, "size": N, "signature": B58, "outputs": {…}} (e.g. the derived lookup-table address).
public enum TransactionRecipe {
    struct RecipeError: Error, CustomStringConvertible {
        let description: String
    }

    public static func run(_ json: Data) throws -> [String: Any] {
        guard let r = try JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw RecipeError(description: "recipe must be a JSON object")
        }
        let payer = try KeypairFile.read(path: try string(r, "payer"))
        var signers: [Keypair] = [payer]
        for p in r["signers"] as? [String] ?? [] { signers.append(try KeypairFile.read(path: p)) }
        let byName = Dictionary(signers.map { ($0.address.base58, $0) }, uniquingKeysWith: { a, _ in a })

        let blockhash: Hash
        if let nonceData = r["nonce_account_data"] as? String {
            guard let bytes = Data(base64Encoded: nonceData) else { throw RecipeError(description: "bad nonce data") }
            blockhash = try NonceAccountState(data: Array(bytes)).durableNonce
        } else {
            blockhash = try Hash(base58: try string(r, "blockhash"))
        }
        let tables = try (r["tables"] as? [[String: Any]] ?? []).map { t -> AddressLookupTableAccount in
            guard let d = Data(base64Encoded: try string(t, "data")) else {
                throw RecipeError(description: "bad table data")
            }
            return try AddressLookupTableState(data: Array(d)).account(key: try Address(base58: try string(t, "key")))
        }
        var outputs: [String: Any] = [:]
        var instructions: [Instruction] = []
        for op in r["instructions"] as? [[String: Any]] ?? [] {
            instructions += try build(op, payer: payer.address, outputs: &outputs)
        }
        let message: VersionedMessage
        if (r["version"] as? String) == "legacy" {
            message = .legacy(
                try LegacyMessage(instructions: instructions, payer: payer.address, recentBlockhash: blockhash))
        } else {
            message = .v0(
                try V0Message(
                    instructions: instructions, payer: payer.address, recentBlockhash: blockhash, lookupTables: tables))
        }
        let required = message.signerKeys.compactMap { byName[$0.base58] }
        let tx = try VersionedTransaction(message: message, signers: required)
        let bytes = try tx.serializeForSending()
        return [
            "tx": Data(bytes).base64EncodedString(), "size": bytes.count, "signature": tx.id?.description ?? "",
            "outputs": outputs,
        ]
    }

    static func string(_ d: [String: Any], _ k: String) throws -> String {
        guard let s = d[k] as? String else { throw RecipeError(description: "missing \"\(k)\"") }
        return s
    }
    static func address(_ d: [String: Any], _ k: String) throws -> Address { try Address(base58: try string(d, k)) }
    static func u64(_ d: [String: Any], _ k: String) throws -> UInt64 {
        guard let n = d[k] as? NSNumber else { throw RecipeError(description: "missing \"\(k)\"") }
        return n.uint64Value
    }

    static func build(_ op: [String: Any], payer: Address, outputs: inout [String: Any]) throws -> [Instruction] {
        let tokenProgram = (op["token_program"] as? String).flatMap { Address($0) } ?? ProgramIDs.token
        switch try string(op, "op") {
        case "system.createAccount":
            return [
                SystemProgram.createAccount(
                    from: payer, newAccount: try address(op, "new"), lamports: try u64(op, "lamports"),
                    space: try u64(op, "space"), owner: try address(op, "owner"))
            ]
        case "system.transfer":
            return [SystemProgram.transfer(from: payer, to: try address(op, "to"), lamports: try u64(op, "lamports"))]
        case "system.createNonceAccount":
            return SystemProgram.createNonceAccount(
                from: payer, nonce: try address(op, "nonce"), authority: payer, lamports: try u64(op, "lamports"))
        case "system.advanceNonce":
            return [SystemProgram.advanceNonceAccount(nonce: try address(op, "nonce"), authority: payer)]
        case "computeBudget.limit":
            return [ComputeBudgetProgram.setComputeUnitLimit(UInt32(try u64(op, "units")))]
        case "computeBudget.price":
            return [ComputeBudgetProgram.setComputeUnitPrice(microLamports: try u64(op, "micro_lamports"))]
        case "token.initializeMint2":
            return [
                TokenProgram.initializeMint2(
                    mint: try address(op, "mint"), decimals: UInt8(try u64(op, "decimals")), mintAuthority: payer,
                    freezeAuthority: nil, programId: tokenProgram)
            ]
        case "token.mintTo":
            let ata = AssociatedTokenAccount.address(
                wallet: payer, mint: try address(op, "mint"), tokenProgram: tokenProgram)
            outputs["payer_ata"] = ata.base58
            return [
                TokenProgram.mintTo(
                    mint: try address(op, "mint"), destination: ata, authority: payer, amount: try u64(op, "amount"),
                    programId: tokenProgram)
            ]
        case "token.transferChecked":
            let mint = try address(op, "mint")
            let from = AssociatedTokenAccount.address(wallet: payer, mint: mint, tokenProgram: tokenProgram)
            let to = AssociatedTokenAccount.address(
                wallet: try address(op, "to_wallet"), mint: mint, tokenProgram: tokenProgram)
            var ix = TokenProgram.transferChecked(
                source: from, mint: mint, destination: to, authority: payer, amount: try u64(op, "amount"),
                decimals: UInt8(try u64(op, "decimals")), programId: tokenProgram)
            if op["wrong_account_order"] as? Bool == true { ix.accounts.swapAt(1, 2) }  // mint ↔ destination
            return [ix]
        case "token.initializeAccount3":
            return [
                TokenProgram.initializeAccount3(
                    account: try address(op, "account"), mint: try address(op, "mint"), owner: payer,
                    programId: tokenProgram)
            ]
        case "token.transfer":
            return [
                TokenProgram.transfer(
                    source: try address(op, "source"), destination: try address(op, "destination"), authority: payer,
                    amount: try u64(op, "amount"), programId: tokenProgram)
            ]
        case "token.syncNative":
            return [TokenProgram.syncNative(account: try address(op, "account"), programId: tokenProgram)]
        case "token.closeAccount":
            return [
                TokenProgram.closeAccount(
                    account: try address(op, "account"), destination: payer, owner: payer, programId: tokenProgram)
            ]
        case "ata.create":
            let wallet = try address(op, "wallet")
            outputs["ata_\(wallet.base58)"] =
                AssociatedTokenAccount.address(
                    wallet: wallet, mint: try address(op, "mint"), tokenProgram: tokenProgram
                ).base58
            return [
                AssociatedTokenProgram.create(
                    payer: payer, wallet: wallet, mint: try address(op, "mint"), tokenProgram: tokenProgram)
            ]
        case "ata.createIdempotent":
            let wallet = try address(op, "wallet")
            outputs["ata_\(wallet.base58)"] =
                AssociatedTokenAccount.address(
                    wallet: wallet, mint: try address(op, "mint"), tokenProgram: tokenProgram
                ).base58
            return [
                AssociatedTokenProgram.createIdempotent(
                    payer: payer, wallet: wallet, mint: try address(op, "mint"), tokenProgram: tokenProgram)
            ]
        case "alt.create":
            let (ix, table) = try AddressLookupTableProgram.create(
                authority: payer, payer: payer, recentSlot: try u64(op, "recent_slot"))
            outputs["table"] = table.base58
            return [ix]
        case "alt.extend":
            let addrs = try (op["addresses"] as? [String] ?? []).map { try Address(base58: $0) }
            return [
                AddressLookupTableProgram.extend(
                    table: try address(op, "table"), authority: payer, payer: payer, addresses: addrs)
            ]
        case "memo":
            return [MemoProgram.memo(try string(op, "text"), signers: [payer])]
        case let other:
            throw RecipeError(description: "unknown op \(other)")
        }
    }
}
