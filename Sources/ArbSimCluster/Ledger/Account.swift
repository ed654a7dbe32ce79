import SolanaPrimitives

/// One account as the runtime stores it.
public struct Account: Hashable, Sendable {
    public var lamports: UInt64
    public var owner: Address
    public var data: [UInt8]
    public var executable: Bool

    public init(lamports: UInt64, owner: Address = ProgramIDs.system, data: [UInt8] = [], executable: Bool = false) {
        self.lamports = lamports
        self.owner = owner
        self.data = data
        self.executable = executable
    }

    /// An account that does not exist: zero lamports, no data, owned by the System program.
    public static let empty = Account(lamports: 0)
    public var exists: Bool { lamports > 0 || !data.isEmpty || executable }
}

/// Rent at mainnet parameters: 3,480 lamports per byte-year, exemption after 2 years, 128 bytes of account overhead.
/// (solana-rent `DEFAULT_LAMPORTS_PER_BYTE_YEAR`, `DEFAULT_EXEMPTION_THRESHOLD`, `ACCOUNT_STORAGE_OVERHEAD`.)
public enum Rent {
    public static let lamportsPerByteYear: UInt64 = 3480
    public static let exemptionYears: UInt64 = 2
    public static let accountStorageOverhead: UInt64 = 128

    public static func minimumBalance(dataLength: Int) -> UInt64 {
        (accountStorageOverhead + UInt64(dataLength)) * lamportsPerByteYear * exemptionYears
    }
}

/// Well-known loader ids the runtime uses as owners of program accounts.
public enum LoaderIDs {
    public static let native = Address("NativeLoader1111111111111111111111111111111")
    public static let bpfLoader2 = Address("BPFLoader2111111111111111111111111111111111")
}
