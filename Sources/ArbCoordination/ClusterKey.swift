import Crypto

/// The shared cluster secret for HMAC-SHA256. Never printed: `description`, `debugDescription` and the mirror
/// are redacted, so string interpolation, `dump` and loggers cannot leak it.
public struct ClusterKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let key: SymmetricKey

    public static let minimumLength = 16

    /// `bytes` must hold at least 16 bytes (32 recommended).
    public init(bytes: some Collection<UInt8>) throws(CoordinationError) {
        guard bytes.count >= Self.minimumLength else {
            throw CoordinationError(.invalidArgument, "cluster key shorter than \(Self.minimumLength) bytes")
        }
        key = SymmetricKey(data: Array(bytes))
    }

    /// Parses the contents of a key file: hex text (whitespace trimmed, at least 32 hex digits), or else the raw bytes.
    public init(fileContents: [UInt8]) throws(CoordinationError) {
        let trimmed = fileContents.filter { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        if trimmed.count >= 2 * Self.minimumLength, trimmed.count % 2 == 0, let decoded = Self.hexDecode(trimmed) {
            try self.init(bytes: decoded)
        } else {
            try self.init(bytes: fileContents)
        }
    }

    /// A fresh 32-byte key as lowercase hex (for `solarb gossip keygen`).
    public static func generateHex<R: RandomNumberGenerator>(using rng: inout R) -> String {
        (0..<32).map { _ in
            let b = UInt8.random(in: 0...255, using: &rng)
            return String(b >> 4, radix: 16) + String(b & 0xF, radix: 16)
        }.joined()
    }

    /// Short non-secret fingerprint (first 4 bytes of SHA-256 over a domain-separated key) for operators to check
    /// that two nodes use the same key.
    public var fingerprint: String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("solarb-gossip-fingerprint".utf8), using: key)
        return Array(mac).prefix(4).map { String($0 >> 4, radix: 16) + String($0 & 0xF, radix: 16) }.joined()
    }

    func verify(mac: ArraySlice<UInt8>, body: ArraySlice<UInt8>) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key)
    }

    public var description: String { "ClusterKey(redacted)" }
    public var debugDescription: String { "ClusterKey(redacted)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    private static func hexDecode(_ chars: [UInt8]) -> [UInt8]? {
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
