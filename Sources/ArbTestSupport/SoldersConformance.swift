import Foundation
import SolanaKeys
import SolanaPrimitives

/// Checks SolArb's primitives against vectors produced by solders (conformance/gen_vectors.py): every case is
/// recomputed from its inputs and must match solders byte for byte; solders' serialized transactions must parse
/// and re-serialize identically; corrupted transactions must be accepted or rejected exactly as solders does.
public enum SoldersConformance {
    public struct Failure: Sendable, CustomStringConvertible {
        public let index: Int
        public let kind: String
        public let reason: String
        public var description: String { "case \(index) (\(kind)): \(reason)" }
    }

    public struct Report: Sendable {
        public var passed = 0
        public var failures: [Failure] = []
        public var byKind: [String: Int] = [:]
    }

    public static func check(file url: URL) throws -> Report {
        let data = try Data(contentsOf: url)
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let cases = root["cases"] as? [[String: Any]]
        else { throw PrimitivesError(.invalidArgument, "\(url.path): not a vectors file") }
        var report = Report()
        for (i, c) in cases.enumerated() {
            let kind = c["kind"] as? String ?? "?"
            report.byKind[kind, default: 0] += 1
            do {
                if let reason = try check(c, kind: kind) {
                    report.failures.append(Failure(index: i, kind: kind, reason: reason))
                } else {
                    report.passed += 1
                }
            } catch {
                report.failures.append(Failure(index: i, kind: kind, reason: "threw \(error)"))
            }
        }
        return report
    }

    struct BadCase: Error { let why: String }

    static func str(_ c: [String: Any], _ k: String) throws -> String {
        guard let s = c[k] as? String else { throw BadCase(why: "missing \(k)") }
        return s
    }
    static func hex(_ c: [String: Any], _ k: String) throws -> [UInt8] {
        guard let b = Hex.decode(try str(c, k)) else { throw BadCase(why: "bad hex in \(k)") }
        return b
    }
    static func addr(_ c: [String: Any], _ k: String) throws -> Address { try Address(base58: try str(c, k)) }
    static func u64(_ c: [String: Any], _ k: String) throws -> UInt64 {
        guard let n = c[k] as? NSNumber else { throw BadCase(why: "missing \(k)") }
        return n.uint64Value
    }

    static func instruction(_ j: [String: Any]) throws -> Instruction {
        let accounts = (j["accounts"] as? [[Any]] ?? []).map { a -> AccountMeta in
            AccountMeta(try! Address(base58: a[0] as! String), signer: a[1] as! Bool, writable: a[2] as! Bool)
        }
        return Instruction(programId: try addr(j, "program"), accounts: accounts, data: try hex(j, "data"))
    }

    static func describe(_ ix: Instruction) -> String {
        "\(ix.programId) ["
            + ix.accounts.map { "\($0.address):\($0.isSigner ? "s" : "")\($0.isWritable ? "w" : "")" }.joined(
                separator: ",")
            + "] \(Hex.encode(ix.data))"
    }

    /// nil when the case passes, else the reason.
    static func check(_ c: [String: Any], kind: String) throws -> String? {
        switch kind {
        case "base58":
            let bytes = try hex(c, "bytes")
            let expected = try str(c, "expected")
            let got = Base58.encode(bytes)
            if got != expected { return "encode \(got) != \(expected)" }
            let back = try Base58.decode(expected)
            return back == bytes ? nil : "decode round trip differs"
        case "oncurve":
            let raw = try Bytes32(bytes: try hex(c, "bytes"))
            let expected = c["expected"] as? Bool
            return raw.isOnEd25519Curve == expected
                ? nil : "isOnCurve \(raw.isOnEd25519Curve) != \(String(describing: expected))"
        case "pda":
            let seeds = (c["seeds"] as? [String] ?? []).compactMap(Hex.decode)
            let program = try addr(c, "program")
            let created = try? ProgramDerivedAddress.create(seeds: seeds, programId: program)
            let expectedCreate = c["create"] as? String
            if created?.base58 != expectedCreate {
                return "create \(String(describing: created)) != \(String(describing: expectedCreate))"
            }
            let (found, bump) = try ProgramDerivedAddress.find(seeds: seeds, programId: program)
            if found.base58 != (try str(c, "find")) { return "find \(found) != \(try str(c, "find"))" }
            return Int(bump) == (c["bump"] as? Int) ? nil : "bump \(bump) != \(String(describing: c["bump"]))"
        case "ata":
            let got = AssociatedTokenAccount.address(
                wallet: try addr(c, "wallet"), mint: try addr(c, "mint"), tokenProgram: try addr(c, "token_program"))
            return got.base58 == (try str(c, "expected")) ? nil : "ata \(got)"
        case "signature":
            let kp = try Keypair(seed: try hex(c, "seed"))
            if kp.address.base58 != (try str(c, "pubkey")) { return "pubkey \(kp.address)" }
            let sig = try kp.sign(message: try hex(c, "message"))
            return sig.bytes == (try hex(c, "expected")) ? nil : "signature differs"
        case "builder":
            let got = try builder(c)
            let expected = try instruction(c["expected"] as? [String: Any] ?? [:])
            return got == expected ? nil : "got \(describe(got))\nexpected \(describe(expected))"
        case "message":
            return try checkMessage(c)
        case "sanitize":
            let raw = try hex(c, "tx")
            let parses = c["parses"] as? Bool ?? false
            let parsed = try? VersionedTransaction.deserialize(raw, sanitize: false)
            if (parsed != nil) != parses { return "parses: swift \(parsed != nil), solders \(parses)" }
            guard let parsed else { return nil }
            let sanitizes = c["sanitizes"] as? Bool ?? false
            let ok = (try? parsed.sanitize()) != nil
            return ok == sanitizes ? nil : "sanitize: swift \(ok), solders \(sanitizes)"
        default:
            return "unknown kind"
        }
    }

    static func builder(_ c: [String: Any]) throws -> Instruction {
        let a = c["args"] as? [String: Any] ?? [:]
        switch try str(c, "builder") {
        case "transfer":
            return SystemProgram.transfer(
                from: try addr(a, "from"), to: try addr(a, "to"), lamports: try u64(a, "lamports"))
        case "create_account":
            return SystemProgram.createAccount(
                from: try addr(a, "from"), newAccount: try addr(a, "new"), lamports: try u64(a, "lamports"),
                space: try u64(a, "space"), owner: try addr(a, "owner"))
        case "advance_nonce":
            return SystemProgram.advanceNonceAccount(nonce: try addr(a, "nonce"), authority: try addr(a, "authority"))
        case "withdraw_nonce":
            return SystemProgram.withdrawNonceAccount(
                nonce: try addr(a, "nonce"), authority: try addr(a, "authority"), to: try addr(a, "to"),
                lamports: try u64(a, "lamports"))
        case "initialize_nonce":
            return SystemProgram.initializeNonceAccount(
                nonce: try addr(a, "nonce"), authority: try addr(a, "authority"))
        case "cu_limit": return ComputeBudgetProgram.setComputeUnitLimit(UInt32(try u64(a, "value")))
        case "cu_price": return ComputeBudgetProgram.setComputeUnitPrice(microLamports: try u64(a, "value"))
        case "heap_frame": return ComputeBudgetProgram.requestHeapFrame(bytes: UInt32(try u64(a, "value")))
        case "loaded_data_limit":
            return ComputeBudgetProgram.setLoadedAccountsDataSizeLimit(bytes: UInt32(try u64(a, "value")))
        case "alt_create":
            let (ix, table) = try AddressLookupTableProgram.create(
                authority: try addr(a, "authority"), payer: try addr(a, "payer"), recentSlot: try u64(a, "slot"))
            guard table.base58 == (try str(a, "expected_table")) else { throw BadCase(why: "table address \(table)") }
            return ix
        case "alt_extend", "alt_extend_nopayer":
            let payer = (a["payer"] as? String).flatMap { try? Address(base58: $0) }
            let addrs = try (a["addresses"] as? [String] ?? []).map { s throws(PrimitivesError) in
                try Address(base58: s)
            }
            return AddressLookupTableProgram.extend(
                table: try addr(a, "table"), authority: try addr(a, "authority"), payer: payer, addresses: addrs)
        case "alt_freeze":
            return AddressLookupTableProgram.freeze(table: try addr(a, "table"), authority: try addr(a, "authority"))
        case "alt_deactivate":
            return AddressLookupTableProgram.deactivate(
                table: try addr(a, "table"), authority: try addr(a, "authority"))
        case "alt_close":
            return AddressLookupTableProgram.close(
                table: try addr(a, "table"), authority: try addr(a, "authority"), recipient: try addr(a, "recipient"))
        case let other: throw BadCase(why: "unknown builder \(other)")
        }
    }

    static func checkMessage(_ c: [String: Any]) throws -> String? {
        let payer = try addr(c, "payer")
        let blockhash = try Hash(base58: try str(c, "blockhash"))
        let ixs = try (c["instructions"] as? [[String: Any]] ?? []).map(instruction)
        let tables = try (c["tables"] as? [[String: Any]] ?? []).map { t in
            AddressLookupTableAccount(
                key: try addr(t, "key"),
                addresses: try (t["addresses"] as? [String] ?? []).map { s throws(PrimitivesError) in
                    try Address(base58: s)
                })
        }
        let signers = try (c["signers"] as? [String] ?? []).map { s in try Keypair(seed: Hex.decode(s) ?? []) }
        let isV0 = (c["version"] as? Int) == 0
        let message: VersionedMessage
        do {
            message =
                isV0
                ? .v0(try V0Message(instructions: ixs, payer: payer, recentBlockhash: blockhash, lookupTables: tables))
                : .legacy(try LegacyMessage(instructions: ixs, payer: payer, recentBlockhash: blockhash))
        } catch {
            return c["expected_error"] != nil ? nil : "compile threw \(error), solders compiled"
        }
        if let e = c["expected_error"] { return "compiled, solders failed: \(e)" }
        let expectedMessage = try hex(c, "expected_message")
        if message.serialize() != expectedMessage {
            return
                "message bytes differ:\n swift   \(Hex.encode(message.serialize()))\n solders \(Hex.encode(expectedMessage))"
        }
        let tx = try VersionedTransaction(message: message, signers: signers)
        let expectedTx = try hex(c, "expected_tx")
        if tx.serialize() != expectedTx { return "transaction bytes differ" }
        // Parse what solders serialized, and re-serialize it.
        let parsed = try VersionedTransaction.deserialize(expectedTx)
        if parsed != tx { return "parsed solders transaction differs from Swift's" }
        if parsed.serialize() != expectedTx { return "re-serialized solders transaction differs" }
        try parsed.verifySignatures()
        return nil
    }
}
