import SolanaPrimitives
import Testing

@testable import ArbGuard

func hex(_ b: [UInt8]) -> String {
    let d = Array("0123456789abcdef")
    return String(b.flatMap { [d[Int($0 >> 4)], d[Int($0 & 0xf)]] })
}

let loader: Address = Address("BPFLoaderUpgradeab1e11111111111111111111111")

@Suite struct LoaderInstructionTests {
    let buffer = addr(1)
    let authority = addr(2)
    let payer = addr(3)
    let program = addr(4)
    let programData = addr(5)

    // bincode of UpgradeableLoaderInstruction (solana-loader-v3-interface): u32 LE variant, then the fields.
    @Test func initializeBuffer() {
        let ix = BPFLoaderUpgradeable.initializeBuffer(buffer: buffer, authority: authority)
        #expect(ix.programId == loader)
        #expect(hex(ix.data) == "00000000")
        #expect(ix.accounts == [AccountMeta(buffer, writable: true), AccountMeta(authority)])
    }

    @Test func write() {
        let ix = BPFLoaderUpgradeable.write(
            buffer: buffer, authority: authority, offset: 0x0102_0304, bytes: [0xaa, 0xbb])
        #expect(hex(ix.data) == "01000000" + "04030201" + "0200000000000000" + "aabb")
        #expect(ix.accounts == [AccountMeta(buffer, writable: true), AccountMeta(authority, signer: true)])
    }

    @Test func deployWithMaxDataLen() {
        let ix = BPFLoaderUpgradeable.deployWithMaxDataLen(
            payer: payer, programData: programData, program: program, buffer: buffer, authority: authority,
            maxDataLength: 1712)
        #expect(hex(ix.data) == "02000000" + "b006000000000000")
        #expect(
            ix.accounts == [
                AccountMeta(payer, signer: true, writable: true), AccountMeta(programData, writable: true),
                AccountMeta(program, writable: true), AccountMeta(buffer, writable: true),
                AccountMeta(Address("SysvarRent111111111111111111111111111111111")),
                AccountMeta(Address("SysvarC1ock11111111111111111111111111111111")),
                AccountMeta(Address("11111111111111111111111111111111")), AccountMeta(authority, signer: true),
            ])
    }

    @Test func createAccount() {
        let ix = SystemProgram.createAccount(
            from: payer, newAccount: buffer, lamports: 1_000_000, space: 893, owner: loader)
        #expect(hex(ix.data) == "00000000" + "40420f0000000000" + "7d03000000000000" + hex(loader.bytes))
        #expect(
            ix.accounts == [
                AccountMeta(payer, signer: true, writable: true), AccountMeta(buffer, signer: true, writable: true),
            ]
        )
    }
}

@Suite struct DeployPlanTests {
    let payer = addr(3)

    /// solders measures these transactions at exactly 1232 bytes with a full chunk (conformance/guard).
    @Test func chunkSizeFillsThePacket() throws {
        #expect(try ProgramDeployment.maxWriteChunk(payer: payer, authority: payer) == 1012)
        #expect(try ProgramDeployment.maxWriteChunk(payer: payer, authority: addr(9)) == 916)
        for authority in [payer, addr(9)] {
            let chunk = try ProgramDeployment.maxWriteChunk(payer: payer, authority: authority)
            let full = try ProgramDeployment.writeTransactionSize(
                payer: payer, authority: authority, chunkLength: chunk)
            let over = try ProgramDeployment.writeTransactionSize(
                payer: payer, authority: authority, chunkLength: chunk + 1)
            #expect(full == 1232 && over > 1232)
        }
    }

    @Test func programDataIsTheLoaderPDA() throws {
        let plan = try ProgramDeployment.plan(
            elf: [1, 2, 3], payer: payer, program: addr(4), buffer: addr(1), authority: payer)
        let deploy = plan.transactions.last!.instructions[1]
        let expected = try ProgramDerivedAddress.find(seeds: [addr(4).bytes], programId: loader).address
        #expect(deploy.accounts[1].address == expected)
        #expect(!expected.isOnCurve)
    }

    @Test(arguments: [1, 1011, 1012, 1013, 5000])
    func planCoversTheFileInOrder(length: Int) throws {
        let elf = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let plan = try ProgramDeployment.plan(
            elf: elf, payer: payer, program: addr(4), programData: addr(5), buffer: addr(1), authority: payer)
        let txs = plan.transactions
        #expect(txs.first?.label == "create buffer" && txs.last?.label == "deploy")
        #expect(txs.count == 2 + (length + 1011) / 1012)
        // create buffer: System CreateAccount (37 + len bytes, owner loader, rent-exempt) + InitializeBuffer
        let create = txs[0].instructions
        #expect(create.count == 2 && create[0].programId == Address("11111111111111111111111111111111"))
        #expect(Array(create[0].data[12..<20]) == le([UInt64(37 + length)]))
        #expect(Array(create[0].data[4..<12]) == le([UInt64(128 + 37 + length) * 6960]))
        #expect(create[1] == BPFLoaderUpgradeable.initializeBuffer(buffer: addr(1), authority: payer))
        #expect(txs[0].signers == [payer, addr(1)])
        var written: [UInt8] = []
        for tx in txs.dropFirst().dropLast() {
            let data = tx.instructions[0].data
            #expect(Array(data[4..<8]) == Array(le([UInt64(written.count)])[0..<4]))
            written.append(contentsOf: data[16...])
            #expect(tx.signers == [payer])
        }
        #expect(written == elf)
        let deploy = txs.last!.instructions
        #expect(Array(deploy[0].data[12..<20]) == le([36]))
        #expect(deploy[1].data == [2, 0, 0, 0] + le([UInt64(length)]))
        #expect(txs.last!.signers == [payer, addr(4)])
    }

    @Test func rejectsBadPlans() {
        #expect(throws: GuardError.self) {
            try ProgramDeployment.plan(
                elf: [], payer: payer, program: addr(4), programData: addr(5), buffer: addr(1), authority: payer)
        }
        #expect(throws: GuardError.self) {
            try ProgramDeployment.plan(
                elf: [1, 2, 3], payer: payer, program: addr(4), programData: addr(5), buffer: addr(1), authority: payer,
                maxDataLength: 2)
        }
    }
}

@Suite struct GuardABITests {
    @Test func codesRoundTrip() {
        var all: [GuardABI.Failure] = [.wrongAccountCount, .invalidInstructionData]
        for i in [0, 1, 17, 254] {
            all += [
                .insufficient(index: i), .wrongOwner(index: i), .wrongDataLength(index: i), .duplicateAccount(index: i),
            ]
        }
        #expect(Set(all.map(\.code)).count == all.count)
        for f in all { #expect(GuardABI.Failure(code: f.code) == f) }
        for bad: UInt32 in [0, 1, 4999, 5002, 6255, 6999, 10_000] { #expect(GuardABI.Failure(code: bad) == nil) }
        #expect(GuardABI.Failure.insufficient(index: 3).code == 6003)
    }

    @Test func instructionBuilder() throws {
        let p = addr(50)
        let ix = try GuardInstruction.make(programId: p, checks: [(addr(1), 7), (addr(2), UInt64.max)])
        #expect(ix.programId == p)
        #expect(ix.accounts == [AccountMeta(addr(1)), AccountMeta(addr(2))])
        #expect(ix.data == le([7, UInt64.max]))
        #expect(throws: GuardError.self) { try GuardInstruction.make(programId: p, checks: []) }
        #expect(throws: GuardError.self) {
            try GuardInstruction.make(programId: p, checks: [(addr(1), 1), (addr(1), 2)])
        }
        let many = (0..<256).map { (addr($0), UInt64(1)) }
        #expect(throws: GuardError.self) { try GuardInstruction.make(programId: p, checks: many) }
        #expect((try? GuardInstruction.make(programId: p, checks: Array(many.prefix(255)))) != nil)
    }

    @Test func profitGuard() throws {
        let ix = try GuardInstruction.profit(
            programId: addr(50), startTokenAccount: addr(1), balanceBefore: 1_000, minProfit: 25, costs: 5)
        #expect(ix.data == le([1_030]))
        #expect(throws: GuardError.self) {
            try GuardInstruction.profit(
                programId: addr(50), startTokenAccount: addr(1), balanceBefore: .max, minProfit: 1, costs: 0)
        }
    }
}
