import ArbRPC
import ArbState
import Logging
import SolanaPrimitives
import Synchronization
import WSClient

final class OutcomeBox<T: Sendable>: Sendable {
    let value: Mutex<T?> = Mutex(nil)
}

/// signatureSubscribe: waits for one transaction to be processed at a commitment level, on a connection of its own.
/// For many transactions in flight (the executor) use `SignatureSubscriptions`: one connection for all of them,
/// resubscribed after a reconnect.
public enum SignatureWatcher {
    public enum Outcome: Sendable, Hashable {
        /// Processed at `slot`; `err` is nil on success.
        case processed(slot: Slot, err: TransactionError?)
        /// No notification within the timeout (the transaction may still land: check getSignatureStatuses).
        case timedOut
    }

    /// Opens its own PubSub connection, subscribes, and returns the first notification (or `.timedOut`).
    public static func wait(
        url: String, signature: Signature, commitment: Commitment = .confirmed, timeout: Duration,
        logger: Logger
    ) async throws(RPCError) -> Outcome {
        let result: Result<Outcome, RPCError> = await withTaskGroup(of: Result<Outcome, RPCError>?.self) { group in
            group.addTask {
                do {
                    let outcome = OutcomeBox<Result<Outcome, RPCError>>()
                    try await WebSocketClient.connect(url: url, logger: logger) { inbound, outbound, _ in
                        let request = JSONValue.object([
                            "jsonrpc": .string("2.0"), "id": .uint(1), "method": .string("signatureSubscribe"),
                            "params": .array([
                                .string(signature.description),
                                .object(["commitment": .string(commitment.rawValue)]),
                            ]),
                        ]).serialized
                        try await outbound.write(.text(request))
                        var decoder = PubSubDecoder()
                        var subscription: UInt64?
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            guard case .text(let text) = message else { continue }
                            switch try decoder.decode(text) {
                            case .subscribed(1?, let sub): subscription = sub
                            case .error(_, let e):
                                outcome.value.withLock { $0 = .failure(e) }
                                return
                            case .signature(let sub, let slot, let err) where sub == subscription:
                                outcome.value.withLock { $0 = .success(.processed(slot: slot, err: err)) }
                                try? await outbound.close(.normalClosure, reason: nil)
                                return
                            default: continue
                            }
                        }
                    }
                    return outcome.value.withLock { $0 } ?? .failure(RPCError(.transport, "connection closed"))
                } catch let e as RPCError {
                    return .failure(e)
                } catch {
                    return Task.isCancelled ? nil : .failure(RPCError(.transport, "\(error)"))
                }
            }
            group.addTask {
                try? await ContinuousClock().sleep(for: timeout)
                return Task.isCancelled ? nil : .success(.timedOut)
            }
            var first: Result<Outcome, RPCError>?
            while let r = await group.next() {
                if let r {
                    first = r
                    break
                }
            }
            group.cancelAll()
            return first ?? .failure(RPCError(.cancelled, "signature wait cancelled"))
        }
        return try result.get()
    }
}
