/// An instruction's failure, named exactly as the Solana runtime names it (`solana_instruction::error::InstructionError`),
/// so the JSON the cluster returns matches a real validator's (`"InsufficientFunds"`, `{"Custom":1}`).
public enum InstructionError: Error, Hashable, Sendable, CustomStringConvertible {
    case custom(UInt32)
    case invalidArgument
    case invalidInstructionData
    case invalidAccountData
    case accountDataTooSmall
    case insufficientFunds
    case incorrectProgramId
    case missingRequiredSignature
    case accountAlreadyInitialized
    case uninitializedAccount
    case unbalancedInstruction
    case notEnoughAccountKeys
    case computationalBudgetExceeded
    case invalidAccountOwner
    case illegalOwner
    case invalidSeeds
    case readonlyLamportChange
    case readonlyDataModified
    case externalAccountDataModified
    case externalAccountLamportSpend
    case unsupportedProgramId
    case arithmeticOverflow
    case immutable
    case incorrectAuthority

    /// The variant name as serialized by the runtime (unit variants are JSON strings).
    public var name: String {
        switch self {
        case .custom(let n): "Custom(\(n))"
        case .invalidArgument: "InvalidArgument"
        case .invalidInstructionData: "InvalidInstructionData"
        case .invalidAccountData: "InvalidAccountData"
        case .accountDataTooSmall: "AccountDataTooSmall"
        case .insufficientFunds: "InsufficientFunds"
        case .incorrectProgramId: "IncorrectProgramId"
        case .missingRequiredSignature: "MissingRequiredSignature"
        case .accountAlreadyInitialized: "AccountAlreadyInitialized"
        case .uninitializedAccount: "UninitializedAccount"
        case .unbalancedInstruction: "UnbalancedInstruction"
        case .notEnoughAccountKeys: "NotEnoughAccountKeys"
        case .computationalBudgetExceeded: "ComputationalBudgetExceeded"
        case .invalidAccountOwner: "InvalidAccountOwner"
        case .illegalOwner: "IllegalOwner"
        case .invalidSeeds: "InvalidSeeds"
        case .readonlyLamportChange: "ReadonlyLamportChange"
        case .readonlyDataModified: "ReadonlyDataModified"
        case .externalAccountDataModified: "ExternalAccountDataModified"
        case .externalAccountLamportSpend: "ExternalAccountLamportSpend"
        case .unsupportedProgramId: "UnsupportedProgramId"
        case .arithmeticOverflow: "ArithmeticOverflow"
        case .immutable: "Immutable"
        case .incorrectAuthority: "IncorrectAuthority"
        }
    }

    /// The JSON value (`"InvalidArgument"` or `{"Custom": n}`).
    public var json: SimJSON {
        if case .custom(let n) = self { return .object(["Custom": .int(Int64(n))]) }
        return .string(name)
    }

    /// The text after "failed: " in the runtime's log line for this error.
    public var logText: String { rpcText }

    public var description: String { name }
}

/// A transaction's failure (`solana_transaction_error::TransactionError`), with the runtime's variant names.
public enum TransactionError: Error, Hashable, Sendable, CustomStringConvertible {
    case accountInUse
    case accountLoadedTwice
    case accountNotFound
    case programAccountNotFound
    case insufficientFundsForFee
    case invalidAccountForFee
    case alreadyProcessed
    case blockhashNotFound
    case instructionError(index: UInt8, InstructionError)
    case invalidAccountIndex
    case signatureFailure
    case sanitizeFailure
    case invalidProgramForExecution
    case addressLookupTableNotFound
    case invalidAddressLookupTableOwner
    case invalidAddressLookupTableData
    case invalidAddressLookupTableIndex
    case duplicateInstruction(UInt8)
    case insufficientFundsForRent(accountIndex: UInt8)
    case wouldExceedMaxBlockCostLimit

    public var json: SimJSON {
        switch self {
        case .instructionError(let i, let e): .object(["InstructionError": .array([.int(Int64(i)), e.json])])
        case .duplicateInstruction(let i): .object(["DuplicateInstruction": .int(Int64(i))])
        case .insufficientFundsForRent(let i):
            .object(["InsufficientFundsForRent": .object(["account_index": .int(Int64(i))])])
        default: .string(description)
        }
    }

    public var description: String {
        switch self {
        case .accountInUse: "AccountInUse"
        case .accountLoadedTwice: "AccountLoadedTwice"
        case .accountNotFound: "AccountNotFound"
        case .programAccountNotFound: "ProgramAccountNotFound"
        case .insufficientFundsForFee: "InsufficientFundsForFee"
        case .invalidAccountForFee: "InvalidAccountForFee"
        case .alreadyProcessed: "AlreadyProcessed"
        case .blockhashNotFound: "BlockhashNotFound"
        case .instructionError(let i, let e): "InstructionError(\(i), \(e.name))"
        case .invalidAccountIndex: "InvalidAccountIndex"
        case .signatureFailure: "SignatureFailure"
        case .sanitizeFailure: "SanitizeFailure"
        case .invalidProgramForExecution: "InvalidProgramForExecution"
        case .addressLookupTableNotFound: "AddressLookupTableNotFound"
        case .invalidAddressLookupTableOwner: "InvalidAddressLookupTableOwner"
        case .invalidAddressLookupTableData: "InvalidAddressLookupTableData"
        case .invalidAddressLookupTableIndex: "InvalidAddressLookupTableIndex"
        case .duplicateInstruction(let i): "DuplicateInstruction(\(i))"
        case .insufficientFundsForRent(let i): "InsufficientFundsForRent(\(i))"
        case .wouldExceedMaxBlockCostLimit: "WouldExceedMaxBlockCostLimit"
        }
    }

    /// The human message the real RPC puts in a -32002 preflight failure's `message`.
    public var rpcMessage: String {
        switch self {
        case .blockhashNotFound: "Blockhash not found"
        case .accountNotFound:
            "Attempt to debit an account but found no record of a prior credit."
        case .insufficientFundsForFee: "Insufficient funds for fee"
        case .alreadyProcessed: "This transaction has already been processed"
        case .signatureFailure: "Transaction did not pass signature verification"
        case .instructionError(let i, let e): "Error processing Instruction \(i): \(e.rpcText)"
        default: description
        }
    }
}

extension InstructionError {
    /// The Display text agave uses in logs and RPC messages (`custom program error: 0x1`,
    /// `Computational budget exceeded`, …; solana-instruction `InstructionError` Display).
    var rpcText: String {
        switch self {
        case .custom(let n): "custom program error: 0x\(String(n, radix: 16))"
        case .invalidArgument: "invalid program argument"
        case .invalidInstructionData: "invalid instruction data"
        case .invalidAccountData: "invalid account data for instruction"
        case .accountDataTooSmall: "account data too small for instruction"
        case .insufficientFunds: "insufficient funds for instruction"
        case .incorrectProgramId: "incorrect program id for instruction"
        case .missingRequiredSignature: "missing required signature for instruction"
        case .accountAlreadyInitialized: "instruction requires an uninitialized account"
        case .uninitializedAccount: "instruction requires an initialized account"
        case .unbalancedInstruction: "sum of account balances before and after instruction do not match"
        case .notEnoughAccountKeys: "insufficient account keys for instruction"
        case .computationalBudgetExceeded: "Computational budget exceeded"
        case .invalidAccountOwner: "Invalid account owner"
        case .illegalOwner: "Provided owner is not allowed"
        case .invalidSeeds: "Provided seeds do not result in a valid address"
        case .readonlyLamportChange: "instruction changed the balance of a read-only account"
        case .readonlyDataModified: "instruction modified data of a read-only account"
        case .externalAccountDataModified: "instruction modified data of an account it does not own"
        case .externalAccountLamportSpend: "instruction spent from the balance of an account it does not own"
        case .unsupportedProgramId: "Unsupported program id"
        case .arithmeticOverflow: "Program arithmetic overflowed"
        case .immutable: "Account is immutable"
        case .incorrectAuthority: "Incorrect authority provided"
        }
    }
}

/// Errors of the cluster's own surface (bad RPC parameters, unknown method, transport failures).
public struct SimClusterError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }
        public static let invalidParams = Code("invalidParams")
        public static let methodNotFound = Code("methodNotFound")
        public static let parseError = Code("parseError")
        public static let invalidTransaction = Code("invalidTransaction")
        public static let serverFailed = Code("serverFailed")
    }
    public let code: Code
    public let detail: String
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }
    public var description: String { "\(code): \(detail)" }
}
