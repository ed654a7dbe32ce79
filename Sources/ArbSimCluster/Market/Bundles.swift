import Crypto
import SolanaPrimitives

/// Jito's eight mainnet tip payment accounts. Source: the example response of Jito's `getTipAccounts`
/// (docs.jito.wtf, "Low Latency Transaction Send" → getTipAccounts; mirrored by QuickNode's getTipAccounts page).
/// In the simulated cluster they are ordinary System-owned accounts that exist from genesis.
public enum JitoTipAccounts {
    public static let all: [Address] = [
        "96gYZGLnJYVFmbjzopPSU6QiEV5fGqZNyN9nmNhvrZU5",
        "HFqU5x63VTqvQss8hp11i4wVV8bD44PvwucfZ2bU7gRe",
        "Cw8CFyM9FkoMi7K7Crf6HNQqf4uEMzpKw6QNghXLvLkY",
        "ADaUMid9yfUytqMBgopwjb2DTLSokTSzL1zt6iGPaS49",
        "DfXygSm4jCyNCybVYYK6DwvWqjKee8pbDmJGcLWNDXjh",
        "ADuUkR4vqLUMWXxW9gh6D6L8pMSawimctcNZ5pGwDcEt",
        "DttWaMuVvTiduZRnguLF7jNxTgiMBZ1hyAumKUiL2KRL",
        "3AVi9Tg9Uo68tJfuvoKvqKNWKkC5wPdSSdeBnizKZ6jT",
    ].map { Address(stringLiteral: $0) }

    /// Lamports a transaction pays to tip accounts through System transfers (what orders bundles in a block).
    static func tip(_ message: VersionedMessage) -> UInt64 {
        let keys = message.staticAccountKeys
        var total: UInt64 = 0
        for ix in message.instructions {
            guard Int(ix.programIdIndex) < keys.count, keys[Int(ix.programIdIndex)] == ProgramIDs.system,
                ix.data.count == 12, ix.data[0] == 2, ix.data[1] == 0, ix.data[2] == 0, ix.data[3] == 0,
                ix.accounts.count >= 2, Int(ix.accounts[1]) < keys.count, all.contains(keys[Int(ix.accounts[1])])
            else { continue }
            var r = ByteReader(ix.data, offset: 4)
            if let lamports = try? r.u64() { total &+= lamports }
        }
        return total
    }
}

/// Why a bundle was refused at submission (`sendBundle` maps these to JSON-RPC errors).
public struct BundleError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        let raw: UInt8
        public static let empty = Code(raw: 0)
        public static let tooManyTransactions = Code(raw: 1)
        public static let invalidTransaction = Code(raw: 2)
        public static let duplicateTransaction = Code(raw: 3)
        public static let alreadyProcessed = Code(raw: 4)
    }
    public var code: Code
    public var description: String
    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}

struct PendingBundle: Sendable {
    var id: String
    var seq: UInt64
    var tip: UInt64
    var transactions: [(bytes: [UInt8], tx: VersionedTransaction)]
}

/// What happened to a bundle: landed in `slot` with these signatures, or dropped (a transaction failed).
public struct BundleOutcome: Hashable, Sendable {
    public enum State: Hashable, Sendable {
        case pending
        case landed(slot: UInt64)
        /// Dropped whole: transaction `index` failed with `error` (nil: it was not executable at all).
        case failed(slot: UInt64, index: Int, error: TransactionError?)
    }
    public var id: String
    public var signatures: [Signature]
    public var state: State
}

extension Bank {
    /// Jito's limit on transactions per bundle.
    public static let maxBundleTransactions = 5

    /// Jito's bundle id: hex sha256 of the transactions' first signatures (base58) joined by ","
    /// (jito-solana `bundle/src/lib.rs` `derive_bundle_id`).
    public static func bundleID(_ signatures: [Signature]) -> String {
        let text = signatures.map(\.description).joined(separator: ",")
        return SHA256.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Queues a bundle for the current slot: its transactions execute in order, in one block, all or nothing.
    /// Checks sanitize and signatures now (like `submit`); execution failures drop the bundle when the block is
    /// produced. Returns the bundle id.
    public mutating func submitBundle(_ wire: [[UInt8]]) throws(BundleError) -> String {
        guard !wire.isEmpty else { throw BundleError(.empty, "bundle has no transactions") }
        guard wire.count <= Self.maxBundleTransactions else {
            throw BundleError(.tooManyTransactions, "bundle has more than \(Self.maxBundleTransactions) transactions")
        }
        var txs: [(bytes: [UInt8], tx: VersionedTransaction)] = []
        for (i, bytes) in wire.enumerated() {
            let tx: VersionedTransaction
            do { tx = try Self.decodeAndVerify(bytes) } catch {
                throw BundleError(.invalidTransaction, "transaction \(i): \(error)")
            }
            txs.append((bytes, tx))
        }
        let sigs = txs.map { $0.tx.signatures[0] }
        guard Set(sigs).count == sigs.count else {
            throw BundleError(.duplicateTransaction, "bundle contains the same transaction twice")
        }
        if let done = sigs.first(where: { records[$0] != nil }) {
            throw BundleError(.alreadyProcessed, "transaction \(done) already processed")
        }
        let id = Self.bundleID(sigs)
        if bundleOutcomes[id]?.state == .pending {
            throw BundleError(.duplicateTransaction, "bundle \(id) already submitted")
        }
        let tip = txs.reduce(UInt64(0)) { $0 &+ JitoTipAccounts.tip($1.tx.message) }
        let seq = UInt64(pendingBundles.count)
        pendingBundles.append(PendingBundle(id: id, seq: seq, tip: tip, transactions: txs))
        bundleOutcomes[id] = BundleOutcome(id: id, signatures: sigs, state: .pending)
        return id
    }

    public func bundleOutcome(_ id: String) -> BundleOutcome? { bundleOutcomes[id] }

    /// Runs the slot's bundles (highest tip first, then arrival), each on a copy of the ledger that replaces it
    /// only when every transaction succeeded. Returns the landed transactions' results in execution order.
    mutating func executeBundles() -> [ExecutionResult] {
        guard !pendingBundles.isEmpty else { return [] }
        let bundles = pendingBundles.sorted { $0.tip != $1.tip ? $0.tip > $1.tip : $0.seq < $1.seq }
        pendingBundles.removeAll()
        var landed: [ExecutionResult] = []
        for bundle in bundles {
            var trial = self
            var results: [ExecutionResult] = []
            var failure: (Int, TransactionError?)? = nil
            for (i, entry) in bundle.transactions.enumerated() {
                let r = trial.execute(entry.tx, commit: true)
                guard r.included, r.error == nil else {
                    failure = (i, r.error)
                    break
                }
                trial.records[r.signature] = TransactionRecord(
                    slot: slot, blockTime: blockTime(slot: slot), wireBytes: entry.bytes, result: r)
                results.append(r)
            }
            if let (index, error) = failure {
                bundleOutcomes[bundle.id]?.state = .failed(slot: slot, index: index, error: error)
                continue
            }
            trial.bundleOutcomes[bundle.id]?.state = .landed(slot: slot)
            self = trial
            landed += results
        }
        return landed
    }
}
