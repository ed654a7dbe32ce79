import SolanaKeys
import SolanaPrimitives
import Testing

@testable import ArbGuard

/// A cluster that records what it is sent and hands out a new blockhash per request.
actor RecordingCluster: DeployCluster {
    var sent: [[UInt8]] = []
    var blockhashes: [Hash] = []
    var rentQueries: [Int] = []
    let failAt: Int?

    init(failAt: Int? = nil) { self.failAt = failAt }

    func latestBlockhash() async throws -> Hash {
        var b = [UInt8](repeating: 0, count: 32)
        b[0] = UInt8(blockhashes.count + 1)
        let h = try Hash(bytes: b)
        blockhashes.append(h)
        return h
    }

    func minimumBalanceForRentExemption(space: Int) async throws -> UInt64 {
        rentQueries.append(space)
        return UInt64(space) * 1000 + 7
    }

    struct Rejected: Error {}

    func sendAndConfirm(_ wireTransaction: [UInt8]) async throws -> Signature {
        if sent.count == failAt { throw Rejected() }
        sent.append(wireTransaction)
        return try VersionedTransaction.deserialize(wireTransaction).signatures[0]
    }
}

@Suite struct ProgramDeployerTests {
    @Test func sendsSignedStepsInOrderWithFreshBlockhashes() async throws {
        let elf = (0..<2500).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let payer = Keypair()
        let program = Keypair()
        let buffer = Keypair()
        let cluster = RecordingCluster()
        let id = try await ProgramDeployer.deploy(
            elf: elf, payer: payer, program: program, buffer: buffer, cluster: cluster)
        #expect(id == program.address)
        let sent = await cluster.sent
        let hashes = await cluster.blockhashes
        #expect(await cluster.rentQueries == [37 + 2500, 36])
        #expect(sent.count == 2 + 3)  // create buffer, 3 writes of ≤ 1012 bytes, deploy
        var written: [UInt8] = []
        for (i, wire) in sent.enumerated() {
            #expect(wire.count <= 1232)
            let tx = try VersionedTransaction.deserialize(wire)
            try tx.verifySignatures()
            #expect(tx.message.recentBlockhash == hashes[i])
            #expect(tx.message.staticAccountKeys.first == payer.address)
            let ixs = tx.message.instructions
            let keys = tx.message.staticAccountKeys
            if i == 0 {
                #expect(Array(tx.message.signerKeys).sorted() == [payer.address, buffer.address].sorted())
                #expect(ixs.count == 2 && keys[Int(ixs[0].programIdIndex)] == ProgramIDs.system)
                #expect(ixs[0].data[4..<12].elementsEqual(le([UInt64(37 + 2500) * 1000 + 7])))
                #expect(ixs[1].data == [0, 0, 0, 0])
            } else if i == sent.count - 1 {
                #expect(Array(tx.message.signerKeys).sorted() == [payer.address, program.address].sorted())
                #expect(ixs[0].data[4..<12].elementsEqual(le([36 * 1000 + 7])))
                #expect(ixs[1].data == [2, 0, 0, 0] + le([2500]))
                #expect(keys[Int(ixs[1].programIdIndex)] == ProgramIDs.bpfLoaderUpgradeable)
            } else {
                #expect(ixs.count == 1 && ixs[0].data[0] == 1)
                #expect(ixs[0].data[4..<8].elementsEqual(le([UInt64(written.count)]).prefix(4)))
                written += ixs[0].data[16...]
            }
        }
        #expect(written == elf)
    }

    @Test func stopsAtTheFirstFailedStep() async throws {
        let cluster = RecordingCluster(failAt: 1)
        await #expect(throws: RecordingCluster.Rejected.self) {
            _ = try await ProgramDeployer.deploy(
                elf: [UInt8](repeating: 1, count: 100), payer: Keypair(), program: Keypair(), buffer: Keypair(),
                cluster: cluster)
        }
        #expect(await cluster.sent.count == 1)
    }
}
