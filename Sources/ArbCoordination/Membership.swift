/// A node's stable identity in the cluster: 1…64 characters from `[A-Za-z0-9._:-]` (safe in logs and metric labels).
public struct NodeID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public static let maxLength = 64

    public init(_ rawValue: String) throws(CoordinationError) {
        guard Self.isValid(rawValue.utf8) else {
            throw CoordinationError(.invalidArgument, "node id must be 1…64 characters of [A-Za-z0-9._:-]")
        }
        self.rawValue = rawValue
    }

    /// For identifiers already validated (decoded from the wire, or literals in tests).
    init(unchecked rawValue: String) { self.rawValue = rawValue }

    static func isValid<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        guard !bytes.isEmpty, bytes.count <= maxLength else { return false }
        return bytes.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F
                || b == 0x3A || b == 0x2D
        }
    }

    public var description: String { rawValue }
    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Where a member listens. The host is kept as text (an IPv4/IPv6 literal or a name the shell resolves); the pure
/// core never interprets it.
public struct Endpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let host: String
    public let port: UInt16

    public static let maxHostLength = 255

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[v6]:port`.
    public init(parsing text: String) throws(CoordinationError) {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw CoordinationError(.invalidArgument, "expected [host]:port") }
            portPart = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw CoordinationError(.invalidArgument, "expected host:port")
            }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        guard !hostPart.isEmpty, hostPart.utf8.count <= Self.maxHostLength, let port = UInt16(portPart) else {
            throw CoordinationError(.invalidArgument, "expected host:port with a port in 0…65535")
        }
        self.init(host: String(hostPart), port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    public static func < (lhs: Endpoint, rhs: Endpoint) -> Bool { (lhs.host, lhs.port) < (rhs.host, rhs.port) }
}

/// SWIM member states. `dead` is sticky for an incarnation: only a higher incarnation brings a member back.
public enum MemberStatus: UInt8, Sendable, Hashable, CustomStringConvertible {
    case alive = 0
    case suspect = 1
    case dead = 2

    public var description: String {
        switch self {
        case .alive: "alive"
        case .suspect: "suspect"
        case .dead: "dead"
        }
    }
}

/// One row of the membership table, and the unit of dissemination (piggybacked on protocol messages).
public struct Member: Hashable, Sendable, CustomStringConvertible {
    public var id: NodeID
    public var endpoint: Endpoint
    public var incarnation: UInt64
    public var status: MemberStatus
    /// Ownership weight the member advertises for itself (see `Ownership`); versioned by `incarnation`.
    public var priority: UInt32

    public init(id: NodeID, endpoint: Endpoint, incarnation: UInt64, status: MemberStatus, priority: UInt32) {
        self.id = id
        self.endpoint = endpoint
        self.incarnation = incarnation
        self.status = status
        self.priority = priority
    }

    public var description: String { "\(id)@\(endpoint) \(status) inc=\(incarnation) prio=\(priority)" }
}

/// A membership update as disseminated: the member's new row plus, for suspicions, who suspects it (Lifeguard
/// counts independent confirmations by distinct `origin`).
public struct MemberUpdate: Hashable, Sendable {
    public var member: Member
    public var origin: NodeID

    public init(member: Member, origin: NodeID) {
        self.member = member
        self.origin = origin
    }
}
