import SolanaPrimitives

/// What a native program handler sees while it runs one instruction: the instruction's accounts (in instruction
/// order, with signer/writable flags from the message), its data, the compute meter, the log, and the bank's clock.
/// Writes go to the transaction's working copy; the runtime rolls them back if any instruction fails.
public struct InvocationContext {
    public let programId: Address
    public let data: [UInt8]
    /// Indexes into the transaction's account list, in instruction order.
    let indexes: [Int]
    var tx: TransactionWorkspace

    public let slot: UInt64
    /// The bank's current blockhash (what a durable nonce advances to, hashed).
    public let blockhash: Hash
    /// The Clock sysvar's unix time for `slot` (what `Clock::get()` returns to a program).
    public var unixTimestamp: Int64 = 0
    /// Builtins log bare lines (`ic_msg!`); on-chain programs' `msg!` lines start with "Program log: ".
    let logPrefix: String

    init(
        programId: Address, data: [UInt8], indexes: [Int], tx: TransactionWorkspace, slot: UInt64,
        blockhash: Hash, logPrefix: String
    ) {
        self.logPrefix = logPrefix
        self.programId = programId
        self.data = data
        self.indexes = indexes
        self.tx = tx
        self.slot = slot
        self.blockhash = blockhash
    }

    public var accountCount: Int { indexes.count }

    /// Throws `NotEnoughAccountKeys` when the instruction lists fewer than `n` accounts.
    public func require(accounts n: Int) throws(InstructionError) {
        guard indexes.count >= n else { throw .notEnoughAccountKeys }
    }

    public func key(_ i: Int) -> Address { tx.keys[indexes[i]] }
    public func account(_ i: Int) -> Account { tx.accounts[indexes[i]] }
    public func isSigner(_ i: Int) -> Bool { tx.isSigner[indexes[i]] }
    public func isWritable(_ i: Int) -> Bool { tx.isWritable[indexes[i]] }

    /// The account at instruction position `i` must have signed, else `MissingRequiredSignature`.
    public func requireSigner(_ i: Int) throws(InstructionError) {
        guard isSigner(i) else { throw .missingRequiredSignature }
    }

    /// Whether one of the instruction's accounts is `key` and signed (the runtime's per-instruction signer set,
    /// used for authorities stored in account data, e.g. a nonce authority).
    public func signed(_ key: Address) -> Bool {
        indexes.contains { tx.keys[$0] == key && tx.isSigner[$0] }
    }

    /// Replaces the account at instruction position `i`. The runtime enforces writability and owner rules
    /// (readonly accounts must not change; only the owner may change data or debit lamports).
    public mutating func set(_ i: Int, _ account: Account) throws(InstructionError) {
        let idx = indexes[i]
        let old = tx.accounts[idx]
        if old == account { return }
        guard tx.isWritable[idx] else {
            throw old.lamports != account.lamports ? .readonlyLamportChange : .readonlyDataModified
        }
        tx.accounts[idx] = account
    }

    /// Charges compute units; exceeding the transaction's limit fails with `ComputationalBudgetExceeded`
    /// (and uses up the whole remaining budget, as the real meter does).
    public mutating func consume(_ units: UInt64) throws(InstructionError) {
        if units > tx.computeRemaining {
            tx.computeRemaining = 0
            throw .computationalBudgetExceeded
        }
        tx.computeRemaining -= units
    }

    public mutating func log(_ line: String) { tx.logs.append(logPrefix + line) }

}

/// The accounts and meters of one transaction being executed.
struct TransactionWorkspace {
    var keys: [Address]
    var accounts: [Account]
    var isSigner: [Bool]
    var isWritable: [Bool]
    var computeRemaining: UInt64
    var logs: [String] = []
}

/// A program implemented natively by the simulated cluster (the System program, SPL Token, later the DEX programs
/// and the profit guard). Handlers decode the instruction from its real wire encoding and fail with the error the
/// real program returns.
public protocol NativeProgram: Sendable {
    /// The owner of the program's account (`NativeLoader…` for builtins, `BPFLoader…` for on-chain programs);
    /// it decides how the runtime logs the invocation.
    var loader: Address { get }
    func process(_ ctx: inout InvocationContext) throws(InstructionError)
}

/// The native program handlers, keyed by program id. Extend it to plug in more programs.
public struct ProgramRegistry: Sendable {
    public private(set) var programs: [Address: any NativeProgram] = [:]

    public init() {}

    public mutating func register(_ id: Address, _ program: any NativeProgram) { programs[id] = program }
    public subscript(id: Address) -> (any NativeProgram)? { programs[id] }

    /// System, Compute Budget, SPL Token, Associated Token Account, Address Lookup Table, Memo (v2 and v1), and the
    /// five DEX programs at their real ids (`registerDEXPrograms`).
    public static var standard: ProgramRegistry {
        var r = ProgramRegistry()
        r.register(ProgramIDs.system, SystemProgramHandler())
        r.register(ProgramIDs.computeBudget, ComputeBudgetHandler())
        r.register(ProgramIDs.token, TokenProgramHandler(programId: ProgramIDs.token))
        r.register(ProgramIDs.associatedToken, AssociatedTokenHandler())
        r.register(ProgramIDs.addressLookupTable, AddressLookupTableHandler())
        r.register(ProgramIDs.memo, MemoHandler())
        r.register(ProgramIDs.memoV1, MemoHandler())
        r.registerDEXPrograms()
        return r
    }
}
