import Crypto
import SolanaKeys
import SolanaPrimitives

/// Parameters of a simulated ledger. Everything that varies between runs is here, so a run is reproducible.
public struct BankConfiguration: Sendable {
    /// Seeds the genesis blockhash (and so every later blockhash and durable nonce).
    public var seed: UInt64
    /// Slot duration in milliseconds: drives `blockTime` and the clock sysvar (not wall time).
    public var slotMilliseconds: UInt64
    /// Unix time of slot 0.
    public var genesisUnixTime: Int64
    /// Accounts present at genesis besides programs, sysvars and the faucet.
    public var genesisAccounts: [Address: Account]
    public var programs: ProgramRegistry

    public init(
        seed: UInt64 = 0, slotMilliseconds: UInt64 = 400, genesisUnixTime: Int64 = 1_700_000_000,
        genesisAccounts: [Address: Account] = [:], programs: ProgramRegistry = .standard
    ) {
        self.seed = seed
        self.slotMilliseconds = slotMilliseconds
        self.genesisUnixTime = genesisUnixTime
        self.genesisAccounts = genesisAccounts
        self.programs = programs
    }
}

/// The ledger and runtime of the simulated cluster: a pure value (no clock, IO or randomness; time advances only
/// through `produceBlock()`). Transactions submitted during a slot are executed when the slot's block is produced,
/// in priority-fee order.
public struct Bank: Sendable {
    /// Base fee per signature (mainnet `lamports_per_signature`).
    public static let lamportsPerSignature: UInt64 = 5_000
    /// A blockhash is usable for this many blocks after its own (`MAX_PROCESSING_AGE`).
    public static let maxProcessingAge: UInt64 = 150
    /// Lamports the faucet holds at genesis (500M SOL).
    public static let faucetLamports: UInt64 = 500_000_000 * 1_000_000_000

    public let configuration: BankConfiguration
    public private(set) var accounts: [Address: Account] = [:]
    /// The slot whose block is being built (transactions execute in it).
    public private(set) var slot: UInt64 = 0
    /// Blocks produced so far.
    public private(set) var blockHeight: UInt64 = 0
    /// The hash of the last produced block: what clients use as `recentBlockhash`.
    public private(set) var latestBlockhash: Hash
    /// Recent blockhashes with the block height at which each was produced.
    private var blockhashHeights: [Hash: UInt64] = [:]
    private var blockhashOrder: [Hash] = []
    var records: [Signature: TransactionRecord] = [:]
    private var pending: [(seq: UInt64, bytes: [UInt8], tx: VersionedTransaction)] = []
    private var pendingSignatures: Set<Signature> = []
    private var sequence: UInt64 = 0
    /// Per recent slot: (compute unit price, write-locked accounts) of each included transaction.
    private var slotFees: [(slot: UInt64, fees: [(price: UInt64, writable: [Address])])] = []
    /// The first blockhash, which names the cluster (`getGenesisHash`); a function of the seed.
    public let genesisHash: Hash
    /// The faucet that `requestAirdrop` spends from.
    public let faucet: Keypair
    /// Jito-style bundles queued for the current slot, and the outcome of every bundle seen (Market/Bundles.swift).
    var pendingBundles: [PendingBundle] = []
    var bundleOutcomes: [String: BundleOutcome] = [:]

    public init(configuration: BankConfiguration = .init()) {
        self.configuration = configuration
        var seedBytes = ByteWriter(capacity: 8)
        seedBytes.u64(configuration.seed)
        latestBlockhash = Self.genesisHash(seed: configuration.seed)
        faucet = try! Keypair(seed: Self.sha256([Array("solarb-simcluster-faucet".utf8), seedBytes.bytes]).bytes)
        genesisHash = latestBlockhash
        blockhashHeights[latestBlockhash] = 0
        blockhashOrder = [latestBlockhash]
        for (id, program) in configuration.programs.programs {
            accounts[id] = Account(lamports: 1, owner: program.loader, data: Array("native".utf8), executable: true)
        }
        accounts[Mints.wrappedSOL] = Account(
            lamports: Rent.minimumBalance(dataLength: MintLayout.size), owner: ProgramIDs.token,
            data: MintLayout(mintAuthority: nil, supply: 0, decimals: 9, freezeAuthority: nil).encoded())
        accounts[faucet.address] = Account(lamports: Self.faucetLamports)
        for tip in JitoTipAccounts.all { accounts[tip] = Account(lamports: Rent.minimumBalance(dataLength: 0)) }
        for (k, a) in configuration.genesisAccounts { accounts[k] = a }
        writeSysvars()
    }

    /// The genesis hash of a cluster made with `seed` (its first blockhash).
    public static func genesisHash(seed: UInt64) -> Hash {
        var seedBytes = ByteWriter(capacity: 8)
        seedBytes.u64(seed)
        return sha256([Array("solarb-simcluster-genesis".utf8), seedBytes.bytes])
    }

    static func sha256(_ parts: [[UInt8]]) -> Hash {
        var h = SHA256()
        for p in parts { h.update(data: p) }
        return try! Hash(bytes: Array(h.finalize()))  // 32 bytes by construction
    }

    public func account(_ address: Address) -> Account? { accounts[address] }
    public func record(_ signature: Signature) -> TransactionRecord? { records[signature] }
    public var pendingCount: Int { pending.count }
    public var blockTime: Int64 { blockTime(slot: slot) }
    public func blockTime(slot: UInt64) -> Int64 {
        configuration.genesisUnixTime + Int64(slot * configuration.slotMilliseconds / 1000)
    }

    /// The last block height at which `blockhash` is still accepted, or nil if it is unknown or expired.
    public func lastValidBlockHeight(for blockhash: Hash) -> UInt64? {
        guard let h = blockhashHeights[blockhash] else { return nil }
        let last = h + Self.maxProcessingAge
        return blockHeight <= last ? last : nil
    }

    // MARK: submission

    /// Checks a wire transaction the way the TPU does before it is forwarded (sanitize and signatures) and queues
    /// it for the current slot. Returns the signature.
    public mutating func submit(_ bytes: [UInt8]) throws(TransactionError) -> Signature {
        let tx = try Self.decodeAndVerify(bytes)
        let sig = tx.signatures[0]
        guard records[sig] == nil, !pendingSignatures.contains(sig) else { throw .alreadyProcessed }
        sequence += 1
        pending.append((sequence, bytes, tx))
        pendingSignatures.insert(sig)
        return sig
    }

    public static func decodeAndVerify(_ bytes: [UInt8]) throws(TransactionError) -> VersionedTransaction {
        guard let tx = try? VersionedTransaction.deserialize(bytes), !tx.signatures.isEmpty else {
            throw .sanitizeFailure
        }
        do { try tx.verifySignatures() } catch { throw .signatureFailure }
        return tx
    }

    /// Runs a transaction against the current state without committing anything.
    public func simulate(_ tx: VersionedTransaction) -> ExecutionResult {
        var copy = self
        return copy.execute(tx, commit: false)
    }

    // MARK: blocks

    /// Executes the slot's queued transactions (highest compute-unit price first, then arrival order), records the
    /// block, and opens the next slot.
    @discardableResult
    public mutating func produceBlock() -> BlockSummary {
        let queue = pending.map { entry -> (UInt64, UInt64, [UInt8], VersionedTransaction) in
            let price = (try? Self.computeBudget(entry.tx.message))?.price ?? 0
            return (price, entry.seq, entry.bytes, entry.tx)
        }.sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        pending.removeAll()
        pendingSignatures.removeAll()
        var results: [ExecutionResult] = []
        var changed = Set<Address>()
        var fees: [(price: UInt64, writable: [Address])] = []
        var sigBytes: [UInt8] = []
        // Bundles first (highest tip first), each all-or-nothing; then the ordinary queue.
        for r in executeBundles() {
            results.append(r)
            changed.formUnion(r.postAccounts.keys)
            fees.append((r.computeUnitPrice, zip(r.accountKeys, r.writable).filter { $0.1 }.map { $0.0 }))
            sigBytes += r.signature.bytes
        }
        for (_, _, bytes, tx) in queue {
            let r = execute(tx, commit: true)
            results.append(r)
            guard r.included else { continue }
            records[r.signature] = TransactionRecord(
                slot: slot, blockTime: blockTime(slot: slot), wireBytes: bytes, result: r)
            changed.formUnion(r.postAccounts.keys)
            fees.append((r.computeUnitPrice, zip(r.accountKeys, r.writable).filter { $0.1 }.map { $0.0 }))
            sigBytes += r.signature.bytes
        }
        slotFees.append((slot, fees))
        if slotFees.count > 150 { slotFees.removeFirst(slotFees.count - 150) }

        var slotBytes = ByteWriter(capacity: 8)
        slotBytes.u64(slot)
        let produced = slot
        latestBlockhash = Self.sha256([latestBlockhash.bytes, slotBytes.bytes, sigBytes])
        blockHeight += 1
        blockhashHeights[latestBlockhash] = blockHeight
        blockhashOrder.append(latestBlockhash)
        // Durable nonce checks need only the current hash; keep a little more than the processing age.
        while blockhashOrder.count > Int(Self.maxProcessingAge) + 2 {
            blockhashHeights[blockhashOrder.removeFirst()] = nil
        }
        slot += 1
        writeSysvars()
        changed.insert(SysvarIDs.clock)
        return BlockSummary(
            slot: produced, parent: produced == 0 ? 0 : produced - 1, blockhash: latestBlockhash,
            transactions: results, changedAccounts: changed.sorted())
    }

    /// Clock (slot, epoch start time, epoch, leader schedule epoch, unix time) and Rent sysvars, real layouts.
    mutating func writeSysvars() {
        let sysvarOwner = Address("Sysvar1111111111111111111111111111111111111")
        var c = ByteWriter(capacity: 40)
        c.u64(slot)
        c.i64(configuration.genesisUnixTime)
        c.u64(slot / 432_000)
        c.u64(slot / 432_000 + 1)
        c.i64(blockTime(slot: slot))
        accounts[SysvarIDs.clock] = Account(lamports: 1_169_280, owner: sysvarOwner, data: c.bytes)
        if accounts[SysvarIDs.rent] == nil {
            var r = ByteWriter(capacity: 17)
            r.u64(Rent.lamportsPerByteYear)
            r.u64(Double(Rent.exemptionYears).bitPattern)
            r.u8(50)
            accounts[SysvarIDs.rent] = Account(lamports: 1_009_200, owner: sysvarOwner, data: r.bytes)
            accounts[SysvarIDs.recentBlockhashes] = Account(lamports: 42_706_560, owner: sysvarOwner, data: [0])
        }
    }

    // MARK: queries

    /// Recent prioritization fees: per recent slot, the lowest compute-unit price of its transactions (only
    /// transactions write-locking one of `addresses`, if given); 0 for slots without such transactions.
    public func recentPrioritizationFees(addresses: [Address]) -> [(slot: UInt64, fee: UInt64)] {
        slotFees.map { entry in
            let relevant = entry.fees.filter { f in addresses.isEmpty || f.writable.contains(where: addresses.contains)
            }
            return (entry.slot, relevant.map(\.price).min() ?? 0)
        }
    }

    /// A hash of the whole ledger state (slot, height, blockhash, every account in address order).
    public func ledgerHash() -> Hash {
        var h = SHA256()
        var w = ByteWriter(capacity: 48)
        w.u64(slot)
        w.u64(blockHeight)
        w.hash(latestBlockhash)
        h.update(data: w.bytes)
        for key in accounts.keys.sorted() {
            let a = accounts[key]!
            var e = ByteWriter(capacity: 90 + a.data.count)
            e.address(key)
            e.u64(a.lamports)
            e.address(a.owner)
            e.bool(a.executable)
            e.u64(UInt64(a.data.count))
            e.write(a.data)
            h.update(data: e.bytes)
        }
        return try! Hash(bytes: Array(h.finalize()))
    }

    /// Accounts owned by `program`, in address order.
    public func programAccounts(owner program: Address) -> [(Address, Account)] {
        accounts.filter { $0.value.owner == program }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    // MARK: execution

    struct ComputeBudget {
        var limit: UInt64
        var price: UInt64
    }

    /// Parses the transaction's Compute Budget instructions (compute-budget-instruction `process_compute_budget_instructions`).
    static func computeBudget(_ message: VersionedMessage) throws(TransactionError) -> ComputeBudget {
        let keys = message.staticAccountKeys
        var limit: UInt64? = nil
        var price: UInt64? = nil
        var heap = false
        var loaded = false
        var others: UInt64 = 0
        for (i, ix) in message.instructions.enumerated() {
            let pid = Int(ix.programIdIndex) < keys.count ? keys[Int(ix.programIdIndex)] : Address.zero
            guard pid == ProgramIDs.computeBudget else {
                others += 1
                continue
            }
            let d = ix.data
            let bad = TransactionError.instructionError(index: UInt8(i), .invalidInstructionData)
            guard let tag = d.first else { throw bad }
            var r = ByteReader(d, offset: 1)
            switch tag {
            case 1:
                guard d.count == 5, let bytes = try? r.u32(), bytes % 1024 == 0, bytes >= 32 * 1024,
                    bytes <= 256 * 1024
                else { throw bad }
                guard !heap else { throw .duplicateInstruction(UInt8(i)) }
                heap = true
            case 2:
                guard d.count == 5, let v = try? r.u32() else { throw bad }
                guard limit == nil else { throw .duplicateInstruction(UInt8(i)) }
                limit = UInt64(v)
            case 3:
                guard d.count == 9, let v = try? r.u64() else { throw bad }
                guard price == nil else { throw .duplicateInstruction(UInt8(i)) }
                price = v
            case 4:
                guard d.count == 5, (try? r.u32()) != nil else { throw bad }
                guard !loaded else { throw .duplicateInstruction(UInt8(i)) }
                loaded = true
            default:
                throw bad
            }
        }
        let requested = limit ?? others * ComputeCosts.defaultInstructionLimit
        return ComputeBudget(limit: min(requested, ComputeCosts.maxTransactionLimit), price: price ?? 0)
    }

    /// Whether `blockhash` is a recent blockhash, or else the transaction is a valid durable-nonce transaction
    /// (first instruction AdvanceNonceAccount on a nonce account holding exactly this blockhash). Returns the nonce
    /// account for a durable-nonce transaction.
    func checkAge(_ message: VersionedMessage, keys: [Address]) throws(TransactionError) -> Address? {
        if lastValidBlockHeight(for: message.recentBlockhash) != nil { return nil }
        guard let first = message.instructions.first, Int(first.programIdIndex) < keys.count,
            keys[Int(first.programIdIndex)] == ProgramIDs.system, first.data.count >= 4,
            first.data[0] == 4, first.data[1] == 0, first.data[2] == 0, first.data[3] == 0,
            let nonceIndex = first.accounts.first, Int(nonceIndex) < keys.count,
            message.isWritable(index: Int(nonceIndex))
        else { throw .blockhashNotFound }
        let nonceKey = keys[Int(nonceIndex)]
        guard let a = accounts[nonceKey], a.owner == ProgramIDs.system,
            let state = try? NonceAccountState(data: a.data), state.durableNonce == message.recentBlockhash
        else { throw .blockhashNotFound }
        return nonceKey
    }

    /// Resolves v0 lookups: (writable, readonly) addresses loaded from tables.
    func resolveLookups(_ message: VersionedMessage) throws(TransactionError) -> ([Address], [Address]) {
        var writable: [Address] = []
        var readonly: [Address] = []
        for lookup in message.addressTableLookups {
            guard let a = accounts[lookup.accountKey] else { throw .addressLookupTableNotFound }
            guard a.owner == ProgramIDs.addressLookupTable else { throw .invalidAddressLookupTableOwner }
            guard let table = try? AddressLookupTableMeta(data: a.data) else {
                throw .invalidAddressLookupTableData
            }
            // A deactivated table stays usable while its deactivation slot is in the slot hashes.
            if !table.isActive, slot > table.deactivationSlot + AddressLookupTableHandler.slotHashesDepth {
                throw .addressLookupTableNotFound
            }
            let active = table.activeCount(at: slot)
            for i in lookup.writableIndexes {
                guard Int(i) < active else { throw .invalidAddressLookupTableIndex }
                writable.append(table.addresses[Int(i)])
            }
            for i in lookup.readonlyIndexes {
                guard Int(i) < active else { throw .invalidAddressLookupTableIndex }
                readonly.append(table.addresses[Int(i)])
            }
        }
        return (writable, readonly)
    }

    func tokenBalances(keys: [Address], accounts list: [Account]) -> [TokenBalance] {
        var out: [TokenBalance] = []
        for (i, a) in list.enumerated() where a.owner == ProgramIDs.token && a.data.count == TokenAccountLayout.size {
            guard let t = try? TokenAccountLayout(data: a.data), t.state != .uninitialized else { continue }
            let decimals = accounts[t.mint].flatMap { try? MintLayout(data: $0.data) }?.decimals ?? 0
            out.append(
                TokenBalance(
                    accountIndex: i, mint: t.mint, owner: t.owner, programId: a.owner, amount: t.amount,
                    decimals: decimals))
        }
        return out
    }

    /// Executes one transaction atomically. With `commit`, writes the post-state (fee and nonce advance even when
    /// an instruction fails).
    mutating func execute(_ tx: VersionedTransaction, commit: Bool) -> ExecutionResult {
        let sig = tx.signatures.first ?? .zero
        let message = tx.message
        if commit, records[sig] != nil { return .rejected(sig, .alreadyProcessed) }
        let staticKeys = message.staticAccountKeys
        let nonceKey: Address?
        let loadedW: [Address]
        let loadedR: [Address]
        let budget: ComputeBudget
        do {
            nonceKey = try checkAge(message, keys: staticKeys)
            (loadedW, loadedR) = try resolveLookups(message)
            budget = try Self.computeBudget(message)
        } catch {
            return .rejected(sig, error)
        }
        let keys = staticKeys + loadedW + loadedR
        guard keys.count <= TransactionLimits.maxAccounts, Set(keys).count == keys.count else {
            return .rejected(sig, .accountLoadedTwice)
        }
        let programIds = Set(message.instructions.map { keys[Int($0.programIdIndex)] })
        let reserved = Set(configuration.programs.programs.keys).union([
            SysvarIDs.clock, SysvarIDs.rent, SysvarIDs.recentBlockhashes, SysvarIDs.instructions,
        ])
        let writable = keys.indices.map { i in
            message.isWritable(index: i) && !programIds.contains(keys[i]) && !reserved.contains(keys[i])
        }
        let signerCount = Int(message.header.numRequiredSignatures)
        let isSigner = keys.indices.map { $0 < signerCount }

        // Fee payer.
        let fee =
            Self.lamportsPerSignature * UInt64(tx.signatures.count)
            + ComputeBudgetProgram.priorityFee(units: UInt32(budget.limit), microLamports: budget.price)
        let payerKey = keys[0]
        guard var payer = accounts[payerKey], payer.lamports > 0 else { return .rejected(sig, .accountNotFound) }
        guard payer.owner == ProgramIDs.system else { return .rejected(sig, .invalidAccountForFee) }
        let payerMinimum = payer.data.isEmpty ? 0 : Rent.minimumBalance(dataLength: payer.data.count)
        guard payer.lamports >= fee, payer.lamports - fee >= payerMinimum else {
            return .rejected(sig, .insufficientFundsForFee)
        }
        let rentFloor = Rent.minimumBalance(dataLength: payer.data.count)
        if payer.lamports >= rentFloor, payer.lamports - fee < rentFloor, payer.lamports - fee > 0 {
            return .rejected(sig, .insufficientFundsForFee)
        }
        payer.lamports -= fee

        let original = keys.map { accounts[$0] ?? .empty }
        var afterFee = original
        afterFee[0] = payer
        let preBalances = original.map(\.lamports)
        let preTokens = tokenBalances(keys: keys, accounts: original)

        var ws = TransactionWorkspace(
            keys: keys, accounts: afterFee, isSigner: isSigner, isWritable: writable, computeRemaining: budget.limit)
        var failure: TransactionError? = nil
        instructionLoop: for (i, ix) in message.instructions.enumerated() {
            let pid = keys[Int(ix.programIdIndex)]
            guard let programAccount = accounts[pid], programAccount.executable else {
                failure = .programAccountNotFound
                break
            }
            guard let program = configuration.programs[pid] else {
                failure = .invalidProgramForExecution
                break
            }
            ws.logs.append("Program \(pid) invoke [1]")
            let before = ws.computeRemaining
            let indexes = ix.accounts.map { Int($0) }
            let lamportsBefore = Set(indexes).reduce(UInt128(0)) { $0 + UInt128(ws.accounts[$1].lamports) }
            var ctx = InvocationContext(
                programId: pid, data: ix.data, indexes: indexes, tx: ws, slot: slot, blockhash: latestBlockhash,
                logPrefix: program.loader == LoaderIDs.native ? "" : "Program log: ")
            ctx.unixTimestamp = blockTime(slot: slot)
            var ixError: InstructionError? = nil
            do {
                try program.process(&ctx)
            } catch {
                ixError = error
            }
            ws = ctx.tx
            if ixError == nil {
                let lamportsAfter = Set(indexes).reduce(UInt128(0)) { $0 + UInt128(ws.accounts[$1].lamports) }
                if lamportsAfter != lamportsBefore { ixError = .unbalancedInstruction }
            }
            if program.loader != LoaderIDs.native {
                ws.logs.append(
                    "Program \(pid) consumed \(before - ws.computeRemaining) of \(before) compute units")
            }
            if let ixError {
                ws.logs.append("Program \(pid) failed: \(ixError.logText)")
                failure = .instructionError(index: UInt8(i), ixError)
                break instructionLoop
            }
            ws.logs.append("Program \(pid) success")
        }
        if failure == nil {
            for i in keys.indices where writable[i] {
                let post = ws.accounts[i]
                guard post.lamports > 0 else { continue }
                let minimum = Rent.minimumBalance(dataLength: post.data.count)
                guard post.lamports < minimum else { continue }
                let pre = original[i]
                let wasRentPaying = pre.lamports > 0 && pre.lamports < Rent.minimumBalance(dataLength: pre.data.count)
                if !(wasRentPaying && pre.data.count == post.data.count && post.lamports >= pre.lamports) {
                    failure = .insufficientFundsForRent(accountIndex: UInt8(i))
                    break
                }
            }
        }
        var post = ws.accounts
        if failure != nil {
            post = afterFee
            if let nonceKey, let idx = keys.firstIndex(of: nonceKey),
                let state = try? NonceAccountState(data: post[idx].data)
            {
                post[idx].data = DurableNonce.encode(
                    authority: state.authority, nonce: DurableNonce.from(blockhash: latestBlockhash),
                    lamportsPerSignature: Self.lamportsPerSignature)
            }
        }
        var postAccounts: [Address: Account] = [:]
        for i in keys.indices where writable[i] && post[i] != original[i] { postAccounts[keys[i]] = post[i] }
        if commit {
            for (k, a) in postAccounts {
                accounts[k] = a.lamports == 0 && !a.executable ? nil : a
            }
        }
        return ExecutionResult(
            signature: sig, error: failure, included: true, fee: fee,
            computeUnitsConsumed: budget.limit - ws.computeRemaining, computeUnitPrice: budget.price, logs: ws.logs,
            accountKeys: keys, loadedWritable: loadedW, loadedReadonly: loadedR, writable: writable,
            preBalances: preBalances, postBalances: post.map(\.lamports), preTokenBalances: preTokens,
            postTokenBalances: tokenBalances(keys: keys, accounts: post), postAccounts: postAccounts,
            isV0: { if case .v0 = message { return true } else { return false } }())
    }

    // MARK: genesis helpers

    /// Credits lamports directly (genesis / test setup only; RPC airdrops go through the faucet).
    public mutating func fund(_ address: Address, lamports: UInt64) {
        var a = accounts[address] ?? .empty
        a.lamports += lamports
        accounts[address] = a
    }

    /// Sets an account directly (test and scenario setup).
    public mutating func setAccount(_ address: Address, _ account: Account) { accounts[address] = account }
}
