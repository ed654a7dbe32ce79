import ArbEngine
import ArbGuard
import ArbVenues
import SolanaKeys
import SolanaPrimitives

/// How SOL is handled when the cycle's base token is wSOL.
public enum WrapPolicy: Sendable, Hashable {
    /// The wallet keeps a funded wSOL token account: no wrap, no unwrap (cheapest; the usual bot setup).
    case keepWrapped
    /// Transfer the input lamports into the wSOL account and SyncNative before the legs; close the account after
    /// the guard (lamports back to the wallet).
    case wrapAndUnwrap
}

/// Optional Jito tip: a SOL transfer to a tip account, sized as a share of the expected profit.
public struct TipPolicy: Sendable, Hashable {
    public enum Mode: Sendable, Hashable {
        case none
        /// The tip transfer is the last instruction of the arbitrage transaction itself.
        case inTransaction
        /// A bundle [arb tx, tip tx]: the tip is a separate transaction, paid only if the bundle lands.
        case bundle
    }
    public var mode: Mode = .none
    /// Tip accounts (one is used per transaction, chosen by `AssemblyInput.tipAccountIndex`).
    public var tipAccounts: [Address] = []
    /// Tip = shareBps × expected net profit (lamports) / 10,000, clamped to [minLamports, maxLamports].
    public var shareBps: UInt64 = 0
    public var minLamports: UInt64 = 1_000
    public var maxLamports: UInt64 = 100_000_000

    public init() {}

    public init(mode: Mode, tipAccounts: [Address], shareBps: UInt64) {
        self.mode = mode
        self.tipAccounts = tipAccounts
        self.shareBps = shareBps
    }

    public func tip(expectedProfitLamports: UInt64) -> UInt64 {
        guard mode != .none else { return 0 }
        let share = UInt64(min(UInt128(expectedProfitLamports) * UInt128(shareBps) / 10_000, UInt128(UInt64.max)))
        return min(max(share, minLamports), maxLamports)
    }
}

/// Configuration of the assembler (per bot).
public struct AssemblyConfig: Sendable, Hashable {
    /// The deployed profit guard. nil → every assembly fails with `missingGuard`.
    public var guardProgram: Address?
    public var compute = ComputeBudgetPolicy()
    public var tip = TipPolicy()
    public var wrap: WrapPolicy = .keepWrapped
    /// Signatures per transaction × this = base fee.
    public var lamportsPerSignature: UInt64 = 5_000
    /// Rent-exempt minimum of a 165-byte token account (paid when an ATA is created).
    public var tokenAccountRentLamports: UInt64 = 2_039_280
    public var maxTransactionBytes: Int = TransactionLimits.packetDataSize
    /// Account keys a transaction may reference (static + loaded); the runtime's lock limit is 64.
    public var maxAccounts: Int = 64

    public init(guardProgram: Address?) { self.guardProgram = guardProgram }
}

/// lamports → base-token conversion: `lamports` lamports are worth `baseUnits` base units. Rounds costs up.
public struct LamportPrice: Sendable, Hashable {
    public var baseUnits: UInt64
    public var lamports: UInt64
    public init(baseUnits: UInt64, lamports: UInt64) {
        self.baseUnits = baseUnits
        self.lamports = lamports
    }
    public static let oneToOne = LamportPrice(baseUnits: 1, lamports: 1)

    public func toBase(_ lamports: UInt64) throws(ExecutionError) -> UInt64 {
        guard self.lamports > 0 else { throw ExecutionError(.invalidOpportunity, "lamport price with 0 lamports") }
        let v = (UInt128(lamports) * UInt128(baseUnits) + UInt128(self.lamports) - 1) / UInt128(self.lamports)
        guard v <= UInt128(UInt64.max) else { throw ExecutionError(.overflow, "cost in base overflows u64") }
        return UInt64(v)
    }
}

/// Everything one assembly needs besides the configuration.
public struct AssemblyInput: Sendable {
    public var opportunity: Opportunity
    /// Venue (pool) state by pool address, for every leg.
    public var venues: [Address: any Venue]
    public var payer: Address
    public var blockhash: Hash
    public var lastValidBlockHeight: UInt64
    public var lookupTables: [AddressLookupTableAccount] = []
    /// The wallet's current token balances by mint (base required; intermediate mints, when given, are guarded
    /// not to decrease).
    public var balances: [Address: UInt64]
    /// Mints whose associated token account does not exist yet (created idempotently, rent counted).
    public var missingTokenAccounts: Set<Address> = []
    /// Minimum net profit in base units (≥ 1 is sensible; 0 means break-even is enough).
    public var minProfit: UInt64 = 1
    /// Recent prioritization fees (micro-lamports) over the writable accounts; empty → price floor.
    public var recentPriorityFees: [UInt64] = []
    /// A limit from simulation (`ComputeBudgetPolicy.refinedLimit`) replacing the estimate.
    public var simulatedComputeUnitLimit: UInt32? = nil
    /// Conversion of lamport costs into the base token; nil → 1:1 for wSOL, else the opportunity's own ratio.
    public var lamportPrice: LamportPrice? = nil
    public var tipAccountIndex: Int = 0
    /// Token program per mint (default SPL Token).
    public var tokenPrograms: [Address: Address] = [:]

    public init(
        opportunity: Opportunity, venues: [Address: any Venue], payer: Address, blockhash: Hash,
        lastValidBlockHeight: UInt64, balances: [Address: UInt64]
    ) {
        self.opportunity = opportunity
        self.venues = venues
        self.payer = payer
        self.blockhash = blockhash
        self.lastValidBlockHeight = lastValidBlockHeight
        self.balances = balances
    }
}

/// An assembled, unsigned arbitrage transaction with its accounting. Only `TransactionAssembler` makes one, and
/// it always contains the guard.
public struct AssembledTransaction: Sendable {
    public let instructions: [Instruction]
    public let message: VersionedMessage
    public let payer: Address
    public let baseMint: Address
    public let baseTokenAccount: Address
    public let amountIn: UInt64
    public let expectedOut: UInt64
    public let lastLegMinimumOut: UInt64
    /// The guard's absolute minimum for the base token account (balance before + min profit + costs, plus the
    /// wrapped input when wrapping).
    public let guardMinimum: UInt64
    public let guardProgram: Address
    public let guardInstructionIndex: Int
    public let computeUnitLimit: UInt32
    public let computeUnitPrice: ComputeBudgetPolicy.Price
    public let baseFeeLamports: UInt64
    public let tipLamports: UInt64
    public let rentLamports: UInt64
    /// Base fee + priority fee + tip + rent.
    public let costLamports: UInt64
    public let costInBase: UInt64
    /// expectedOut − amountIn − costInBase.
    public let expectedNetProfit: UInt64
    public let expectedNetProfitLamports: UInt64
    /// Serialized size with signatures (what goes on the wire).
    public let serializedSize: Int
    public let accountCount: Int
    public let writableAccounts: [Address]
    public let recentBlockhash: Hash
    public let lastValidBlockHeight: UInt64
    /// The tip transfer for a bundle (`TipPolicy.Mode.bundle`); nil otherwise.
    public let bundleTipInstruction: Instruction?
    public let lookupTables: [AddressLookupTableAccount]
}

/// An assembled, unsigned transaction whose only profit guard is the last leg's minimum output (no guard
/// program): `TransactionAssembler.assembleMinOutGuarded`, for dry runs without a deployed guard. Not accepted by
/// `TransactionAssembler.sign`, so it never becomes a `SignedArbTransaction`.
public struct MinOutGuardedTransaction: Sendable {
    public let instructions: [Instruction]
    public let message: VersionedMessage
    public let amountIn: UInt64
    public let expectedOut: UInt64
    /// max(engine's minimum, input + min profit + costs in base): the profit guard.
    public let lastLegMinimumOut: UInt64
    /// Instructions of all the legs' swaps, and of the last leg's (the guarded one).
    public let legInstructionIndices: Range<Int>
    public let lastLegInstructionIndices: Range<Int>
    public let computeUnitLimit: UInt32
    public let computeUnitPrice: ComputeBudgetPolicy.Price
    /// Base fee + priority fee + tip + rent.
    public let costLamports: UInt64
    public let costInBase: UInt64
    public let expectedNetProfit: UInt64
    public let serializedSize: Int
    public let recentBlockhash: Hash
    public let lastValidBlockHeight: UInt64
}

/// A signed arbitrage transaction: the only thing `Sender` sends. Made by `TransactionAssembler.sign` after a
/// risk clearance, so it always carries the guard and always passed the risk checks.
public struct SignedArbTransaction: Sendable {
    public let assembled: AssembledTransaction
    public let bytes: [UInt8]
    public let signature: Signature
    /// [tip tx] for a bundle: the same blockhash, signed by the payer.
    public let bundleTipBytes: [UInt8]?
    public var lastValidBlockHeight: UInt64 { assembled.lastValidBlockHeight }
}

/// Turns an `Opportunity` into one v0 transaction: compute budget, idempotent ATA creation, SOL wrap, the legs
/// chained through the wallet's token accounts, the profit guard, SOL unwrap, tip. Pure (no IO).
public struct TransactionAssembler: Sendable {
    public var config: AssemblyConfig

    public init(config: AssemblyConfig) { self.config = config }

    public func assemble(_ input: AssemblyInput) throws(ExecutionError) -> AssembledTransaction {
        guard let guardProgram = config.guardProgram else {
            throw ExecutionError(.missingGuard, "no guard program configured: refusing to build an unguarded trade")
        }
        let d = try draft(input, guardProgram: guardProgram)
        guard let guardMinimum = d.guardMinimum, let guardIndex = d.guardInstructionIndex else {
            preconditionFailure("a draft with a guard program carries the guard")
        }
        let opp = input.opportunity
        return AssembledTransaction(
            instructions: d.instructions, message: d.message, payer: input.payer, baseMint: opp.baseMint,
            baseTokenAccount: d.baseTokenAccount, amountIn: opp.amountIn, expectedOut: opp.expectedOut,
            lastLegMinimumOut: d.lastLegMinimumOut, guardMinimum: guardMinimum, guardProgram: guardProgram,
            guardInstructionIndex: guardIndex, computeUnitLimit: d.computeUnitLimit,
            computeUnitPrice: d.computeUnitPrice,
            baseFeeLamports: d.baseFeeLamports, tipLamports: d.tipLamports, rentLamports: d.rentLamports,
            costLamports: d.costLamports, costInBase: d.costInBase, expectedNetProfit: d.expectedNetProfit,
            expectedNetProfitLamports: d.expectedNetProfitLamports, serializedSize: d.serializedSize,
            accountCount: d.accountCount, writableAccounts: d.writableAccounts, recentBlockhash: input.blockhash,
            lastValidBlockHeight: input.lastValidBlockHeight, bundleTipInstruction: d.bundleTipInstruction,
            lookupTables: input.lookupTables)
    }

    /// The same transaction WITHOUT the guard program, for dry runs (simulation) where none is deployed: the last
    /// leg's minimum output (max(engine's minimum, input + min profit + costs), the rule of `assemble`) is the only
    /// profit guard. Ignores `config.guardProgram`. The result is not an `AssembledTransaction`: `sign` does not
    /// take it, so `Sender` can never send it.
    public func assembleMinOutGuarded(_ input: AssemblyInput) throws(ExecutionError) -> MinOutGuardedTransaction {
        let d = try draft(input, guardProgram: nil)
        return MinOutGuardedTransaction(
            instructions: d.instructions, message: d.message, amountIn: input.opportunity.amountIn,
            expectedOut: input.opportunity.expectedOut, lastLegMinimumOut: d.lastLegMinimumOut,
            legInstructionIndices: d.legInstructionIndices, lastLegInstructionIndices: d.lastLegInstructionIndices,
            computeUnitLimit: d.computeUnitLimit, computeUnitPrice: d.computeUnitPrice, costLamports: d.costLamports,
            costInBase: d.costInBase, expectedNetProfit: d.expectedNetProfit, serializedSize: d.serializedSize,
            recentBlockhash: input.blockhash, lastValidBlockHeight: input.lastValidBlockHeight)
    }

    /// What `assemble` and `assembleMinOutGuarded` share: the legs, compute budget, wrap/unwrap, costs, the
    /// last-leg minimum, and (with a guard program) the guard instruction.
    struct Draft {
        var instructions: [Instruction]
        var message: VersionedMessage
        var baseTokenAccount: Address
        var lastLegMinimumOut: UInt64
        /// nil without a guard program.
        var guardMinimum: UInt64?
        var guardInstructionIndex: Int?
        var legInstructionIndices: Range<Int>
        var lastLegInstructionIndices: Range<Int>
        var computeUnitLimit: UInt32
        var computeUnitPrice: ComputeBudgetPolicy.Price
        var baseFeeLamports: UInt64
        var tipLamports: UInt64
        var rentLamports: UInt64
        var costLamports: UInt64
        var costInBase: UInt64
        var expectedNetProfit: UInt64
        var expectedNetProfitLamports: UInt64
        var serializedSize: Int
        var accountCount: Int
        var writableAccounts: [Address]
        var bundleTipInstruction: Instruction?
    }

    func draft(_ input: AssemblyInput, guardProgram: Address?) throws(ExecutionError) -> Draft {
        let opp = input.opportunity
        guard let first = opp.legs.first, let last = opp.legs.last else {
            throw ExecutionError(.invalidOpportunity, "an opportunity needs at least one leg")
        }
        guard first.mintIn == opp.baseMint, last.mintOut == opp.baseMint else {
            throw ExecutionError(.invalidOpportunity, "the cycle does not start and end in its base token")
        }
        guard first.amountIn == opp.amountIn, last.expectedOut == opp.expectedOut else {
            throw ExecutionError(.invalidOpportunity, "leg amounts disagree with the opportunity's")
        }
        for (a, b) in zip(opp.legs, opp.legs.dropFirst()) {
            guard a.mintOut == b.mintIn else {
                throw ExecutionError(.invalidOpportunity, "leg \(a.pool) output does not feed \(b.pool)")
            }
            guard a.expectedOut >= b.amountIn else {
                throw ExecutionError(.invalidOpportunity, "leg \(b.pool) spends more than the previous leg yields")
            }
        }
        guard let balanceBefore = input.balances[opp.baseMint] else {
            throw ExecutionError(.missingBalance, "no balance given for the base token \(opp.baseMint)")
        }
        let payer = input.payer
        func program(_ mint: Address) -> Address { input.tokenPrograms[mint] ?? ProgramIDs.token }
        // The wallet's token accounts, derived once per mint (PDA derivation is the costly part of assembly).
        var atas: [Address: Address] = [:]
        for m in [opp.baseMint] + opp.legs.map(\.mintOut) where atas[m] == nil {
            atas[m] = AssociatedTokenAccount.address(wallet: payer, mint: m, tokenProgram: program(m))
        }
        func ata(_ mint: Address) -> Address {
            atas[mint] ?? AssociatedTokenAccount.address(wallet: payer, mint: mint, tokenProgram: program(mint))
        }
        let wraps = config.wrap == .wrapAndUnwrap && opp.baseMint == Mints.wrappedSOL
        if !wraps, balanceBefore < opp.amountIn {
            throw ExecutionError(
                .missingBalance, "base balance \(balanceBefore) is below the input \(opp.amountIn)")
        }

        // Mints in first-use order; which accounts are created.
        var mints: [Address] = [opp.baseMint]
        for l in opp.legs where !mints.contains(l.mintOut) { mints.append(l.mintOut) }
        let created = mints.filter { input.missingTokenAccounts.contains($0) }
        // Rent of a created wSOL account comes back when it is closed at the end.
        let rentPaid = created.filter { !(wraps && $0 == Mints.wrappedSOL) }.count

        // Compute budget.
        let limit =
            input.simulatedComputeUnitLimit
            ?? config.compute.estimatedLimit(legs: opp.legs.map(\.kind), createdAccounts: created.count, wraps: wraps)
        let grossLamports = try lamportsValue(of: opp.expectedOut - min(opp.expectedOut, opp.amountIn), input)
        let price = config.compute.price(
            recentFees: input.recentPriorityFees, limit: limit, expectedProfitLamports: grossLamports.profit)

        // Costs.
        // Base fee per required signature: the payer plus every other signer the legs need.
        var signers: Set<Address> = [payer]
        for ix in try legInstructionsPreview(input, ata: ata) {
            for a in ix.accounts where a.isSigner { signers.insert(a.address) }
        }
        let baseFee = config.lamportsPerSignature * UInt64(signers.count)
        let tip = config.tip.tip(expectedProfitLamports: grossLamports.profit)
        if config.tip.mode != .none, config.tip.tipAccounts.isEmpty {
            throw ExecutionError(.invalidConfiguration, "a tip mode is set but no tip account is configured")
        }
        var costLamports = baseFee
        for c in [price.priorityFeeLamports, tip, UInt64(rentPaid) * config.tokenAccountRentLamports] {
            let (s, o) = costLamports.addingReportingOverflow(c)
            guard !o else { throw ExecutionError(.overflow, "costs overflow u64") }
            costLamports = s
        }
        let costInBase = try grossLamports.price.toBase(costLamports)

        // The profit rule: last leg minimum ≥ input + min profit + costs, and never above what is expected.
        let (need1, o1) = opp.amountIn.addingReportingOverflow(input.minProfit)
        let (breakEven, o2) = need1.addingReportingOverflow(costInBase)
        guard !o1, !o2 else { throw ExecutionError(.overflow, "input + profit + costs overflows u64") }
        let lastMin = max(opp.minOutLastLeg, breakEven)
        guard lastMin <= opp.expectedOut else {
            throw ExecutionError(
                .unprofitable,
                "expected out \(opp.expectedOut) < input \(opp.amountIn) + min profit \(input.minProfit) + costs \(costInBase)"
            )
        }

        var ixs: [Instruction] = [
            ComputeBudgetProgram.setComputeUnitLimit(limit),
            ComputeBudgetProgram.setComputeUnitPrice(microLamports: price.microLamports),
        ]
        for m in created {
            ixs.append(
                AssociatedTokenProgram.createIdempotent(
                    payer: payer, wallet: payer, mint: m, tokenProgram: program(m)))
        }
        let baseAccount = ata(opp.baseMint)
        if wraps {
            ixs.append(SystemProgram.transfer(from: payer, to: baseAccount, lamports: opp.amountIn))
            ixs.append(TokenProgram.syncNative(account: baseAccount))
        }
        let legsStart = ixs.count
        var lastLegStart = ixs.count
        for (i, leg) in opp.legs.enumerated() {
            guard let venue = input.venues[leg.pool] else {
                throw ExecutionError(.missingVenue, "no venue state for pool \(leg.pool)")
            }
            let isLast = i == opp.legs.count - 1
            // Intermediate legs must yield what the next leg spends (so the wallet's other balances are untouched).
            let minOut = isLast ? lastMin : opp.legs[i + 1].amountIn
            lastLegStart = ixs.count
            do {
                ixs += try venue.swapInstructions(
                    SwapParams(
                        direction: leg.direction, amountIn: leg.amountIn, amountOut: minOut, exactIn: true,
                        owner: payer, userSource: ata(leg.mintIn), userDestination: ata(leg.mintOut)))
            } catch {
                throw ExecutionError(.venue, "pool \(leg.pool): \(error)")
            }
        }
        let legsEnd = ixs.count

        // The guard: base ≥ before (+ wrapped input) + min profit + costs; intermediates ≥ their balance before.
        var guardMinimum: UInt64?
        var guardIndex: Int?
        if let guardProgram {
            let wrappedIn = wraps ? opp.amountIn : 0
            let (g1, o3) = balanceBefore.addingReportingOverflow(wrappedIn)
            let (g2, o4) = g1.addingReportingOverflow(input.minProfit)
            let (minimum, o5) = g2.addingReportingOverflow(costInBase)
            guard !o3, !o4, !o5 else { throw ExecutionError(.overflow, "guard minimum overflows u64") }
            var checks: [(tokenAccount: Address, minimum: UInt64)] = [(baseAccount, minimum)]
            for m in mints.dropFirst() {
                if let b = input.balances[m], b > 0 { checks.append((ata(m), b)) }
            }
            let guardIx: Instruction
            do { guardIx = try GuardInstruction.make(programId: guardProgram, checks: checks) } catch {
                throw ExecutionError(.guardBuild, "\(error)")
            }
            guardMinimum = minimum
            guardIndex = ixs.count
            ixs.append(guardIx)
        }
        if wraps {
            ixs.append(TokenProgram.closeAccount(account: baseAccount, destination: payer, owner: payer))
        }
        var bundleTip: Instruction?
        if tip > 0 {
            let accounts = config.tip.tipAccounts
            let tipAccount = accounts[((input.tipAccountIndex % accounts.count) + accounts.count) % accounts.count]
            let t = SystemProgram.transfer(from: payer, to: tipAccount, lamports: tip)
            if config.tip.mode == .inTransaction { ixs.append(t) } else { bundleTip = t }
        }

        // Compile and check the limits.
        let message: V0Message
        do {
            message = try V0Message(
                instructions: ixs, payer: payer, recentBlockhash: input.blockhash, lookupTables: input.lookupTables)
        } catch {
            throw ExecutionError(.compile, "\(error)")
        }
        let versioned = VersionedMessage.v0(message)
        let size = VersionedTransaction(unsigned: versioned).serialize().count
        guard size <= config.maxTransactionBytes else {
            throw ExecutionError(
                .transactionTooLarge, "\(size) bytes > \(config.maxTransactionBytes) (add the pools to a lookup table)")
        }
        let loaded = message.addressTableLookups.reduce(0) { $0 + $1.writableIndexes.count + $1.readonlyIndexes.count }
        let accountCount = message.accountKeys.count + loaded
        guard accountCount <= config.maxAccounts else {
            throw ExecutionError(.tooManyAccounts, "\(accountCount) accounts > \(config.maxAccounts)")
        }
        var writable = Set<Address>()
        for ix in ixs { for a in ix.accounts where a.isWritable { writable.insert(a.address) } }
        writable.insert(payer)

        let net = opp.expectedOut - opp.amountIn - costInBase
        let netLamports = try lamportsValue(of: net, input).profit
        return Draft(
            instructions: ixs, message: versioned, baseTokenAccount: baseAccount, lastLegMinimumOut: lastMin,
            guardMinimum: guardMinimum, guardInstructionIndex: guardIndex, legInstructionIndices: legsStart..<legsEnd,
            lastLegInstructionIndices: lastLegStart..<legsEnd, computeUnitLimit: limit, computeUnitPrice: price,
            baseFeeLamports: baseFee, tipLamports: tip,
            rentLamports: UInt64(rentPaid) * config.tokenAccountRentLamports,
            costLamports: costLamports, costInBase: costInBase, expectedNetProfit: net,
            expectedNetProfitLamports: netLamports, serializedSize: size, accountCount: accountCount,
            writableAccounts: writable.sorted(), bundleTipInstruction: bundleTip)
    }

    /// The legs' instructions with provisional minimums (only their signer set is used for the fee).
    func legInstructionsPreview(_ input: AssemblyInput, ata: (Address) -> Address) throws(ExecutionError)
        -> [Instruction]
    {
        var out: [Instruction] = []
        for leg in input.opportunity.legs {
            guard let venue = input.venues[leg.pool] else {
                throw ExecutionError(.missingVenue, "no venue state for pool \(leg.pool)")
            }
            do {
                out += try venue.swapInstructions(
                    SwapParams(
                        direction: leg.direction, amountIn: leg.amountIn, amountOut: leg.expectedOut, exactIn: true,
                        owner: input.payer, userSource: ata(leg.mintIn), userDestination: ata(leg.mintOut)))
            } catch {
                throw ExecutionError(.venue, "pool \(leg.pool): \(error)")
            }
        }
        return out
    }

    /// The lamport price used for an input and the lamport value of a base-token amount.
    func lamportsValue(of baseAmount: UInt64, _ input: AssemblyInput) throws(ExecutionError) -> (
        price: LamportPrice, profit: UInt64
    ) {
        let opp = input.opportunity
        let price: LamportPrice
        if let p = input.lamportPrice {
            price = p
        } else if opp.baseMint == Mints.wrappedSOL {
            price = .oneToOne
        } else if opp.costLamports > 0, opp.costInBase > 0 {
            price = LamportPrice(baseUnits: opp.costInBase, lamports: opp.costLamports)
        } else {
            throw ExecutionError(.invalidOpportunity, "no lamport price for base \(opp.baseMint)")
        }
        guard price.baseUnits > 0, price.lamports > 0 else {
            throw ExecutionError(.invalidOpportunity, "lamport price must be positive")
        }
        let v = UInt128(baseAmount) * UInt128(price.lamports) / UInt128(price.baseUnits)
        return (price, UInt64(min(v, UInt128(UInt64.max))))
    }

    /// Signs an assembled transaction. Requires a clearance from `RiskManager.clear` for this very trade, and
    /// re-checks that the guard instruction is in the message (belt and braces: nothing unguarded is signed).
    public func sign(
        _ tx: AssembledTransaction, clearance: RiskClearance, payer: any TransactionSigner,
        otherSigners: [any TransactionSigner] = []
    ) throws(ExecutionError) -> SignedArbTransaction {
        guard clearance.baseMint == tx.baseMint, clearance.notional >= tx.amountIn else {
            throw ExecutionError(
                .clearanceMismatch,
                "clearance for \(clearance.notional) of \(clearance.baseMint) does not cover \(tx.amountIn) of \(tx.baseMint)"
            )
        }
        try Self.verifyGuard(tx)
        guard payer.address == tx.payer else {
            throw ExecutionError(.signing, "the payer signer is not the transaction's payer")
        }
        let signed: (transaction: VersionedTransaction, bytes: [UInt8])
        do {
            signed = try VersionedTransaction.signedWireBytes(message: tx.message, signers: [payer] + otherSigners)
        } catch {
            throw ExecutionError(.signing, "\(error)")
        }
        guard let sig = signed.transaction.signatures.first else {
            throw ExecutionError(.signing, "no signature")
        }
        var tipBytes: [UInt8]?
        if let tipIx = tx.bundleTipInstruction {
            do {
                let m = try V0Message(instructions: [tipIx], payer: tx.payer, recentBlockhash: tx.recentBlockhash)
                tipBytes = try VersionedTransaction.signedWireBytes(message: .v0(m), signers: [payer]).bytes
            } catch {
                throw ExecutionError(.signing, "tip transaction: \(error)")
            }
        }
        return SignedArbTransaction(assembled: tx, bytes: signed.bytes, signature: sig, bundleTipBytes: tipBytes)
    }

    /// Checks that the compiled message invokes the guard on the base token account with the recorded minimum.
    public static func verifyGuard(_ tx: AssembledTransaction) throws(ExecutionError) {
        guard tx.guardInstructionIndex < tx.instructions.count else {
            throw ExecutionError(.missingGuard, "guard instruction index out of range")
        }
        let ix = tx.instructions[tx.guardInstructionIndex]
        var w = ByteWriter(capacity: 8)
        w.u64(tx.guardMinimum)
        guard ix.programId == tx.guardProgram, ix.accounts.first?.address == tx.baseTokenAccount,
            Array(ix.data.prefix(8)) == w.bytes
        else {
            throw ExecutionError(.missingGuard, "the transaction does not carry the profit guard on its base account")
        }
        let keys = tx.message.staticAccountKeys
        let compiled = tx.message.instructions
        guard tx.guardInstructionIndex < compiled.count,
            Int(compiled[tx.guardInstructionIndex].programIdIndex) < keys.count,
            keys[Int(compiled[tx.guardInstructionIndex].programIdIndex)] == tx.guardProgram
        else {
            throw ExecutionError(.missingGuard, "the compiled message does not invoke the guard")
        }
    }
}
