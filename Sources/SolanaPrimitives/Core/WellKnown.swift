/// Program and sysvar ids (public, from the Solana SDK and the SPL programs' `declare_id!`).
public enum ProgramIDs {
    public static let system = Address("11111111111111111111111111111111")
    public static let computeBudget = Address("ComputeBudget111111111111111111111111111111")
    public static let token = Address("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
    public static let token2022 = Address("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb")
    public static let associatedToken = Address("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL")
    public static let addressLookupTable = Address("AddressLookupTab1e1111111111111111111111111")
    public static let memo = Address("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr")
    public static let memoV1 = Address("Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo")
    public static let bpfLoaderUpgradeable = Address("BPFLoaderUpgradeab1e11111111111111111111111")
}

public enum SysvarIDs {
    public static let rent = Address("SysvarRent111111111111111111111111111111111")
    public static let clock = Address("SysvarC1ock11111111111111111111111111111111")
    public static let recentBlockhashes = Address("SysvarRecentB1ockHashes11111111111111111111")
    public static let instructions = Address("Sysvar1nstructions1111111111111111111111111")
}

public enum Mints {
    /// Wrapped SOL (the native mint).
    public static let wrappedSOL = Address("So11111111111111111111111111111111111111112")
    public static let usdc = Address("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v")
    public static let usdt = Address("Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB")
}
