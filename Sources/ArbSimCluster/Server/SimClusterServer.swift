import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Serves a `SimCluster` over loopback: JSON-RPC 2.0 over HTTP POST (default port 8899) and PubSub over WebSocket
/// (default 8900), like `solana-test-validator`. Port 0 picks free ports; `onReady` receives the bound ones.
public enum SimClusterServer {
    public struct Configuration: Sendable {
        public var host: String
        public var rpcPort: Int
        public var webSocketPort: Int
        /// Produce a block every this long; nil = slots advance only when the caller calls `advanceSlot()`.
        public var slotDuration: Duration?
        /// Shut down gracefully on SIGTERM/SIGINT (for the standalone command; tests cancel the task instead).
        public var stopOnSignals: Bool
        /// After cancellation, how long open connections get to finish before the servers are cancelled.
        public var shutdownGrace: Duration = .seconds(2)

        public init(
            host: String = "127.0.0.1", rpcPort: Int = 8899, webSocketPort: Int = 8900,
            slotDuration: Duration? = .milliseconds(400), stopOnSignals: Bool = false
        ) {
            self.stopOnSignals = stopOnSignals
            self.host = host
            self.rpcPort = rpcPort
            self.webSocketPort = webSocketPort
            self.slotDuration = slotDuration
        }
    }

    public struct Endpoints: Sendable, Hashable {
        public var rpcURL: String
        public var webSocketURL: String
        public var rpcPort: Int
        public var webSocketPort: Int
    }

    /// Server logs at warning level and above.
    public static var defaultLogger: Logger {
        var l = Logger(label: "simcluster")
        l.logLevel = .warning
        return l
    }

    /// Runs until the surrounding task is cancelled.
    public static func run(
        cluster: SimCluster, configuration: Configuration = .init(), logger: Logger = defaultLogger,
        onReady: @escaping @Sendable (Endpoints) async -> Void = { _ in }
    ) async throws {
        let router = Router()
        router.post("/") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 4 << 20)
            let text = await cluster.handleHTTP(Array(buffer: body))
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/health") { _, _ in "ok" }

        let (ports, portSink) = AsyncStream<(Bool, Int)>.makeStream()
        let http = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.rpcPort)),
            onServerRunning: { channel in portSink.yield((true, channel.localAddress?.port ?? 0)) },
            logger: logger)
        let ws = Application(
            router: Router(),
            server: .http1WebSocketUpgrade { _, _, _ in
                .upgrade([:]) { inbound, outbound, _ in
                    try await serveConnection(cluster: cluster, inbound: inbound, outbound: outbound)
                }
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.webSocketPort)),
            onServerRunning: { channel in portSink.yield((false, channel.localAddress?.port ?? 0)) },
            logger: logger)

        // Cancelling a NIO server task while an accepted connection is still buffered traps in NIOAsyncWriter's
        // deinit ("Deinited NIOAsyncWriter without calling finish()", apple/swift-nio#3481): the maintainers'
        // advice is to shut servers down gracefully instead. So the two servers run in an unstructured task that
        // task cancellation does not reach; cancelling `run` triggers a graceful shutdown (stop accepting, finish
        // what is open), and only if that has not finished within `shutdownGrace` is the serving task cancelled.
        let signals: [UnixSignal] = configuration.stopOnSignals ? [.sigterm, .sigint] : []
        let services = ServiceGroup(
            configuration: .init(services: [http, ws], gracefulShutdownSignals: signals, logger: logger))
        let serving = Task { try await services.run() }
        let grace = configuration.shutdownGrace
        try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await serving.value }
                if let d = configuration.slotDuration {
                    group.addTask { try await cluster.run(slotDuration: d, clock: ContinuousClock()) }
                }
                group.addTask {
                    var rpc = 0
                    var wsPort = 0
                    for await (isRPC, port) in ports {
                        if isRPC { rpc = port } else { wsPort = port }
                        if rpc != 0, wsPort != 0 { break }
                    }
                    let host = configuration.host
                    await onReady(
                        Endpoints(
                            rpcURL: "http://\(host):\(rpc)", webSocketURL: "ws://\(host):\(wsPort)", rpcPort: rpc,
                            webSocketPort: wsPort))
                }
                // The servers ending (a signal, or cancellation turned into a graceful shutdown) ends the run.
                try await group.next()
                try await group.next()
                group.cancelAll()
            }
        } onCancel: {
            Task {
                await services.triggerGracefulShutdown()
                try? await Task.sleep(for: grace)
                serving.cancel()
            }
        }
        _ = try? await serving.value
    }

    static func serveConnection(cluster: SimCluster, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter)
        async throws
    {
        let (id, messages) = await cluster.openConnection()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await text in messages { try await outbound.write(.text(text)) }
            }
            group.addTask {
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    if case .text(let text) = message { await cluster.handlePubSub(connection: id, text: text) }
                }
            }
            try await group.next()
            await cluster.closeConnection(id)
            group.cancelAll()
        }
    }
}
