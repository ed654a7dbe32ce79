import ArbTestSupport
import Foundation
import Testing

@testable import SolanaPrimitives

/// fixtures/vectors/solana-message.json: cases from the Solana SDK's and web3.js's own tests (see its PROVENANCE.md).
@Suite(.enabled(if: Fixtures.root != nil, "\(Fixtures.skipMessage)"))
struct OfficialVectorsTests {
    func groups() throws -> [[String: Any]] {
        let loaded = try Fixtures.data("vectors/solana-message.json")
        let data = try #require(loaded)
        let json = try JSONSerialization.jsonObject(with: data)
        let root = try #require(json as? [String: Any])
        return try #require(root["groups"] as? [[String: Any]])
    }

    func group(_ name: String) throws -> [[String: Any]] {
        let g = try #require(groups().first { ($0["name"] as? String) == name })
        return try #require(g["cases"] as? [[String: Any]])
    }

    @Test func compactU16() throws {
        let cases = try group("compact_u16")
        #expect(cases.count >= 10)
        for c in cases {
            switch c["op"] as? String {
            case "encode":
                let v = try #require(c["value"] as? Int)
                #expect(Hex.encode(ShortVec.encoded(v)) == c["expected_hex"] as? String, "encode \(v)")
            case "decode":
                let text = try #require(c["bytes_hex"] as? String)
                let bytes = try #require(Hex.decode(text))
                if let expected = c["expected"] as? Int {
                    let (v, n) = try ShortVec.decode(bytes)
                    #expect(v == expected && n == bytes.count, "decode \(Hex.encode(bytes))")
                } else {
                    #expect(throws: PrimitivesError.self, "decode \(Hex.encode(bytes)) must fail") {
                        let (_, n) = try ShortVec.decode(bytes)
                        // Rust's deserializer also rejects unread trailing input in these cases.
                        if n != bytes.count { throw PrimitivesError(.trailingBytes, "") }
                    }
                }
            case "decode_short_vec_u8":
                // A short_vec<u8> whose length prefix is an alias: reading the length must fail.
                let text = try #require(c["bytes_hex"] as? String)
                var reader = ByteReader(try #require(Hex.decode(text)))
                #expect(throws: PrimitivesError.self) { _ = try reader.shortVec() }
            default:
                Issue.record("unknown op \(String(describing: c["op"]))")
            }
        }
    }

    @Test func messageWireFormat() throws {
        for c in try group("message_wire_format") {
            let m = try #require(c["message"] as? [String: Any])
            let h = try #require(m["header"] as? [Int])
            let header = MessageHeader(
                numRequiredSignatures: UInt8(h[0]), numReadonlySignedAccounts: UInt8(h[1]),
                numReadonlyUnsignedAccounts: UInt8(h[2]))
            let keys = try (m["static_accounts"] as? [String] ?? []).map { try Address(base58: $0) }
            let blockhashText = try #require(m["recent_blockhash"] as? String)
            let blockhash = try Hash(base58: blockhashText)
            let ixs = (m["instructions"] as? [[String: Any]] ?? []).map {
                CompiledInstruction(
                    programIdIndex: UInt8($0["program_id_index"] as! Int),
                    accounts: ($0["accounts"] as! [Int]).map(UInt8.init),
                    data: Hex.decode($0["data_hex"] as! String)!)
            }
            let message: VersionedMessage
            if (m["version"] as? Int) == 0 {
                let lookups = try (m["address_table_lookups"] as? [[String: Any]] ?? []).map {
                    MessageAddressTableLookup(
                        accountKey: try Address(base58: $0["account_key"] as! String),
                        writableIndexes: ($0["writable_indexes"] as! [Int]).map(UInt8.init),
                        readonlyIndexes: ($0["readonly_indexes"] as! [Int]).map(UInt8.init))
                }
                message = .v0(
                    V0Message(
                        header: header, accountKeys: keys, recentBlockhash: blockhash, instructions: ixs,
                        addressTableLookups: lookups))
            } else {
                message = .legacy(
                    LegacyMessage(header: header, accountKeys: keys, recentBlockhash: blockhash, instructions: ixs))
            }
            let expected = try #require(c["expected_hex"] as? String)
            #expect(Hex.encode(message.serialize()) == expected, "\(c["test"] ?? "")")
            // Codec level: parses back to the same message (these cases are deliberately not sanitizable).
            #expect(try VersionedMessage.deserialize(Hex.decode(expected)!) == message)
        }
    }

    @Test func computeBudgetEncodings() throws {
        for c in try group("compute_budget_encoding_DERIVED") {
            let ix: Instruction
            switch c["ix"] as? String {
            case "SetComputeUnitLimit": ix = ComputeBudgetProgram.setComputeUnitLimit(UInt32(c["units"] as! Int))
            case "SetComputeUnitPrice":
                ix = ComputeBudgetProgram.setComputeUnitPrice(microLamports: UInt64(c["micro_lamports"] as! Int))
            case "RequestHeapFrame": ix = ComputeBudgetProgram.requestHeapFrame(bytes: UInt32(c["bytes"] as! Int))
            case "SetLoadedAccountsDataSizeLimit":
                ix = ComputeBudgetProgram.setLoadedAccountsDataSizeLimit(bytes: UInt32(c["bytes"] as! Int))
            default:
                Issue.record("unknown \(String(describing: c["ix"]))")
                continue
            }
            #expect(Hex.encode(ix.data) == c["expected_hex"] as? String)
            #expect(ix.accounts.isEmpty && ix.programId == ProgramIDs.computeBudget)
        }
    }

    @Test func lookupTableMetaSize() throws {
        let cases = try group("alt_meta_size")
        #expect(cases.contains { ($0["expected_serialized_size"] as? Int) == AddressLookupTableProgram.metaSize })
    }
}
