import ArbCoordination
import NIOCore
import NIOPosix

/// Asks a running node for its membership table with one authenticated `viewRequest` datagram.
public enum GossipViewClient {
    public struct View: Sendable {
        public var responder: NodeID
        public var responderIncarnation: UInt64
        public var members: [Member]
    }

    public static func query(
        target: Endpoint, key: ClusterKey, timeoutMillis: Int64 = 1_000,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> View {
        let targetAddress = try SocketAddress.makeAddressResolvingHost(target.host, port: Int(target.port))
        let loop = group.next()
        let promise = loop.makePromise(of: View.self)
        var rng = SystemRandomNumberGenerator()
        let nonce = rng.next() as UInt64
        let bindHost = targetAddress.protocol == .inet6 ? "::" : "0.0.0.0"
        let channel = try await DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ViewResponseHandler(key: key, nonce: nonce, promise: promise))
                }
            }
            .bind(host: bindHost, port: 0).get()
        let timeout = loop.scheduleTask(in: .milliseconds(timeoutMillis)) {
            promise.fail(CoordinationError(.invalidArgument, "no answer from \(target) within \(timeoutMillis) ms"))
        }
        let viewer = try NodeID("viewer-\(String(rng.next() as UInt32, radix: 16))")
        let header = GossipHeader(
            sender: viewer, incarnation: 0, priority: 0, sequence: UInt64(max(0, unixMillis())) &* 1_000,
            timestampMillis: unixMillis())
        let bytes = DatagramAuthenticator(key: key).seal(GossipMessage(.viewRequest(nonce: nonce)), header: header)
        try await channel.writeAndFlush(
            AddressedEnvelope(remoteAddress: targetAddress, data: channel.allocator.buffer(bytes: bytes)))
        defer {
            timeout.cancel()
            channel.close(promise: nil)
        }
        return try await promise.futureResult.get()
    }
}

final class ViewResponseHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    var authenticator: DatagramAuthenticator
    let nonce: UInt64
    let promise: EventLoopPromise<GossipViewClient.View>

    init(key: ClusterKey, nonce: UInt64, promise: EventLoopPromise<GossipViewClient.View>) {
        authenticator = DatagramAuthenticator(key: key)
        self.nonce = nonce
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let opened = try? authenticator.open(envelope.data.readableBytesView, nowMillis: unixMillis()),
            case .viewResponse(let n) = opened.message.payload, n == nonce
        else { return }
        promise.succeed(
            GossipViewClient.View(
                responder: opened.header.sender, responderIncarnation: opened.header.incarnation,
                members: opened.message.gossip.map(\.member)))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
    }
}
