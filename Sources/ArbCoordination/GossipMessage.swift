/// What one datagram says, after authentication. `gossip` is the piggybacked dissemination payload.
public enum GossipPayload: Hashable, Sendable {
    /// Direct probe.
    case ping(sequence: UInt32)
    /// Ask the receiver to probe `target` on our behalf (SWIM indirect probe).
    case pingRequest(sequence: UInt32, target: NodeID, targetEndpoint: Endpoint)
    /// Answer to `ping`, or a relayed answer to `pingRequest` (then `sequence` is the requester's).
    case ack(sequence: UInt32)
    /// Lifeguard: the relay could not reach the target in time (tells the requester that the relay itself is fine).
    case nack(sequence: UInt32)
    /// Anti-entropy: the sender's full membership table (chunked), sent to joiners and periodically.
    case sync
    /// Operator status request (`solarb gossip view`); answered by the shell, never by the instance.
    case viewRequest(nonce: UInt64)
    /// Answer to `viewRequest`; `gossip` holds the responder's table.
    case viewResponse(nonce: UInt64)

    var kindByte: UInt8 {
        switch self {
        case .ping: 1
        case .pingRequest: 2
        case .ack: 3
        case .nack: 4
        case .sync: 5
        case .viewRequest: 6
        case .viewResponse: 7
        }
    }
}

/// A protocol message: payload plus piggybacked membership updates.
public struct GossipMessage: Hashable, Sendable {
    public var payload: GossipPayload
    public var gossip: [MemberUpdate]

    public init(_ payload: GossipPayload, gossip: [MemberUpdate] = []) {
        self.payload = payload
        self.gossip = gossip
    }
}

/// The authenticated header every datagram carries.
public struct GossipHeader: Hashable, Sendable {
    public var sender: NodeID
    /// The sender's current incarnation (a live claim: a higher value than we know refutes a suspicion).
    public var incarnation: UInt64
    /// The sender's advertised ownership priority (versioned by `incarnation`).
    public var priority: UInt32
    /// Per-sender datagram sequence, strictly increasing; the replay window works on it.
    public var sequence: UInt64
    /// Sender wall clock, milliseconds since the Unix epoch; checked against the allowed skew.
    public var timestampMillis: Int64

    public init(sender: NodeID, incarnation: UInt64, priority: UInt32, sequence: UInt64, timestampMillis: Int64) {
        self.sender = sender
        self.incarnation = incarnation
        self.priority = priority
        self.sequence = sequence
        self.timestampMillis = timestampMillis
    }
}

/// An authenticated, decoded datagram.
public struct GossipEnvelope: Hashable, Sendable {
    public var header: GossipHeader
    public var message: GossipMessage

    public init(header: GossipHeader, message: GossipMessage) {
        self.header = header
        self.message = message
    }
}
