/// Compute Budget instructions (u8 tag, then LE argument; no accounts). Source: solana-program/compute-budget IDL.
public enum ComputeBudgetProgram {
    public static let id = ProgramIDs.computeBudget
    /// The runtime's ceiling on a transaction's compute units.
    public static let maxComputeUnitLimit: UInt32 = 1_400_000

    public static func requestHeapFrame(bytes: UInt32) -> Instruction { make(1, UInt64(bytes), width: 4) }
    public static func setComputeUnitLimit(_ units: UInt32) -> Instruction { make(2, UInt64(units), width: 4) }
    /// Price in micro-lamports per compute unit.
    public static func setComputeUnitPrice(microLamports: UInt64) -> Instruction { make(3, microLamports, width: 8) }
    public static func setLoadedAccountsDataSizeLimit(bytes: UInt32) -> Instruction { make(4, UInt64(bytes), width: 4) }

    static func make(_ tag: UInt8, _ value: UInt64, width: Int) -> Instruction {
        var w = ByteWriter(capacity: 1 + width)
        w.u8(tag)
        if width == 4 { w.u32(UInt32(value)) } else { w.u64(value) }
        return Instruction(programId: id, accounts: [], data: w.bytes)
    }

    /// Priority fee in lamports for a limit and price: ceil(units × microLamports / 1e6), as the runtime computes it.
    public static func priorityFee(units: UInt32, microLamports: UInt64) -> UInt64 {
        let product = UInt128(units) * UInt128(microLamports)
        let fee = (product + 999_999) / 1_000_000
        return fee > UInt128(UInt64.max) ? .max : UInt64(fee)
    }
}
