import ArbCoordination
import Foundation
import NIOCore
import NIOPosix

/// Configuration of one gossip node (the UDP shell around `SWIMInstance`).
public struct GossipNodeConfiguration: Sendable {
    public var id: NodeID
    /// Where to listen. Loopback unless configured otherwise.
    public var bind = Endpoint(host: "127.0.0.1", port: 7946)
    /// Seed peers to join through (and to re-ping when they are not in the view).
    public var peers: [Endpoint] = []
    public var priority: UInt32 = 100
    public var swim = SWIMConfiguration()
    public var authentication = DatagramAuthenticator.Configuration()
    /// Test hook (off by default): drop this fraction of inbound datagrams before authentication.
    public var faultInboundDropRate: Double = 0
    /// Test hook (off by default): a file listing `host:port` sources (one per line) whose datagrams are dropped,
    /// re-read every 200 ms — an in-process partition for machines where network namespaces are unavailable.
    public var faultBlockFile: String?

    public init(id: NodeID) { self.id = id }
}

/// Something the node reports to its owner (the CLI prints these).
public enum GossipEvent: Sendable {
    case memberChanged(Member, previous: MemberStatus?, atUnixMillis: Int64)
    case rejected(CoordinationError.Code)
}

/// A running gossip node: a NIO UDP channel whose handler owns the SWIM instance and the authenticator, all on
/// one event loop (no locks). `view()` reads the table from any task.
public final class GossipNode: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<GossipHandler>

    /// The address actually bound (useful with port 0).
    public var localEndpoint: Endpoint? { channel.localAddress.flatMap(Endpoint.init(socketAddress:)) }

    private init(channel: any Channel, handler: NIOLoopBound<GossipHandler>) {
        self.channel = channel
        self.handler = handler
    }

    /// Binds, joins through the peers and starts probing.
    public static func start(
        configuration: GossipNodeConfiguration, key: ClusterKey,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onEvent: @escaping @Sendable (GossipEvent) -> Void = { _ in }
    ) async throws -> GossipNode {
        let loop = group.next()
        let bindAddress = try SocketAddress.makeAddressResolvingHost(
            configuration.bind.host, port: Int(configuration.bind.port))
        let resolvedPeers = try configuration.peers.map { peer in
            Endpoint(
                socketAddress: try SocketAddress.makeAddressResolvingHost(peer.host, port: Int(peer.port))) ?? peer
        }
        let channel = try await DatagramBootstrap(group: loop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(to: bindAddress).get()
        let advertised = channel.localAddress.flatMap(Endpoint.init(socketAddress:)) ?? configuration.bind
        let boundHandler = try await loop.submit {
            let handler = GossipHandler(
                configuration: configuration, advertised: advertised, peers: resolvedPeers, key: key,
                onEvent: onEvent)
            try channel.pipeline.syncOperations.addHandler(handler)
            handler.start()
            return NIOLoopBound(handler, eventLoop: loop)
        }.get()
        return GossipNode(channel: channel, handler: boundHandler)
    }

    /// The current membership table (this node included), sorted by id.
    public func view() async throws -> [Member] {
        try await channel.eventLoop.submit { self.handler.value.instance.members }.get()
    }

    /// Ordered owners of an opportunity under this node's current view (see `Ownership`).
    public func owners(of opportunity: [UInt8]) async throws -> [NodeID] {
        Ownership.owners(of: opportunity, among: try await view())
    }

    /// Authenticator rejections so far, by reason.
    public func rejects() async throws -> [CoordinationError.Code: Int] {
        try await channel.eventLoop.submit { self.handler.value.authenticator.rejects }.get()
    }

    /// Completes when the channel closes.
    public func waitUntilClosed() async throws { try await channel.closeFuture.get() }

    public func stop() async throws { try await channel.close() }
}

extension Endpoint {
    init?(socketAddress: SocketAddress) {
        guard let ip = socketAddress.ipAddress, let port = socketAddress.port, let p = UInt16(exactly: port) else {
            return nil
        }
        self.init(host: ip, port: p)
    }
}

/// Wall clock in Unix milliseconds (for the authenticated timestamp and log lines).
func unixMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

/// Monotonic milliseconds (for the instance's timers).
func monotonicMillis() -> Int64 { Int64(NIODeadline.now().uptimeNanoseconds / 1_000_000) }

final class GossipHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    var instance: SWIMInstance
    var authenticator: DatagramAuthenticator
    let onEvent: @Sendable (GossipEvent) -> Void
    let faultDropRate: Double
    let faultBlockFile: String?
    var blocked: Set<Endpoint> = []
    var blockPoll: Scheduled<Void>?
    var sequence: UInt64
    var context: ChannelHandlerContext?
    var wake: Scheduled<Void>?
    var addressCache: [Endpoint: SocketAddress] = [:]
    var rng = SystemRandomNumberGenerator()

    init(
        configuration: GossipNodeConfiguration, advertised: Endpoint, peers: [Endpoint], key: ClusterKey,
        onEvent: @escaping @Sendable (GossipEvent) -> Void
    ) {
        var seedRNG = SystemRandomNumberGenerator()
        instance = SWIMInstance(
            id: configuration.id, endpoint: advertised, priority: configuration.priority, seeds: peers,
            configuration: configuration.swim, seed: seedRNG.next(), nowMillis: monotonicMillis())
        authenticator = DatagramAuthenticator(key: key, configuration: configuration.authentication)
        self.onEvent = onEvent
        self.faultDropRate = configuration.faultInboundDropRate
        self.faultBlockFile = configuration.faultBlockFile
        // Sequence numbers start at the wall clock in microseconds, so a restarted node's numbers are higher
        // than anything it sent before (the receivers' replay windows would reject a reset counter).
        sequence = UInt64(max(0, unixMillis())) &* 1_000
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        wake?.cancel()
        blockPoll?.cancel()
        self.context = nil
    }

    func start() {
        perform(instance.start(nowMillis: monotonicMillis()))
        pollBlockFile()
    }

    private func pollBlockFile() {
        guard let path = faultBlockFile, let context else { return }
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        blocked = Set(text.split(whereSeparator: \.isNewline).compactMap { try? Endpoint(parsing: String($0)) })
        blockPoll = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(200)) { [weak self] in
            self?.pollBlockFile()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        if faultDropRate > 0, Double.random(in: 0..<1, using: &rng) < faultDropRate { return }
        guard let from = Endpoint(socketAddress: envelope.remoteAddress) else { return }
        if !blocked.isEmpty, blocked.contains(from) { return }
        let bytes = envelope.data.readableBytesView
        let opened: GossipEnvelope
        do {
            opened = try authenticator.open(bytes, nowMillis: unixMillis())
        } catch {
            onEvent(.rejected(error.code))
            return
        }
        switch opened.message.payload {
        case .viewRequest(let nonce):
            let rows = instance.members.map { MemberUpdate(member: $0, origin: instance.id) }
            sendRaw(GossipMessage(.viewResponse(nonce: nonce), gossip: rows), to: from)
        case .viewResponse:
            break
        default:
            perform(instance.handle(.received(opened, from: from), nowMillis: monotonicMillis()))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // UDP errors (e.g. ICMP port unreachable surfaced as ECONNREFUSED) are expected when peers die.
    }

    private func tick() {
        perform(instance.handle(.tick, nowMillis: monotonicMillis()))
    }

    private func perform(_ directives: [SWIMInstance.Directive]) {
        guard let context else { return }
        for d in directives {
            switch d {
            case .send(let message, let to):
                sendRaw(message, to: to)
            case .wake(let at):
                wake?.cancel()
                let deadline = NIODeadline.uptimeNanoseconds(UInt64(max(0, at)) * 1_000_000)
                wake = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
                    self?.tick()
                }
            case .memberChanged(let change):
                onEvent(.memberChanged(change.member, previous: change.previous, atUnixMillis: unixMillis()))
            }
        }
        context.flush()
    }

    private func sendRaw(_ message: GossipMessage, to: Endpoint) {
        guard let context else { return }
        let address: SocketAddress
        if let cached = addressCache[to] {
            address = cached
        } else {
            guard let resolved = try? SocketAddress(ipAddress: to.host, port: Int(to.port)) else { return }
            if addressCache.count > 4_096 { addressCache.removeAll() }
            addressCache[to] = resolved
            address = resolved
        }
        sequence &+= 1
        let header = GossipHeader(
            sender: instance.id, incarnation: instance.incarnation, priority: instance.priority,
            sequence: sequence, timestampMillis: unixMillis())
        let bytes = authenticator.seal(message, header: header)
        let buffer = context.channel.allocator.buffer(bytes: bytes)
        context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: address, data: buffer)), promise: nil)
        context.flush()
    }
}
