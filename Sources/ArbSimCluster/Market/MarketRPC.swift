import Foundation
import SolanaPrimitives

extension SimCluster {
    /// Methods beyond the Solana JSON-RPC API: Jito's bundle methods and the market's ground truth.
    func marketDispatch(method: String, params p: [SimJSON]) throws -> SimJSON {
        switch method {
        case "sendBundle": return try sendBundle(p)
        case "getBundleStatuses": return try bundleStatuses(p, inflight: false)
        case "getInflightBundleStatuses": return try bundleStatuses(p, inflight: true)
        case "getTipAccounts": return .array(JitoTipAccounts.all.map { .string($0.base58) })
        case "simGetGroundTruth": return try groundTruthJSON(p)
        case "simGetCapturedProfit": return capturedProfitJSON(p)
        default: throw RPCFailure(code: -32601, message: "Method not found")
        }
    }

    /// Jito `sendBundle`: params `[[tx, …], {"encoding": "base58"|"base64"}]` (base58 default); returns the
    /// bundle id. Transactions execute in order in the next block, all or nothing.
    func sendBundle(_ p: [SimJSON]) throws -> SimJSON {
        guard let list = p.first?.arrayValue, !list.isEmpty else {
            throw RPCFailure.invalidParams("Invalid param: expected an array of transactions")
        }
        let config = RPCParams.config(p, 1)
        let wire = try list.map { try Self.decodeWire([$0], config: config) }
        do { return .string(try bank.submitBundle(wire)) } catch {
            throw RPCFailure.invalidParams("bundle rejected: \(error.description)")
        }
    }

    /// Jito `getBundleStatuses` (landed bundles: `bundle_id`, `transactions`, `slot`, `confirmation_status`,
    /// `err`; null for unknown or not landed) and `getInflightBundleStatuses` (`status` Pending / Landed /
    /// Failed / Invalid, `landed_slot`).
    func bundleStatuses(_ p: [SimJSON], inflight: Bool) throws -> SimJSON {
        guard let ids = p.first?.arrayValue, ids.count <= 5 else {
            throw RPCFailure.invalidParams("Invalid param: expected an array of at most 5 bundle ids")
        }
        let values: [SimJSON] = try ids.map { v in
            guard let id = v.stringValue else { throw RPCFailure.invalidParams("Invalid param: bundle id") }
            guard let o = bank.bundleOutcome(id) else {
                return inflight
                    ? .object(["bundle_id": .string(id), "status": .string("Invalid"), "landed_slot": .null]) : .null
            }
            if inflight {
                let (status, landed): (String, SimJSON) =
                    switch o.state {
                    case .pending: ("Pending", .null)
                    case .landed(let slot): ("Landed", .uint(slot))
                    case .failed: ("Failed", .null)
                    }
                return .object(["bundle_id": .string(id), "status": .string(status), "landed_slot": landed])
            }
            guard case .landed(let slot) = o.state else { return .null }
            let depth = bank.slot > slot ? bank.slot - slot : 0
            return .object([
                "bundle_id": .string(id), "transactions": .array(o.signatures.map { .string($0.description) }),
                "slot": .uint(slot), "confirmation_status": .string(depth > 32 ? "finalized" : "confirmed"),
                "err": .object(["Ok": .null]),
            ])
        }
        return RPCEncoding.context(bank.slot, .array(values))
    }

    /// `simGetGroundTruth [fromSlot, toSlot]` (default: the last 100 slots): per slot the profit available after
    /// its block (`profitMicroUsd`: the greedy set of pool-disjoint cycles, `selected`), the best single cycle
    /// (`best`, `bestCycleMicroUsd`), and the total over the range.
    func groundTruthJSON(_ p: [SimJSON]) throws -> SimJSON {
        guard market != nil else { throw RPCFailure(code: -32601, message: "no market scenario is installed") }
        let last = bank.slot > 0 ? bank.slot - 1 : 0
        let from = p[safe: 0]?.uint64Value ?? (last > 99 ? last - 99 : 0)
        let to = p[safe: 1]?.uint64Value ?? last
        guard from <= to, to - from < 100_000 else {
            throw RPCFailure.invalidParams("Invalid param: need fromSlot ≤ toSlot and at most 100000 slots")
        }
        let records = groundTruth(slots: from...to)
        var total: UInt64 = 0
        func opportunity(_ b: ArbOpportunity) -> SimJSON {
            .object([
                "baseMint": .string(b.base.base58), "pools": .array(b.pools.map { .string($0.base58) }),
                "directions": .array(b.directions.map { .string($0 == .aToB ? "aToB" : "bToA") }),
                "amountIn": .uint(b.amountIn), "amountOut": .uint(b.amountOut), "profit": .uint(b.profit),
                "profitMicroUsd": .uint(b.profitMicroUsd),
            ])
        }
        let list: [SimJSON] = records.map { r in
            total += r.availableMicroUsd
            var o: [String: SimJSON] = [
                "slot": .uint(r.slot), "profitableCycles": .uint(UInt64(r.profitableCycles)),
                "profitMicroUsd": .uint(r.availableMicroUsd),
                "bestCycleMicroUsd": .uint(r.best?.profitMicroUsd ?? 0),
                "selected": .array(r.selected.map(opportunity)),
            ]
            if let b = r.best { o["best"] = opportunity(b) }
            return .object(o)
        }
        return .object([
            "context": .object(["slot": .uint(bank.slot)]), "value": .array(list),
            "totalProfitMicroUsd": .uint(total),
        ])
    }

    /// `simGetCapturedProfit [[signer, …]]` (default: every signer seen): net value per signer.
    func capturedProfitJSON(_ p: [SimJSON]) -> SimJSON {
        let wanted = Set((p.first?.arrayValue ?? []).compactMap { $0.stringValue })
        let all = capturedProfit().sorted { $0.key < $1.key }
        let list: [SimJSON] = all.filter { wanted.isEmpty || wanted.contains($0.key.base58) }.map { (k, v) in
            .object([
                "signer": .string(k.base58), "transactions": .uint(UInt64(v.transactions)),
                "failed": .uint(UInt64(v.failed)), "microUsd": .int(v.microUsd), "lamports": .int(v.lamports),
                "tokens": .object(
                    Dictionary(uniqueKeysWithValues: v.tokens.map { ($0.key.base58, SimJSON.int($0.value)) })),
            ])
        }
        return .object(["context": .object(["slot": .uint(bank.slot)]), "value": .array(list)])
    }
}
