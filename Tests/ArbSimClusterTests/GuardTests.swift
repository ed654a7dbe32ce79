import ArbGuard
import ArbSimCluster
import SolanaKeys
import SolanaPrimitives
import Testing

@Suite struct GuardTests {
    @Test func guardFailureRollsBackTheTransferInTheSameTransaction() throws {
        let payer = T.key(1)
        let guardId = T.key(77).address
        var programs = ProgramRegistry.standard
        programs.register(guardId, GuardProgramHandler())
        var b = Bank(
            configuration: .init(
                seed: 1, genesisAccounts: [payer.address: Account(lamports: 10 * T.sol)], programs: programs))
        let mint = T.key(10)
        try T.createMint(&b, payer: payer, mint: mint, authority: payer.address)
        let ata = AssociatedTokenAccount.address(wallet: payer.address, mint: mint.address)
        let bob = T.key(3).address
        let bobATA = AssociatedTokenAccount.address(wallet: bob, mint: mint.address)
        let setup = try T.legacy(
            [
                AssociatedTokenProgram.create(payer: payer.address, wallet: payer.address, mint: mint.address),
                AssociatedTokenProgram.create(payer: payer.address, wallet: bob, mint: mint.address),
                TokenProgram.mintTo(mint: mint.address, destination: ata, authority: payer.address, amount: 100),
            ], payer: payer, blockhash: b.latestBlockhash)
        #expect(try T.land(&b, setup).error == nil)

        func guarded(minimum: UInt64) throws -> ExecutionResult {
            var w = ByteWriter(capacity: 8)
            w.u64(minimum)
            let guardIx = Instruction(programId: guardId, accounts: [.readonly(bobATA)], data: w.bytes)
            let bytes = try T.legacy(
                [
                    TokenProgram.transfer(source: ata, destination: bobATA, authority: payer.address, amount: 10),
                    guardIx,
                ], payer: payer, blockhash: b.latestBlockhash)
            return try T.land(&b, bytes)
        }
        let fail = try guarded(minimum: 11)
        #expect(fail.error == .instructionError(index: 1, .custom(GuardABI.insufficientBase)))
        #expect(T.tokenAmount(b, bobATA) == 0)
        let pass = try guarded(minimum: 10)
        #expect(pass.error == nil, "\(pass.logs)")
        #expect(T.tokenAmount(b, bobATA) == 10)
        #expect(pass.computeUnitsConsumed == ComputeCosts.tokenTransfer + 45)
    }
}
