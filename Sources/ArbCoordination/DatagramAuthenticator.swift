import Crypto

/// Seals outgoing datagrams and opens incoming ones: HMAC-SHA256 over the whole datagram with the cluster key, then
/// a clock-skew check on the sender timestamp, then a per-sender sliding replay window on the sequence number
/// (the IPsec anti-replay scheme, RFC 4303 §3.4.3, with a 64-entry bitmap). Every rejection is counted by reason.
///
/// Order matters: nothing but length and MAC is looked at before the MAC verifies, so a forger cannot make us
/// allocate replay state or parse attacker-chosen structure.
public struct DatagramAuthenticator: Sendable {
    public struct Configuration: Sendable {
        /// Largest accepted |sender timestamp − our wall clock|.
        public var maxClockSkewMillis: Int64 = 5_000
        /// Senders whose replay state we keep (least recently seen evicted beyond this).
        public var maxTrackedSenders: Int = 4_096
        public init() {}
    }

    struct ReplayState: Sendable {
        var highest: UInt64
        var bitmap: UInt64  // bit i set ⇔ (highest − i) seen
        var lastSeen: Int64
    }

    private let key: ClusterKey
    public let configuration: Configuration
    private var replay: [NodeID: ReplayState] = [:]
    /// Rejections so far, by reason.
    public private(set) var rejects: [CoordinationError.Code: Int] = [:]
    public private(set) var accepted = 0

    public static let windowSize: UInt64 = 64

    public init(key: ClusterKey, configuration: Configuration = .init()) {
        self.key = key
        self.configuration = configuration
    }

    public var totalRejected: Int { rejects.values.reduce(0, +) }

    /// Encodes and MACs a message.
    public func seal(_ message: GossipMessage, header: GossipHeader) -> [UInt8] {
        var bytes = WireFormat.encodeBody(header: header, message: message)
        let mac = HMAC<SHA256>.authenticationCode(for: bytes, using: key.key)
        bytes.append(contentsOf: mac)
        return bytes
    }

    /// Authenticates and decodes one datagram. `nowMillis` is our wall clock (Unix ms).
    public mutating func open(_ datagram: some Collection<UInt8>, nowMillis: Int64) throws(CoordinationError)
        -> GossipEnvelope
    {
        do {
            let envelope = try verify(Array(datagram), nowMillis: nowMillis)
            accepted += 1
            return envelope
        } catch {
            rejects[error.code, default: 0] += 1
            throw error
        }
    }

    private mutating func verify(_ bytes: [UInt8], nowMillis: Int64) throws(CoordinationError) -> GossipEnvelope {
        guard bytes.count <= WireFormat.maxDatagram else { throw CoordinationError(.oversized, "datagram too large") }
        // Smallest body: magic+version+kind (4) + sender (2) + inc (8) + prio (4) + seq (8) + ts (8) + count (2).
        guard bytes.count >= 36 + WireFormat.macLength else {
            throw CoordinationError(.truncated, "datagram too short")
        }
        let bodyEnd = bytes.count - WireFormat.macLength
        let body = bytes[..<bodyEnd]
        let mac = bytes[bodyEnd...]
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key.key) else {
            throw CoordinationError(.badMAC, "authentication failed")
        }
        let envelope = try WireFormat.decodeBody(body)
        let header = envelope.header
        let skew = nowMillis.subtractingReportingOverflow(header.timestampMillis)
        guard !skew.overflow, skew.partialValue.magnitude <= configuration.maxClockSkewMillis.magnitude else {
            throw CoordinationError(.clockSkew, "sender clock outside the allowed skew")
        }
        try checkReplay(sender: header.sender, sequence: header.sequence, nowMillis: nowMillis)
        return envelope
    }

    private mutating func checkReplay(sender: NodeID, sequence: UInt64, nowMillis: Int64) throws(CoordinationError) {
        guard var state = replay[sender] else {
            if replay.count >= configuration.maxTrackedSenders { evictOldest() }
            replay[sender] = ReplayState(highest: sequence, bitmap: 1, lastSeen: nowMillis)
            return
        }
        if sequence > state.highest {
            let shift = sequence - state.highest
            state.bitmap = shift >= Self.windowSize ? 1 : (state.bitmap << shift) | 1
            state.highest = sequence
        } else {
            let offset = state.highest - sequence
            guard offset < Self.windowSize else { throw CoordinationError(.tooOld, "sequence older than the window") }
            let bit: UInt64 = 1 << offset
            guard state.bitmap & bit == 0 else { throw CoordinationError(.replayed, "sequence already seen") }
            state.bitmap |= bit
        }
        state.lastSeen = nowMillis
        replay[sender] = state
    }

    private mutating func evictOldest() {
        if let oldest = replay.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key {
            replay.removeValue(forKey: oldest)
        }
    }
}
