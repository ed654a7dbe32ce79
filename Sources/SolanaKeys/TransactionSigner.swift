import SolanaPrimitives

/// Anything that can sign a message for one address: an in-memory keypair, an HSM key (PKCS#11), a remote signer.
public protocol TransactionSigner: Sendable {
    var address: Address { get }
    /// Signs the message bytes (a slice, so a transaction buffer can be signed in place without a copy).
    func sign(message: ArraySlice<UInt8>) throws -> Signature
}

extension TransactionSigner {
    public func sign(message: [UInt8]) throws -> Signature { try sign(message: message[...]) }
}

/// The one error type of `SolanaKeys`. Descriptions never contain secret material.
public struct KeysError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let fileNotFound = Code("fileNotFound")
        public static let unreadable = Code("unreadable")
        public static let malformedKeypairFile = Code("malformedKeypairFile")
        public static let publicKeyMismatch = Code("publicKeyMismatch")
        public static let missingSigner = Code("missingSigner")
        public static let unexpectedSigner = Code("unexpectedSigner")
        public static let signingFailed = Code("signingFailed")
        public static let writeFailed = Code("writeFailed")
        public static let invalidSignature = Code("invalidSignature")
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
}

extension VersionedTransaction {
    /// Signs `message` with exactly the required signers, placing each signature at its signer's position.
    /// Every required signer must be given, and no other.
    public init(message: VersionedMessage, signers: [any TransactionSigner]) throws {
        let sigs = try Self.signatures(for: message, messageBytes: message.serialize()[...], signers: signers)
        self.init(signatures: sigs, message: message)
    }

    /// Signs and serializes in one pass (the message is serialized once), enforcing the packet limit:
    /// what the execution hot path sends.
    public static func signedWireBytes(message: VersionedMessage, signers: [any TransactionSigner]) throws -> (
        transaction: VersionedTransaction, bytes: [UInt8]
    ) {
        // One buffer: signature slots first, the message after them; sign the message in place, fill the slots.
        let count = Int(message.header.numRequiredSignatures)
        var w = ByteWriter(capacity: 3 + 64 * count + message.serializedSizeBound)
        w.shortVec(count)
        let slots = w.bytes.count
        w.write(repeatElement(0, count: 64 * count))
        let messageStart = w.bytes.count
        message.serialize(into: &w)
        guard w.bytes.count <= TransactionLimits.packetDataSize else {
            throw PrimitivesError(
                .packetTooLarge,
                "transaction is \(w.bytes.count) bytes, the limit is \(TransactionLimits.packetDataSize)")
        }
        var bytes = w.bytes
        let sigs = try signatures(for: message, messageBytes: bytes[messageStart...], signers: signers)
        for (i, s) in sigs.enumerated() {
            let at = slots + 64 * i
            bytes.withUnsafeMutableBytes { raw in
                raw.storeBytes(of: s.lo, toByteOffset: at, as: Bytes32.self)
                raw.storeBytes(of: s.hi, toByteOffset: at + 32, as: Bytes32.self)
            }
        }
        return (VersionedTransaction(signatures: sigs, message: message), bytes)
    }

    static func signatures(
        for message: VersionedMessage, messageBytes: ArraySlice<UInt8>, signers: [any TransactionSigner]
    )
        throws
        -> [Signature]
    {
        let required = message.signerKeys
        for s in signers where !required.contains(s.address) {
            throw KeysError(.unexpectedSigner, "\(s.address) is not a required signer of this message")
        }
        var sigs: [Signature] = []
        sigs.reserveCapacity(required.count)
        for key in required {
            guard let s = signers.first(where: { $0.address == key }) else {
                throw KeysError(.missingSigner, "no signer given for \(key)")
            }
            sigs.append(try s.sign(message: messageBytes))
        }
        return sigs
    }

    /// Checks every signature against its signer key (the validator's first check after sanitize).
    public func verifySignatures() throws(KeysError) {
        let bytes = message.serialize()
        for (i, key) in message.signerKeys.enumerated() {
            guard i < signatures.count, Ed25519.verify(signatures[i], message: bytes, publicKey: key) else {
                throw KeysError(.invalidSignature, "signature \(i) does not verify for \(key)")
            }
        }
    }
}

extension MessageCompiler {
    /// Compiles, signs and serializes in one buffer with the compiler's reusable scratch: the execution hot path.
    /// The payer signs first; `otherSigners` must be exactly the remaining required signers. Enforces the
    /// 1,232-byte packet limit. Allocates only the returned array (and whatever the signer allocates); use
    /// `signedTransaction(…, into:)` with a kept buffer to avoid that one too.
    public mutating func signedTransaction<Payer: TransactionSigner>(
        instructions: [Instruction], payer: Payer, otherSigners: [any TransactionSigner] = [],
        recentBlockhash: Hash, lookupTables: [AddressLookupTableAccount] = [], version: MessageVersion = .v0
    ) throws -> [UInt8] {
        var out: [UInt8] = []
        try signedTransaction(
            instructions: instructions, payer: payer, otherSigners: otherSigners, recentBlockhash: recentBlockhash,
            lookupTables: lookupTables, version: version, into: &out)
        return out
    }

    /// As `signedTransaction(…) -> [UInt8]`, writing the wire bytes into `out` (replacing its contents, keeping its
    /// capacity): with a buffer kept across transactions, compiling and serializing allocate nothing.
    public mutating func signedTransaction<Payer: TransactionSigner>(
        instructions: [Instruction], payer: Payer, otherSigners: [any TransactionSigner] = [],
        recentBlockhash: Hash, lookupTables: [AddressLookupTableAccount] = [], version: MessageVersion = .v0,
        into out: inout [UInt8]
    ) throws {
        try compile(instructions: instructions, payer: payer.address, lookupTables: version == .v0 ? lookupTables : [])
        let count = Int(header.numRequiredSignatures)
        let messageStart = ShortVec.size(count) + 64 * count
        let total = messageStart + messageSize(instructions: instructions, version: version)
        guard total <= TransactionLimits.packetDataSize else {
            throw PrimitivesError(
                .packetTooLarge, "transaction is \(total) bytes, the limit is \(TransactionLimits.packetDataSize)")
        }
        for s in otherSigners where !(1..<count).contains(where: { signerAddress($0) == s.address }) {
            throw KeysError(.unexpectedSigner, "\(s.address) is not a required signer of this message")
        }
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: repeatElement(0, count: total))  // signature slots stay zero until signed
        out.withUnsafeMutableBytes { raw in
            var n = count
            var at = 0
            while n >= 0x80 {
                raw[at] = UInt8(truncatingIfNeeded: n & 0x7F) | 0x80
                n >>= 7
                at += 1
            }
            raw[at] = UInt8(truncatingIfNeeded: n)
            writeMessage(
                instructions: instructions, recentBlockhash: recentBlockhash, version: version,
                to: UnsafeMutableRawBufferPointer(rebasing: raw[messageStart...]))
        }
        for i in 0..<count {
            let sig: Signature
            if i == 0 {
                sig = try payer.sign(message: out[messageStart...])
            } else {
                let key = signerAddress(i)
                guard let s = otherSigners.first(where: { $0.address == key }) else {
                    throw KeysError(.missingSigner, "no signer given for \(key)")
                }
                sig = try s.sign(message: out[messageStart...])
            }
            let at = ShortVec.size(count) + 64 * i
            out.withUnsafeMutableBytes { raw in
                raw.storeBytes(of: sig.lo, toByteOffset: at, as: Bytes32.self)
                raw.storeBytes(of: sig.hi, toByteOffset: at + 32, as: Bytes32.self)
            }
        }
    }
}
