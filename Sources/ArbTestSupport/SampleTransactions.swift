import SolanaKeys
import SolanaPrimitives

/// Deterministic transaction shapes for benchmarks (so `solarb bench`, the Benchmarks package and the solders
/// comparison all measure the same work).
public enum SampleTransactions {
    /// Deterministic pseudo-random address from a label (splitmix64 of the label's hash-free index).
    public static func address(_ i: UInt64) -> Address {
        var x = i &+ 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return Address(raw: Bytes32(w0: next(), w1: next(), w2: next(), w3: next()))
    }

    /// A 3-leg arbitrage shape: compute-unit limit + price, then three swap instructions of 20 accounts each
    /// (token program, the user's signer and token accounts, pool/vault/tick accounts), with one lookup table
    /// holding every pool account. Returns the instructions, the payer seed and the table.
    public static func threeLegArbitrage() -> (
        instructions: [Instruction], payerSeed: [UInt8], table: AddressLookupTableAccount
    ) {
        let payerSeed = [UInt8](repeating: 42, count: 32)
        let payer = try! Keypair(seed: payerSeed).address
        let userTokenAccounts = (0..<3).map { address(1000 + UInt64($0)) }
        var poolAccounts: [Address] = []
        var swaps: [Instruction] = []
        for leg in 0..<3 {
            let program = address(2000 + UInt64(leg))
            var metas: [AccountMeta] = [
                .readonly(ProgramIDs.token), .readonly(payer, signer: true),
                .writable(userTokenAccounts[leg]), .writable(userTokenAccounts[(leg + 1) % 3]),
            ]
            for j in 0..<16 {
                let a = address(3000 + UInt64(leg * 100 + j))
                poolAccounts.append(a)
                metas.append(j % 3 == 0 ? .readonly(a) : .writable(a))
            }
            var data: [UInt8] = [0xF8, 0xC6, 0x9E, 0x91, 0xE1, 0x75, 0x87, 0xC8]
            data += [UInt8](repeating: UInt8(leg), count: 26)
            swaps.append(Instruction(programId: program, accounts: metas, data: data))
        }
        let table = AddressLookupTableAccount(key: address(9999), addresses: poolAccounts + userTokenAccounts)
        let budget = [
            ComputeBudgetProgram.setComputeUnitLimit(400_000),
            ComputeBudgetProgram.setComputeUnitPrice(microLamports: 25_000),
        ]
        return (budget + swaps, payerSeed, table)
    }
}
