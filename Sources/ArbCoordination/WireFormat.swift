/// Binary layout of a gossip datagram (all integers big-endian):
///
/// ```
/// magic "SG" (2) | version u8 = 1 | kind u8
/// sender: len u8 (1…64) + ASCII | incarnation u64 | priority u32 | sequence u64 | timestamp i64 (ms, Unix)
/// kind fields: ping/ack/nack: seq u32 · pingRequest: seq u32, target id, target endpoint
///              viewRequest/viewResponse: nonce u64 · sync: —
/// gossip: count u16, then per update: status u8, id, endpoint (host len u8 + bytes, port u16),
///         incarnation u64, priority u32, origin id
/// mac: HMAC-SHA256(cluster key, every preceding byte) (32)
/// ```
enum WireFormat {
    static let magic: (UInt8, UInt8) = (0x53, 0x47)
    static let version: UInt8 = 1
    static let macLength = 32
    /// Largest UDP payload over IPv4.
    static let maxDatagram = 65_507

    static func encodeBody(header: GossipHeader, message: GossipMessage) -> [UInt8] {
        var w = Writer()
        w.bytes.reserveCapacity(128 + message.gossip.count * 64)
        w.u8(magic.0)
        w.u8(magic.1)
        w.u8(version)
        w.u8(message.payload.kindByte)
        w.id(header.sender)
        w.u64(header.incarnation)
        w.u32(header.priority)
        w.u64(header.sequence)
        w.u64(UInt64(bitPattern: header.timestampMillis))
        switch message.payload {
        case .ping(let s), .ack(let s), .nack(let s):
            w.u32(s)
        case .pingRequest(let s, let target, let endpoint):
            w.u32(s)
            w.id(target)
            w.endpoint(endpoint)
        case .viewRequest(let n), .viewResponse(let n):
            w.u64(n)
        case .sync:
            break
        }
        precondition(message.gossip.count <= Int(UInt16.max), "gossip list longer than the wire allows")
        w.u16(UInt16(message.gossip.count))
        for u in message.gossip {
            w.u8(u.member.status.rawValue)
            w.id(u.member.id)
            w.endpoint(u.member.endpoint)
            w.u64(u.member.incarnation)
            w.u32(u.member.priority)
            w.id(u.origin)
        }
        return w.bytes
    }

    /// Decodes the body (everything before the MAC). Throws `.truncated`, `.badMagic`, `.unsupportedVersion` or
    /// `.malformed`.
    static func decodeBody(_ body: ArraySlice<UInt8>) throws(CoordinationError) -> GossipEnvelope {
        var r = Reader(body)
        guard try r.u8() == magic.0, try r.u8() == magic.1 else {
            throw CoordinationError(.badMagic, "not a gossip datagram")
        }
        guard try r.u8() == version else { throw CoordinationError(.unsupportedVersion, "unknown wire version") }
        let kind = try r.u8()
        let sender = try r.id()
        let header = GossipHeader(
            sender: sender, incarnation: try r.u64(), priority: try r.u32(), sequence: try r.u64(),
            timestampMillis: Int64(bitPattern: try r.u64()))
        let payload: GossipPayload
        switch kind {
        case 1: payload = .ping(sequence: try r.u32())
        case 2: payload = .pingRequest(sequence: try r.u32(), target: try r.id(), targetEndpoint: try r.endpoint())
        case 3: payload = .ack(sequence: try r.u32())
        case 4: payload = .nack(sequence: try r.u32())
        case 5: payload = .sync
        case 6: payload = .viewRequest(nonce: try r.u64())
        case 7: payload = .viewResponse(nonce: try r.u64())
        default: throw CoordinationError(.malformed, "unknown message kind")
        }
        let count = Int(try r.u16())
        var gossip: [MemberUpdate] = []
        gossip.reserveCapacity(min(count, 1024))
        for _ in 0..<count {
            guard let status = MemberStatus(rawValue: try r.u8()) else {
                throw CoordinationError(.malformed, "unknown member status")
            }
            let id = try r.id()
            let endpoint = try r.endpoint()
            let member = Member(
                id: id, endpoint: endpoint, incarnation: try r.u64(), status: status, priority: try r.u32())
            gossip.append(MemberUpdate(member: member, origin: try r.id()))
        }
        guard r.isAtEnd else { throw CoordinationError(.malformed, "trailing bytes") }
        return GossipEnvelope(header: header, message: GossipMessage(payload, gossip: gossip))
    }

    struct Writer {
        var bytes: [UInt8] = []
        mutating func u8(_ v: UInt8) { bytes.append(v) }
        mutating func u16(_ v: UInt16) {
            bytes.append(UInt8(v >> 8))
            bytes.append(UInt8(truncatingIfNeeded: v))
        }
        mutating func u32(_ v: UInt32) {
            for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> shift)) }
        }
        mutating func u64(_ v: UInt64) {
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> shift)) }
        }
        mutating func id(_ id: NodeID) {
            let utf8 = Array(id.rawValue.utf8)
            bytes.append(UInt8(utf8.count))
            bytes.append(contentsOf: utf8)
        }
        mutating func endpoint(_ e: Endpoint) {
            let utf8 = Array(e.host.utf8.prefix(Endpoint.maxHostLength))
            bytes.append(UInt8(utf8.count))
            bytes.append(contentsOf: utf8)
            u16(e.port)
        }
    }

    struct Reader {
        let bytes: ArraySlice<UInt8>
        var index: Int

        init(_ bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            self.index = bytes.startIndex
        }

        var isAtEnd: Bool { index == bytes.endIndex }

        mutating func take(_ n: Int) throws(CoordinationError) -> ArraySlice<UInt8> {
            guard n >= 0, bytes.endIndex - index >= n else { throw CoordinationError(.truncated, "field past end") }
            defer { index += n }
            return bytes[index..<index + n]
        }
        mutating func u8() throws(CoordinationError) -> UInt8 { try take(1).first! }
        mutating func u16() throws(CoordinationError) -> UInt16 {
            try take(2).reduce(0) { $0 << 8 | UInt16($1) }
        }
        mutating func u32() throws(CoordinationError) -> UInt32 {
            try take(4).reduce(0) { $0 << 8 | UInt32($1) }
        }
        mutating func u64() throws(CoordinationError) -> UInt64 {
            try take(8).reduce(0) { $0 << 8 | UInt64($1) }
        }
        mutating func id() throws(CoordinationError) -> NodeID {
            let len = Int(try u8())
            let raw = try take(len)
            guard NodeID.isValid(raw) else { throw CoordinationError(.malformed, "invalid node id") }
            return NodeID(unchecked: String(decoding: raw, as: UTF8.self))
        }
        mutating func endpoint() throws(CoordinationError) -> Endpoint {
            let len = Int(try u8())
            let raw = try take(len)
            // Hosts are IP literals or DNS names: printable ASCII only, never control characters.
            guard len > 0, raw.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw CoordinationError(.malformed, "invalid endpoint host")
            }
            return Endpoint(host: String(decoding: raw, as: UTF8.self), port: try u16())
        }
    }
}
