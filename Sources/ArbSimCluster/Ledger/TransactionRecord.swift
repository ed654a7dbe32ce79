import SolanaPrimitives

/// A token balance as RPC reports it in `preTokenBalances` / `postTokenBalances`.
public struct TokenBalance: Hashable, Sendable {
    public var accountIndex: Int
    public var mint: Address
    public var owner: Address
    public var programId: Address
    public var amount: UInt64
    public var decimals: UInt8
}

/// The outcome of executing (or simulating) one transaction.
public struct ExecutionResult: Hashable, Sendable {
    public var signature: Signature
    /// nil = success.
    public var error: TransactionError?
    /// Whether the transaction is recorded in a block (fee charged). Errors found before the fee is charged
    /// (signature, blockhash, fee payer, lookup tables, compute budget) leave it out.
    public var included: Bool
    public var fee: UInt64
    public var computeUnitsConsumed: UInt64
    public var computeUnitPrice: UInt64
    public var logs: [String]
    public var accountKeys: [Address]
    public var loadedWritable: [Address]
    public var loadedReadonly: [Address]
    public var writable: [Bool]
    public var preBalances: [UInt64]
    public var postBalances: [UInt64]
    public var preTokenBalances: [TokenBalance]
    public var postTokenBalances: [TokenBalance]
    /// Post-state of every writable account (what a commit writes), by key.
    public var postAccounts: [Address: Account]
    public var isV0: Bool

    static func rejected(_ sig: Signature, _ error: TransactionError, logs: [String] = []) -> ExecutionResult {
        ExecutionResult(
            signature: sig, error: error, included: false, fee: 0, computeUnitsConsumed: 0, computeUnitPrice: 0,
            logs: logs, accountKeys: [], loadedWritable: [], loadedReadonly: [], writable: [], preBalances: [],
            postBalances: [], preTokenBalances: [], postTokenBalances: [], postAccounts: [:], isV0: false)
    }
}

/// A transaction in a block, as `getTransaction` / `getSignatureStatuses` report it.
public struct TransactionRecord: Hashable, Sendable {
    public var slot: UInt64
    public var blockTime: Int64
    public var wireBytes: [UInt8]
    public var result: ExecutionResult
}

/// One produced block's summary: what the PubSub layer notifies about.
public struct BlockSummary: Sendable {
    public var slot: UInt64
    public var parent: UInt64
    public var blockhash: Hash
    public var transactions: [ExecutionResult]
    /// Accounts written by the block's transactions (and sysvars), in address order.
    public var changedAccounts: [Address]
}
