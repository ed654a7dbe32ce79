import ArbRPC
import ArbTestServer
import Foundation
import Logging
import SolanaPrimitives

enum TestSupport {
    static let logger: Logger = {
        var l = Logger(label: "arb-test")
        l.logLevel = .critical
        return l
    }()

    static func address(_ n: UInt8) -> Address {
        Address(raw: try! Bytes32(bytes: [UInt8](repeating: n, count: 31) + [0x42]))
    }

    /// Real provider response bodies (see Vectors/rpc-responses.json for the source of each).
    static let vectors: [String: (method: String, body: String)] = {
        let url = Bundle.module.url(forResource: "rpc-responses", withExtension: "json", subdirectory: "Vectors")!
        let root = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var out: [String: (String, String)] = [:]
        for v in root["vectors"] as! [[String: Any]] {
            out[v["name"] as! String] = (v["method"] as! String, v["body"] as! String)
        }
        return out
    }()

    static func client(
        _ servers: [ScriptedServer], requestTimeout: Duration = .milliseconds(1500),
        policy: EndpointPool.Policy = .init(),
        callDeadline: Duration = .seconds(10), maxAttempts: Int = 8
    ) -> RPCClient {
        RPCClient(
            configuration: .init(
                endpoints: servers.enumerated().map { RPCEndpoint(url: $1.httpURL, name: "s\($0)") },
                requestTimeout: requestTimeout, callDeadline: callDeadline, maxAttempts: maxAttempts, policy: policy,
                jitterSeed: 42),
            logger: logger)
    }

    /// A started server; stopped by the caller.
    static func server(startSlot: UInt64 = 1000) async throws -> ScriptedServer {
        let s = ScriptedServer(startSlot: startSlot)
        try await s.start()
        return s
    }
}

/// Polls `condition` every 5 ms until it holds or `timeout` (generous: a liveness bound, not a speed claim) passes.
func eventually(timeout: Duration = .seconds(20), _ condition: () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let end = clock.now + timeout
    while clock.now < end {
        if condition() { return true }
        try? await clock.sleep(for: .milliseconds(5))
    }
    return condition()
}

/// Runs `body` while `background` runs; cancels `background` afterwards.
func withBackground<T: Sendable>(
    _ background: @escaping @Sendable () async -> Void, _ body: () async throws -> T
) async rethrows -> T {
    try await withoutActuallyEscaping(body) { body in
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await background()
                return nil
            }
            let result = try await body()
            group.cancelAll()
            while try await group.next() != nil {}
            return result
        }
    }
}

/// A base58 address literal in a test (traps on a typo, which is a bug in the test).
func b58(_ s: String) -> Address { try! Address(base58: s) }
