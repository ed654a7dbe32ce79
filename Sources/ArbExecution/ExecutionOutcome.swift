import ArbGuard
import ArbRPC
import ArbVenues
import SolanaPrimitives

/// The outcome taxonomy of a sent arbitrage (stable raw values: journal column and metric label).
public enum OutcomeClass: String, Sendable, Hashable, CaseIterable, Codable {
    /// Executed successfully; profit from the base account's pre/post token balances.
    case landed
    /// Executed and failed in the profit guard (the trade would have lost: stale or contested).
    case revertedByGuard = "reverted_guard"
    /// Executed and failed in a DEX's own slippage check.
    case revertedBySlippage = "reverted_slippage"
    /// Never executed before its blockhash expired (block height passed lastValidBlockHeight).
    case expired
    /// Refused by every endpoint before execution (preflight simulation or sanitization).
    case rejected
    /// Not enough lamports or tokens (fee, rent, or a token transfer).
    case insufficientFunds = "insufficient_funds"
    /// Ran out of compute units.
    case computeExceeded = "compute_exceeded"
    case other
    /// NOT a final outcome: neither execution nor expiry could be proven (RPC unreachable, cancelled, the hard
    /// confirmation time limit). Never journaled; the submission stays pending (its pools busy) until a later
    /// reconciliation proves what happened.
    case unknown

    /// Executed on chain (fee paid), whatever the result.
    public var executed: Bool {
        switch self {
        case .landed, .revertedByGuard, .revertedBySlippage, .insufficientFunds, .computeExceeded, .other: true
        case .expired, .rejected, .unknown: false
        }
    }

    /// A proven, final outcome (everything but `unknown`).
    public var isFinal: Bool { self != .unknown }
}

/// What happened to one signature.
public struct ExecutionOutcome: Sendable, Hashable {
    public var outcome: OutcomeClass
    public var signature: Signature
    public var slot: UInt64?
    /// Fee charged (base + priority), lamports.
    public var feeLamports: UInt64?
    /// What the trade gained in the base token (gross: before fee, tip and rent), base units, measured on chain.
    /// wSOL base: the payer's lamport change + fee + tip + the lamport change of the payer's token accounts
    /// (rent locked in created accounts, a pre-existing wSOL account's balance) — in wrap mode the wSOL account
    /// is created and closed inside the transaction, so no token balance shows it. Other bases: post − pre of the
    /// wallet's base-token balance. nil when not executed or unknown.
    public var baseDelta: Int64?
    /// Change of the payer's lamports (post − pre): fees, tips, rent, and wrapped SOL when wrapping.
    public var lamportDelta: Int64?
    /// Tip paid (lamports; only a successful transaction pays its in-transaction tip).
    public var tipLamports: UInt64?
    /// Net rent moved into (positive) or out of the wallet's token accounts of non-base mints (created accounts).
    public var rentLamports: Int64?
    public var computeUnitsConsumed: UInt64?
    /// The error, as the runtime names it (nil when landed).
    public var error: String?

    public init(
        outcome: OutcomeClass, signature: Signature, slot: UInt64? = nil, feeLamports: UInt64? = nil,
        baseDelta: Int64? = nil, lamportDelta: Int64? = nil, computeUnitsConsumed: UInt64? = nil, error: String? = nil
    ) {
        self.outcome = outcome
        self.signature = signature
        self.slot = slot
        self.feeLamports = feeLamports
        self.baseDelta = baseDelta
        self.lamportDelta = lamportDelta
        self.computeUnitsConsumed = computeUnitsConsumed
        self.error = error
    }

    /// Fills fee, compute, lamport change, tip, rent and the measured gross profit from getTransaction's meta.
    public mutating func apply(_ meta: Sender.Meta, context: OutcomeContext) {
        if outcome == .other, OutcomeClassifier.tokenInsufficientFunds(in: meta.logMessages) {
            // SPL Token's InsufficientFunds raised inside a DEX's CPI is reported against the DEX instruction.
            outcome = .insufficientFunds
        }
        feeLamports = meta.fee
        computeUnitsConsumed = meta.computeUnits
        lamportDelta = meta.payerLamportDelta
        let tip: UInt64 = outcome == .landed ? context.tipLamports : 0
        tipLamports = tip
        let base = context.baseMint.base58
        rentLamports = meta.tokenAccountLamportDelta(owner: context.payer) {
            $0 != base && $0 != Mints.wrappedSOL.base58
        }
        if context.baseMint == Mints.wrappedSOL {
            guard let payer = meta.payerLamportDelta, let fee = meta.fee,
                let accounts = meta.tokenAccountLamportDelta(owner: context.payer)
            else {
                baseDelta = nil
                return
            }
            baseDelta = Int64(exactly: Int128(payer) + Int128(fee) + Int128(tip) + Int128(accounts))
        } else {
            baseDelta = meta.tokenDelta(owner: context.payer, mint: context.baseMint)
        }
    }
}

/// Maps runtime errors to the taxonomy. Pure.
public enum OutcomeClassifier {
    /// Custom error codes DEX programs return when the output is below the minimum.
    /// Sources: raydium-amm `AmmError::ExceededSlippage` = 30; raydium-cp-swap `ErrorCode::ExceededSlippage` = 6005;
    /// whirlpool `ErrorCode::AmountOutBelowMinimum` = 6036; raydium-clmm (programs/amm/src/error.rs)
    /// `PriceSlippageCheck` = 6017 and `TooLittleOutputReceived` = 6018;
    /// meteora dlmm `LBError::ExceededAmountSlippageTolerance` = 6003.
    public static let slippageCodes: [Address: Set<UInt32>] = [
        VenuePrograms.raydiumAmmV4: [30],
        VenuePrograms.raydiumCpmm: [6005],
        VenuePrograms.orcaWhirlpool: [6036],
        VenuePrograms.raydiumClmm: [6017, 6018],
        VenuePrograms.meteoraDlmm: [6003],
    ]

    /// `programs[i]` is the program of instruction i; `guardInstructionIndex` the guard's position.
    public static func classify(
        _ err: TransactionError?, programs: [Address], guardProgram: Address?
    ) -> OutcomeClass {
        guard let err else { return .landed }
        switch err {
        case .instructionError(let index, let ie):
            let program = index >= 0 && index < programs.count ? programs[index] : nil
            switch ie {
            case .custom(let code):
                if let program, program == guardProgram, GuardABI.Failure(code: code) != nil {
                    return .revertedByGuard
                }
                if let program, slippageCodes[program]?.contains(code) == true { return .revertedBySlippage }
                // SPL Token InsufficientFunds; System ResultWithNegativeLamports.
                if program == ProgramIDs.token && code == 1 { return .insufficientFunds }
                if program == ProgramIDs.system && code == 1 { return .insufficientFunds }
                return .other
            case .named(let n):
                if n == "ComputationalBudgetExceeded" || n == "ProgramFailedToComplete" { return .computeExceeded }
                if n == "InsufficientFunds" { return .insufficientFunds }
                return .other
            default:
                return .other
            }
        case .named(let n):
            if n == "InsufficientFundsForFee" { return .insufficientFunds }
            if n == "BlockhashNotFound" { return .expired }
            return .other
        case .indexed(let n, _):
            return n == "InsufficientFundsForRent" ? .insufficientFunds : .other
        case .unknown:
            return .other
        }
    }

    /// Whether the logs show an SPL Token / Token-2022 `InsufficientFunds` (spl-token's `PrintProgramError` logs
    /// "Error: insufficient funds" before failing with Custom(1)), also inside a CPI, where the status blames the
    /// calling (DEX) instruction.
    public static func tokenInsufficientFunds(in logs: [String]) -> Bool {
        var lastTokenInvoke = false
        for line in logs {
            if line.hasPrefix("Program \(ProgramIDs.token.base58) invoke")
                || line.hasPrefix("Program \(ProgramIDs.token2022.base58) invoke")
            {
                lastTokenInvoke = true
            } else if line.hasPrefix("Program ") && (line.contains(" invoke [") || line.hasSuffix(" success")) {
                lastTokenInvoke = false
            }
            if lastTokenInvoke && line.lowercased() == "program log: error: insufficient funds" { return true }
        }
        return false
    }

    /// A send refused by every endpoint: preflight failures keep their execution class when it says more
    /// (insufficient funds, compute); otherwise `rejected`.
    public static func classifyRejection(_ e: RPCError, programs: [Address], guardProgram: Address?) -> OutcomeClass {
        if let te = e.transactionError {
            let c = classify(te, programs: programs, guardProgram: guardProgram)
            switch c {
            case .insufficientFunds, .computeExceeded, .expired: return c
            default: return .rejected
            }
        }
        return .rejected
    }
}

/// Program ids of the venues (for slippage classification), from ArbVenues' layouts.
public enum VenuePrograms {
    public static let raydiumAmmV4 = RaydiumAMMv4Layout.programId
    public static let raydiumCpmm = RaydiumCPMMLayout.programId
    public static let raydiumClmm = RaydiumCLMMLayout.programId
    public static let orcaWhirlpool = WhirlpoolLayout.programId
    public static let meteoraDlmm = MeteoraDLMMLayout.programId
}
