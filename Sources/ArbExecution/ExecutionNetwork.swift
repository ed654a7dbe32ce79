import ArbRPC
import Logging
import SolanaKeys
import SolanaPrimitives

/// getRecentPrioritizationFees over a transaction's writable accounts → fee samples (micro-lamports per CU).
public enum PriorityFees {
    public static func fetch(_ client: RPCClient, writableAccounts: [Address]) async throws(ExecutionError) -> [UInt64]
    {
        do {
            // The RPC takes at most 128 accounts.
            return try await client.getRecentPrioritizationFees(Array(writableAccounts.prefix(128)))
                .map(\.prioritizationFee)
        } catch {
            throw ExecutionError(.rpc, "getRecentPrioritizationFees: \(error)")
        }
    }
}

extension TransactionAssembler {
    /// Assembles with the compute-unit limit measured by simulation: first at the maximum limit, then
    /// unitsConsumed × margin. A failing simulation is `simulationFailed` (detail: the runtime error and class).
    public func assembleSimulated(_ input: AssemblyInput, client: RPCClient) async throws(ExecutionError)
        -> AssembledTransaction
    {
        var probe = input
        probe.simulatedComputeUnitLimit = ComputeBudgetProgram.maxComputeUnitLimit
        let draft = try assemble(probe)
        let bytes = VersionedTransaction(unsigned: draft.message).serialize()
        let sim: SimulationResult
        do {
            sim = try await client.simulateTransaction(
                bytes, options: SimulateOptions(sigVerify: false, replaceRecentBlockhash: true)
            ).value
        } catch {
            throw ExecutionError(.rpc, "simulateTransaction: \(error)")
        }
        if let err = sim.err {
            let c = OutcomeClassifier.classify(
                err, programs: draft.instructions.map(\.programId), guardProgram: draft.guardProgram)
            throw ExecutionError(.simulationFailed, "\(c.rawValue): \(err)")
        }
        guard let units = sim.unitsConsumed else {
            throw ExecutionError(.simulationFailed, "simulation reported no unitsConsumed")
        }
        var refined = input
        refined.simulatedComputeUnitLimit = config.compute.refinedLimit(unitsConsumed: units)
        return try assemble(refined)
    }
}

/// Jito block-engine bundles: [arb tx, tip tx] sent with `sendBundle` (base64). The block engine is a JSON-RPC
/// endpoint of its own (e.g. https://mainnet.block-engine.jito.wtf/api/v1/bundles); give it its own `RPCClient`.
public struct JitoBundleSender: Sendable {
    public let blockEngine: RPCClient
    public init(blockEngine: RPCClient) { self.blockEngine = blockEngine }

    /// The bundle's transactions, in order: the arbitrage, then the tip (when the tip is a separate transaction).
    public static func bundle(_ tx: SignedArbTransaction) -> [[UInt8]] {
        [tx.bytes] + (tx.bundleTipBytes.map { [$0] } ?? [])
    }

    /// Sends the bundle; returns the bundle id.
    public func send(_ tx: SignedArbTransaction) async throws(ExecutionError) -> String {
        let txs = Self.bundle(tx).map { JSONValue.string(Base64.encode($0)) }
        do {
            let r = try await blockEngine.call("sendBundle", [.array(txs), .object(["encoding": .string("base64")])])
            guard let id = r.string else { throw ExecutionError(.rpc, "sendBundle: expected a bundle id") }
            return id
        } catch let e as ExecutionError {
            throw e
        } catch {
            throw ExecutionError(.rpc, "sendBundle: \(error)")
        }
    }
}

/// The bot's own address lookup table: created once, extended with the accounts of the pools it trades, and
/// used only once its new entries are active (the slot after they were appended).
public actor LookupTableManager {
    public let client: RPCClient
    public let authority: any TransactionSigner
    public private(set) var table: Address?
    /// The table's content as last read (only active entries are usable).
    public private(set) var cached: AddressLookupTable?
    let logger: Logger
    public var pollInterval: Duration = .milliseconds(100)
    public var activationTimeout: Duration = .seconds(30)
    /// Addresses per extend transaction (32 bytes each; 20 keeps the transaction far under 1,232 bytes).
    public let extendChunk = 20

    public init(client: RPCClient, authority: any TransactionSigner, table: Address? = nil, logger: Logger) {
        self.client = client
        self.authority = authority
        self.table = table
        self.logger = logger
    }

    public func setTiming(pollInterval: Duration, activationTimeout: Duration) {
        self.pollInterval = pollInterval
        self.activationTimeout = activationTimeout
    }

    /// Makes sure every address is in the table and active; returns the table for message compilation.
    public func ensure(_ addresses: [Address]) async throws(ExecutionError) -> AddressLookupTableAccount {
        let key: Address
        if let t = table {
            key = t
        } else {
            key = try await create()
            table = key
        }
        var current = try await read(key)
        var missing: [Address] = []
        var seen = Set(current.addresses)
        for a in addresses where seen.insert(a).inserted { missing.append(a) }
        guard current.addresses.count + missing.count <= AddressLookupTableProgram.maxAddresses else {
            throw ExecutionError(
                .lookupTable, "table \(key) would exceed \(AddressLookupTableProgram.maxAddresses) addresses")
        }
        var index = 0
        while index < missing.count {
            let chunk = Array(missing[index..<min(index + extendChunk, missing.count)])
            let ix = AddressLookupTableProgram.extend(
                table: key, authority: authority.address, payer: authority.address, addresses: chunk)
            try await land([ix], what: "extend lookup table")
            index += chunk.count
        }
        if !missing.isEmpty { current = try await waitActive(key, count: current.addresses.count + missing.count) }
        cached = current
        return AddressLookupTableAccount(key: key, addresses: current.addresses)
    }

    func read(_ key: Address) async throws(ExecutionError) -> AddressLookupTable {
        do {
            guard let t = try await client.getAddressLookupTable(key).value else {
                throw ExecutionError(.lookupTable, "lookup table \(key) not found")
            }
            return t
        } catch let e as ExecutionError {
            throw e
        } catch {
            throw ExecutionError(.rpc, "getAddressLookupTable: \(error)")
        }
    }

    func create() async throws(ExecutionError) -> Address {
        // The table's recent slot must be in the SlotHashes sysvar: a slot that has a block. `getSlot(finalized)
        // − 1` may be a skipped slot (no block, not in SlotHashes → the create fails). The context slot of a
        // finalized read is the slot of the bank that served it: a rooted slot, which has a block. A cluster that
        // has produced no block yet (context slot 0) has none, so wait for its first block.
        let recent = try await Self.recentSlotWithBlock(client)
        let made: (instruction: Instruction, table: Address)
        do {
            made = try AddressLookupTableProgram.create(
                authority: authority.address, payer: authority.address, recentSlot: recent)
        } catch {
            throw ExecutionError(.lookupTable, "\(error)")
        }
        try await land([made.instruction], what: "create lookup table")
        logger.info("created lookup table", metadata: ["table": "\(made.table)"])
        return made.table
    }

    /// A slot that has a block (so it is in SlotHashes): the context slot of a finalized read. Slot 0 (genesis)
    /// only once the cluster is past it (it is then the parent of a block). Waits (bounded) for the first block.
    static func recentSlotWithBlock(_ client: RPCClient) async throws(ExecutionError) -> UInt64 {
        for _ in 0..<200 {
            do {
                let slot = try await client.getLatestBlockhash(commitment: .finalized).slot
                if slot > 0 { return slot }
                if try await client.getSlot(commitment: .finalized) > 0 { return slot }
            } catch {
                throw ExecutionError(.rpc, "recent slot: \(error)")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        throw ExecutionError(.lookupTable, "the cluster has produced no block (slot 0)")
    }

    /// Waits until the table holds `count` addresses and the slot is past the last extension.
    func waitActive(_ key: Address, count: Int) async throws(ExecutionError) -> AddressLookupTable {
        let clock = ContinuousClock()
        let deadline = clock.now + activationTimeout
        while clock.now < deadline {
            let t = try await read(key)
            let slot = try? await client.getSlot(commitment: .processed)
            if t.addresses.count >= count, let slot, slot > t.lastExtendedSlot { return t }
            do { try await clock.sleep(for: pollInterval) } catch {
                throw ExecutionError(.lookupTable, "cancelled while waiting for activation")
            }
        }
        throw ExecutionError(.lookupTable, "table \(key) not active after \(activationTimeout)")
    }

    /// Signs with the authority, sends, and polls until the transaction is executed (or fails / expires).
    func land(_ ixs: [Instruction], what: String) async throws(ExecutionError) {
        let latest: LatestBlockhash
        do { latest = try await client.getLatestBlockhash().value } catch {
            throw ExecutionError(.rpc, "getLatestBlockhash: \(error)")
        }
        let bytes: [UInt8]
        let signature: Signature
        do {
            let m = try V0Message(instructions: ixs, payer: authority.address, recentBlockhash: latest.blockhash)
            let signed = try VersionedTransaction.signedWireBytes(message: .v0(m), signers: [authority])
            bytes = signed.bytes
            guard let s = signed.transaction.signatures.first else { throw ExecutionError(.signing, "no signature") }
            signature = s
        } catch let e as ExecutionError {
            throw e
        } catch {
            throw ExecutionError(.signing, "\(what): \(error)")
        }
        do { _ = try await client.sendTransaction(bytes) } catch {
            throw ExecutionError(.lookupTable, "\(what): \(error)")
        }
        let clock = ContinuousClock()
        let deadline = clock.now + activationTimeout
        while clock.now < deadline {
            if let s = try? await client.getSignatureStatuses([signature]).value.first, let s {
                if let err = s.err { throw ExecutionError(.lookupTable, "\(what) failed: \(err)") }
                return
            }
            if let h = try? await client.getBlockHeight(), h > latest.lastValidBlockHeight {
                throw ExecutionError(.lookupTable, "\(what) expired")
            }
            do { try await clock.sleep(for: pollInterval) } catch {
                throw ExecutionError(.lookupTable, "cancelled")
            }
        }
        throw ExecutionError(.lookupTable, "\(what) not confirmed after \(activationTimeout)")
    }
}

/// Reads balances from the chain for `RiskManager.reconcile` (and the journal's `balances` table).
public enum ChainBalances {
    public struct Snapshot: Sendable, Hashable {
        /// Token account → amount (SPL Token layout; absent accounts are 0).
        public var tokens: [Address: UInt64]
        /// Lamports of the plain accounts asked for.
        public var lamports: [Address: UInt64]
        /// Newest context slot of the answers.
        public var slot: UInt64
    }

    /// One getMultipleAccounts round for token accounts and lamport accounts together.
    public static func fetch(_ client: RPCClient, tokenAccounts: [Address], lamportAccounts: [Address] = [])
        async throws(ExecutionError) -> Snapshot
    {
        let all = tokenAccounts + lamportAccounts
        let r: MultipleAccounts
        do { r = try await client.getMultipleAccounts(all) } catch {
            throw ExecutionError(.rpc, "getMultipleAccounts: \(error)")
        }
        var tokens: [Address: UInt64] = [:]
        for a in tokenAccounts {
            guard let acc = r.accounts[a] else {
                tokens[a] = 0
                continue
            }
            guard acc.data.count >= 72 else {
                throw ExecutionError(.rpc, "\(a) is not a token account (\(acc.data.count) bytes)")
            }
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(acc.data[64 + i]) << (8 * UInt64(i)) }
            tokens[a] = v
        }
        var lamports: [Address: UInt64] = [:]
        for a in lamportAccounts { lamports[a] = r.accounts[a]?.lamports ?? 0 }
        return Snapshot(tokens: tokens, lamports: lamports, slot: r.maxContextSlot)
    }
}
