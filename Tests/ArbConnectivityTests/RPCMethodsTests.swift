import ArbRPC
import ArbState
import ArbTestServer
import SolanaPrimitives
import Testing

@Suite(.serialized) struct RPCMethodsTests {
    @Test func getMultipleAccountsSplitsIntoRequestsOfAtMost100() async throws {
        let server = try await TestSupport.server(startSlot: 4242)
        let owner = TestSupport.address(250)
        let addresses = (0..<250).map { i -> Address in
            Address(raw: try! Bytes32(bytes: [UInt8(i % 256), UInt8(i / 256)] + [UInt8](repeating: 7, count: 30)))
        }
        for (i, a) in addresses.enumerated() where i % 10 != 0 {
            server.setAccount(a, .init(owner: owner, lamports: UInt64(i), data: [UInt8(i % 256)]))
        }
        let client = TestSupport.client([server])
        let r = try await client.getMultipleAccounts(addresses, minContextSlot: 4242)
        #expect(server.counters.byMethod["getMultipleAccounts"] == 3)
        #expect(r.accounts.count == 225)
        #expect(r.absent.count == 25)
        #expect(r.minContextSlot == 4242)
        #expect(r.accounts[addresses[7]]?.lamports == 7)
        #expect(r.absent.contains(AccountAbsence(address: addresses[10], slot: 4242)))
        // a minContextSlot the node has not reached is a typed error (-32016) after the retries
        do throws(RPCError) {
            _ = try await TestSupport.client([server], maxAttempts: 1).getMultipleAccounts(
                addresses, minContextSlot: 5000)
            Issue.record("expected -32016")
        } catch {
            #expect(error.code == .minContextSlotNotReached)
            #expect(error.contextSlot == 4242)
        }
        await server.stop()
    }

    @Test func programAccountsAndBlockhash() async throws {
        let server = try await TestSupport.server(startSlot: 900)
        let program = TestSupport.address(77)
        server.setAccount(TestSupport.address(1), .init(owner: program, lamports: 5, data: [1, 2, 3]))
        server.setAccount(TestSupport.address(2), .init(owner: TestSupport.address(78), lamports: 5, data: [9]))
        let client = TestSupport.client([server])
        let r = try await client.getProgramAccounts(program, filters: [.dataSize(3), .memcmp(offset: 0, bytes: [1])])
        #expect(r.slot == 900)
        #expect(r.value.map(\.address) == [TestSupport.address(1)])
        #expect(r.value.first?.data == [1, 2, 3])
        let b = try await client.getLatestBlockhash(minContextSlot: 900)
        #expect(b.value.lastValidBlockHeight == 1050)
        await server.stop()
    }

    @Test func filterAndOptionJSON() {
        #expect(
            ProgramAccountsFilter.memcmp(offset: 8, bytes: Array("abc".utf8)).json.serialized
                == #"{"memcmp":{"bytes":"ZiCa","offset":8}}"#)
        #expect(ProgramAccountsFilter.dataSize(653).json.serialized == #"{"dataSize":653}"#)
    }
}
