import ArbRPC
import ArbState
import ArbTestServer
import Foundation
import SolanaPrimitives
import Testing

/// Real provider answers (Vectors/rpc-responses.json, sources named per entry) decoded by the real client over
/// HTTP from the scripted server, which replays each body verbatim.
@Suite(.serialized) struct RecordedResponseTests {
    func replay<T: Sendable>(
        _ name: String, _ call: @Sendable (RPCClient) async throws(RPCError) -> T
    ) async throws -> Result<T, RPCError> {
        let (method, body) = try #require(TestSupport.vectors[name])
        let server = try await TestSupport.server()
        server.setScript { $0.canned[method] = body }
        let client = TestSupport.client([server], maxAttempts: 1)  // one answer, decoded as is
        let result: Result<T, RPCError>
        do throws(RPCError) { result = .success(try await call(client)) } catch { result = .failure(error) }
        await server.stop()
        return result
    }

    @Test func getAccountInfoWithU64MaxRentEpoch() async throws {
        let a = b58("7xLk17EQQ5KLDLDe44wCmupJKJjTGd8hs3eSVVhCx932")
        let r = try await replay("getAccountInfo-u64max-rentEpoch") { c throws(RPCError) in
            try await c.getAccountInfo(a)
        }.get()
        #expect(r.slot == 83_986_105)
        let acc = try #require(r.value)
        #expect(acc.data == Array("test".utf8))
        #expect(acc.lamports == 999_999)
        #expect(acc.executable)
        #expect(acc.rentEpoch == UInt64.max)
        #expect(acc.owner == b58("11111111111111111111111111111111"))
        #expect(acc.slot == 83_986_105)
    }

    @Test func getMultipleAccountsWithEmptyData() async throws {
        let a = b58("7xLk17EQQ5KLDLDe44wCmupJKJjTGd8hs3eSVVhCx932")
        let r = try await replay("getMultipleAccounts-empty-data") { c throws(RPCError) in
            try await c.getMultipleAccounts([a])
        }
        .get()
        #expect(r.minContextSlot == 83_996_178)
        #expect(r.accounts[a]?.data == [])
        #expect(r.accounts[a]?.lamports == 19_039_980_000)
        #expect(r.absent.isEmpty)
    }

    @Test func getProgramAccountsBareArray() async throws {
        let r = try await replay("getProgramAccounts-bare-array") { c throws(RPCError) in
            try await c.getProgramAccounts(b58("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"))
        }.get()
        #expect(r.value.count == 1)
        #expect(r.value[0].address == b58("7xLk17EQQ5KLDLDe44wCmupJKJjTGd8hs3eSVVhCx932"))
        #expect(r.value[0].lamports == 2_039_280)
        #expect(r.value[0].data == Array("test".utf8))
    }

    @Test func balanceSlotBlockHeight() async throws {
        let b = try await replay("getBalance") { c throws(RPCError) in try await c.getBalance(TestSupport.address(1)) }
            .get()
        #expect(b == WithContext(slot: 83_987_501, value: 19_039_980_000))
        let s = try await replay("getSlot") { c throws(RPCError) in try await c.getSlot() }.get()
        #expect(s == 83_999_325)
        let h = try await replay("getBlockHeight") { c throws(RPCError) in try await c.getBlockHeight() }.get()
        #expect(h == 69_217_140)
    }

    @Test func signatureStatuses() async throws {
        let sigs = [
            try Signature(
                base58: "APPAzLobMg62AW7tdot1s7qKjya4Htt7AqjvT4uMUje8FuFNKD6qnoSk3JvBrkBnBnUyknqXJUXpj9BXENSExSQ"),
            try Signature(
                base58: "eue8eTRd4puKR2aqsW9AigzyBsF9Em4uVKWKEkMeYUuT9XevvrYwk6Ps5ApCHKEdYDYxPsmE8tb9Gik6jZM1xHT"),
        ]
        let r = try await replay("getSignatureStatuses") { c throws(RPCError) in
            try await c.getSignatureStatuses(sigs, searchTransactionHistory: true)
        }.get()
        #expect(r.slot == 83_999_323)
        #expect(r.value.count == 2)
        #expect(
            r.value[0]
                == SignatureStatus(slot: 82_233_105, confirmations: nil, err: nil, confirmationStatus: .finalized))
        #expect(r.value[1]?.slot == 82_232_349)
    }

    @Test func transactionJSONEncoding() async throws {
        let sig = try Signature(
            base58: "QPzWhnwHnCwk3nj1zVCcjz1VP7EcAKouPg9Joietje3GnQTVQ5XyWxyPC3zHby8K5ahSn9SbQupauDbVRvv5DuL")
        let r = try await replay("getTransaction-json") { c throws(RPCError) in try await c.getTransaction(sig) }.get()
        let tx = try #require(r)
        #expect(tx.slot == 83_311_386)
        #expect(tx.fee == 5000)
        #expect(tx.err == nil)
        #expect(tx.blockTime == 1_624_821_990)
        #expect(tx.preBalances.first == 199_247_215_749)
        #expect(tx.postBalances.first == 199_247_210_749)
        #expect(tx.logMessages.count == 2)
        #expect(tx.signatures == [sig])
    }

    @Test func tokenBalanceBlockhashFees() async throws {
        let t = try await replay("getTokenAccountBalance") { c throws(RPCError) in
            try await c.getTokenAccountBalance(TestSupport.address(2))
        }.get()
        #expect(t == WithContext(slot: 1114, value: TokenAmount(amount: 9864, decimals: 2)))
        let b = try await replay("getLatestBlockhash") { c throws(RPCError) in try await c.getLatestBlockhash() }.get()
        #expect(b.slot == 2792)
        #expect(b.value.blockhash.description == "EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N")
        #expect(b.value.lastValidBlockHeight == 3090)
        let f = try await replay("getRecentPrioritizationFees") { c throws(RPCError) in
            try await c.getRecentPrioritizationFees()
        }
        .get()
        #expect(f.map(\.prioritizationFee) == [0, 1000, 500])
        #expect(f.map(\.slot) == [348_125, 348_126, 348_127])
    }

    @Test func sendTransactionAcceptedAndPreflightFailures() async throws {
        let tx = [UInt8](repeating: 1, count: 100)
        let ok = try await replay("sendTransaction-ok") { c throws(RPCError) in try await c.sendTransaction(tx) }.get()
        #expect(
            ok.description == "296E1ou3V9rRVktzCqNpzbzcTZMxTnFJCK2pWRoxKVidRfQam1KLRv6ETbKtf2S4CW1MyRCbeVairQQ3QWTPMRmt"
        )

        let bh = try await replay("sendTransaction-32002-BlockhashNotFound") { c throws(RPCError) in
            try await c.sendTransaction(tx)
        }
        guard case .failure(let e1) = bh else {
            Issue.record("expected a preflight failure")
            return
        }
        #expect(e1.code == .preflightFailure)
        #expect(e1.rpcCode == -32002)
        #expect(e1.transactionError == .blockhashNotFound)
        #expect(e1.isRetriable == false)

        let custom = try await replay("sendTransaction-32002-InstructionError-Custom") { c throws(RPCError) in
            try await c.sendTransaction(tx)
        }
        guard case .failure(let e2) = custom else {
            Issue.record("expected a preflight failure")
            return
        }
        #expect(e2.transactionError == .instructionError(index: 2, .custom(6022)))
        #expect(e2.transactionError?.customProgramError == 0x1786)
        #expect(e2.logs?.first?.hasSuffix("custom program error: 0x1786") == true)
    }

    @Test func nodeBehindAndMinContextSlotErrors() async throws {
        let behind = try await replay("nodeBehind-32005") { c throws(RPCError) in
            try await c.getMultipleAccounts([TestSupport.address(3)])
        }
        guard case .failure(let e) = behind else {
            Issue.record("expected -32005")
            return
        }
        #expect(e.code == .nodeBehind)
        #expect(e.numSlotsBehind == 42)
        #expect(e.isRetriable)
        let (_, body) = try #require(TestSupport.vectors["minContextSlot-32016"])
        let json = try JSONValue.parse(body)
        let e2 = RPCError.fromJSONRPC(try #require(json["error"]))
        #expect(e2.code == .minContextSlotNotReached)
        #expect(e2.contextSlot == 301_234_567)
    }
}

@Suite struct PubSubDecodingTests {
    @Test func accountNotificationRecorded() throws {
        var d = PubSubDecoder()
        let m = try d.decode(try #require(TestSupport.vectors["accountNotification-system"]).body)
        #expect(
            m
                == .account(
                    subscription: 46133, slot: 80_221_533,
                    account: RawAccount(
                        owner: b58("11111111111111111111111111111111"), lamports: 41_083_620, data: [],
                        executable: false, rentEpoch: 185)))
    }

    @Test func programNotificationBase58() throws {
        var d = PubSubDecoder()
        let m = try d.decode(try #require(TestSupport.vectors["programNotification-base58"]).body)
        guard case .program(let sub, let slot, let address, let account) = m else {
            Issue.record("not a program notification: \(m)")
            return
        }
        #expect(sub == 24040)
        #expect(slot == 5_208_469)
        #expect(address == b58("H4vnBqifaSACnKa7acsxstsY1iV1bvJNxsCY7enrd1hq"))
        #expect(account.data.count == 80)  // a nonce account (space 80 in the same source's jsonParsed variant)
        #expect(account.lamports == 33594)
    }

    @Test func signatureAndSubscriptionAnswers() throws {
        var d = PubSubDecoder()
        #expect(
            try d.decode(try #require(TestSupport.vectors["signatureNotification"]).body)
                == .signature(subscription: 43601, slot: 80_768_508, err: nil))
        #expect(
            try d.decode(try #require(TestSupport.vectors["pubsub-subscribed-string-id"]).body)
                == .subscribed(requestID: nil, subscription: 22_529_999))
        #expect(try d.decode(#"{"jsonrpc":"2.0","result":7,"id":3}"#) == .subscribed(requestID: 3, subscription: 7))
    }

    /// The fast path and the general JSON path agree, including on key orders the fast path does not handle.
    @Test func fastAndGeneralPathsAgree() throws {
        let data = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let b64 = Base64.encode(data)
        let inOrder =
            #"{"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":5199307},"value":{"data":["\#(b64)","base64"],"executable":false,"lamports":33594,"owner":"whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc","rentEpoch":18446744073709551615,"space":300}},"subscription":23784}}"#
        let reordered =
            #"{"params":{"subscription":23784,"result":{"value":{"space":300,"rentEpoch":18446744073709551615,"owner":"whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc","lamports":33594,"executable":false,"data":["\#(b64)","base64"]},"context":{"slot":5199307}}},"method":"accountNotification","jsonrpc":"2.0"}"#
        var d = PubSubDecoder()
        let a = try d.decode(inOrder)
        let b = try d.decode(reordered)
        #expect(a == b)
        guard case .account(_, _, let acc) = a else {
            Issue.record("not an account notification")
            return
        }
        #expect(acc.data == data)
        #expect(acc.rentEpoch == .max)
    }

    @Test func malformedMessagesThrowTypedErrors() {
        var d = PubSubDecoder()
        for bad in [
            "", "{", "[1,2", #"{"jsonrpc":"2.0","method":"accountNotification","params":{"result":{}}}"#,
            #"{"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":1},"value":{"data":["@@@@","base64"],"lamports":1,"owner":"11111111111111111111111111111111"}},"subscription":1}}"#,
            #"{"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":-1},"value":{}},"subscription":1}}"#,
            String(repeating: "[", count: 10000),
        ] {
            #expect(throws: RPCError.self) { try d.decode(bad) }
        }
    }
}

@Suite struct JSONAndBase64Tests {
    @Test func exactIntegersAndEscapes() throws {
        let v = try JSONValue.parse(
            #"{"a":18446744073709551615,"b":"x\u00e9\ud83d\ude00\n\/","c":[true,false,null],"d":-1.5e3}"#)
        #expect(v["a"]?.uint64 == .max)
        #expect(v["b"]?.string == "x\u{e9}\u{1F600}\n/")
        #expect(v["c"] == .array([.bool(true), .bool(false), .null]))
        #expect(v["d"]?.double == -1500)
        #expect(try JSONValue.parse(v.serialized) == v)
    }

    @Test func rejectsBadJSON() {
        for bad in ["01", "1.", "\"\u{1}\"", "{\"a\" 1}", "[1,]", "tru", "\"\\x\"", "1 2", "\"\\ud800\""] {
            #expect(throws: JSONParseError.self) { try JSONValue.parse(bad) }
        }
    }

    @Test func base64RoundTripMatchesFoundation() {
        var rng = SystemRandomNumberGenerator()
        for n in 0..<200 {
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let ours = Base64.encode(bytes)
            #expect(ours == Data(bytes).base64EncodedString())
            #expect(Base64.decode(ours) == bytes)
        }
        #expect(Base64.decode("dGVzdA=") == nil)
        #expect(Base64.decode("dGVzdB==") == nil)  // non-zero trailing bits
        #expect(Base64.decode("dG=zdA==") == nil)
    }

    @Test func addressLookupTableLayout() throws {
        // meta: tag 1, deactivation u64::MAX, last_extended_slot 7, start index 2, authority Some(X), padding
        let authority = TestSupport.address(9)
        var data: [UInt8] = [1, 0, 0, 0] + [UInt8](repeating: 0xFF, count: 8) + [7, 0, 0, 0, 0, 0, 0, 0] + [2, 1]
        data += authority.bytes + [0, 0]
        data += TestSupport.address(1).bytes + TestSupport.address(2).bytes
        let t = try AddressLookupTable(address: TestSupport.address(5), data: data)
        #expect(t.isActive)
        #expect(t.lastExtendedSlot == 7)
        #expect(t.authority == authority)
        #expect(t.addresses == [TestSupport.address(1), TestSupport.address(2)])
        #expect(throws: PrimitivesError.self) { try AddressLookupTable(address: .zero, data: Array(data.dropLast(1))) }
    }
}
