import ArbEngine
import ArbExecution
import ArbSimCluster
import Foundation
import SolanaPrimitives
import Testing

@testable import ArbRuntime

/// Issue #7 (review bug 3): the wallet's token accounts are derived with each mint's real token program, wSOL is
/// part of the account check, and a mint without a token program is never traded.
@Suite(.serialized) struct TokenProgramTests {
    @Test func accountsAreDerivedWithTheMintsOwnerProgram() async throws {
        let token22Mint = E2E.key(60).address
        let ghostMint = E2E.key(61).address  // no account on chain
        let rentMint = Rent.minimumBalance(dataLength: 82)
        var genesis: [Address: Account] = [
            E2E.bot.address: Account(lamports: 100 * E2E.sol),
            // Only the owner matters to `prepare`.
            token22Mint: Account(
                lamports: rentMint, owner: ProgramIDs.token2022, data: [UInt8](repeating: 0, count: 82)),
            Mints.wrappedSOL: Account(
                lamports: rentMint, owner: ProgramIDs.token, data: [UInt8](repeating: 0, count: 82)),
        ]
        // The wallet's Token-2022 account exists — at the Token-2022 derivation, not the SPL Token one.
        let ata22 = AssociatedTokenAccount.address(
            wallet: E2E.bot.address, mint: token22Mint, tokenProgram: ProgramIDs.token2022)
        genesis[ata22] = Account(
            lamports: Rent.minimumBalance(dataLength: 165), owner: ProgramIDs.token2022,
            data: [UInt8](repeating: 0, count: 165))
        let programs = E2E.programs()
        let world = E2E.World(
            cluster: SimCluster(
                configuration: BankConfiguration(seed: 5, genesisAccounts: genesis, programs: programs)),
            pools: [], programs: programs)
        try await E2E.withServer(world) { endpoints in
            let dir = try E2E.temporaryDirectory()
            let executor = try await RestartSafetyTests.executor(
                world, journalPath: dir + "/journal.sqlite", rpcURL: endpoints.rpcURL,
                wsURL: endpoints.webSocketURL, mode: .simulate)
            try await executor.prepare(mints: [token22Mint, ghostMint, Mints.wrappedSOL])
            let tokenPrograms = executor.tokenPrograms.withLock { $0 }
            #expect(tokenPrograms[token22Mint] == ProgramIDs.token2022)
            #expect(tokenPrograms[Mints.wrappedSOL] == ProgramIDs.token)
            let missing = executor.missingAccounts.withLock { $0 }
            // SPL-Token derivation would call the existing Token-2022 account missing.
            #expect(!missing.contains(token22Mint))
            #expect(missing.contains(Mints.wrappedSOL))  // the wallet has no wSOL account: created in the trade
            #expect(executor.unsupportedMints.withLock { $0 } == [ghostMint])
            // A cycle through the mint without a token program is refused before anything is built.
            var o = RestartSafetyTests.opportunity()
            o.legs[0].mintOut = ghostMint
            o.legs[1].mintIn = ghostMint
            let r = await executor.execute(TradeRequest(id: 1, opportunity: o, venues: [], notificationReceived: .now))
            guard case .buildFailed(let why) = r.outcome, why.hasPrefix("unsupported_mint") else {
                Issue.record("not refused: \(r.outcome)")
                return
            }
            // A Token-2022 base cannot be checked by the guard: refused.
            var t22 = RestartSafetyTests.opportunity()
            t22.baseMint = token22Mint
            let r22 = await executor.execute(
                TradeRequest(id: 2, opportunity: t22, venues: [], notificationReceived: .now))
            guard case .buildFailed(let why22) = r22.outcome, why22.hasPrefix("token2022_base") else {
                Issue.record("Token-2022 base not refused: \(r22.outcome)")
                return
            }
            await executor.finish()
        }
    }
}
