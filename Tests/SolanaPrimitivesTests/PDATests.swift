import Testing

@testable import SolanaPrimitives

@Suite struct PDATests {
    @Test func knownAssociatedTokenAddress() throws {
        // whirlpool-essentials fixture: user_ata_usdc FbQdXCQg… is the USDC ATA of its test wallet
        // r21Gamwd9DtyjHeGywsneoQYR39C1VDwrw7tWxHAwh6 (the owner inside that dump). Checked here independently
        // of the dump file so the test needs no fixtures.
        let wallet = try Address(base58: "r21Gamwd9DtyjHeGywsneoQYR39C1VDwrw7tWxHAwh6")
        let ata = AssociatedTokenAccount.address(wallet: wallet, mint: Mints.usdc)
        #expect(ata.base58 == "FbQdXCQgGQYj3xcGeryVVFjKCTsAuu53vmCRtmjQEqM5")
        #expect(!ata.isOnCurve)
        #expect(wallet.isOnCurve)
    }

    @Test func raydiumAmmAuthorityFromDesignDoc() throws {
        // DEX-LAYOUTS.md: create_program_address(["amm authority", [254]], AMM v4) = 5Q544fKr…
        let amm = try Address(base58: "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8")
        let authority = try ProgramDerivedAddress.create(seeds: [Array("amm authority".utf8), [254]], programId: amm)
        #expect(authority.base58 == "5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1")
    }

    @Test func seedLimitsAreTypedErrors() {
        let p = ProgramIDs.token
        #expect { try ProgramDerivedAddress.create(seeds: [[UInt8](repeating: 1, count: 33)], programId: p) } throws: {
            ($0 as? PrimitivesError)?.code == .maxSeedLengthExceeded
        }
        #expect { try ProgramDerivedAddress.create(seeds: Array(repeating: [1], count: 17), programId: p) } throws: {
            ($0 as? PrimitivesError)?.code == .tooManySeeds
        }
        #expect { try ProgramDerivedAddress.find(seeds: Array(repeating: [1], count: 16), programId: p) } throws: {
            ($0 as? PrimitivesError)?.code == .tooManySeeds
        }
    }

    @Test func curveCheckEdgeCases() throws {
        // y = 1 (the identity point, x = 0) is on the curve; so is the base point's y (4/5).
        var one = [UInt8](repeating: 0, count: 32)
        one[0] = 1
        #expect(try Bytes32(bytes: one).isOnEd25519Curve)
        let basePointY = "5866666666666666666666666666666666666666666666666666666666666666"
        #expect(try Bytes32(bytes: hexBytes(basePointY)).isOnEd25519Curve)
    }

    @Test func memoizedFindEqualsTheSearchAndNeverHidesAnError() throws {
        // find is memoized; a repeated call must return exactly what the bump search returns (checked against
        // create with the found bump, which is never memoized), for distinct seed splits that concatenate alike.
        let program = try Address(bytes: [UInt8](repeating: 7, count: 32))
        for seeds in [[[1, 2], [3]], [[1], [2, 3]], [[1, 2, 3]], [], [[]]] as [[[UInt8]]] {
            let first = try ProgramDerivedAddress.find(seeds: seeds, programId: program)
            let again = try ProgramDerivedAddress.find(seeds: seeds, programId: program)
            #expect(first == again)
            let created = try ProgramDerivedAddress.create(seeds: seeds + [[first.bump]], programId: program)
            #expect(created == first.address)
        }
        let a = try ProgramDerivedAddress.find(seeds: [[1, 2], [3]], programId: program)
        let b = try ProgramDerivedAddress.find(seeds: [[1], [2, 3]], programId: program)
        // Solana hashes the seeds concatenated (no length prefixes), so these two splits derive the same address;
        // the memo keys them apart yet must give the same answer as the search for each.
        #expect(a == b)
        // An over-long seed whose bytes mimic a valid key's encoding still fails with its typed error.
        var long: [UInt8] = [1, 1, 2]
        long += [UInt8](repeating: 0, count: 254)
        #expect(throws: PrimitivesError.self) { try ProgramDerivedAddress.find(seeds: [long], programId: program) }
    }

    func hexBytes(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var it = s.makeIterator()
        while let h = it.next(), let l = it.next() { out.append(UInt8(String([h, l]), radix: 16)!) }
        return out
    }
}
