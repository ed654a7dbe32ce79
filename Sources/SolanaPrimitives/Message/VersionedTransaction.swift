/// A signed (or to-be-signed) transaction: signatures in signer order, then the message.
public struct VersionedTransaction: Hashable, Sendable {
    public var signatures: [Signature]
    public var message: VersionedMessage

    public init(signatures: [Signature], message: VersionedMessage) {
        self.signatures = signatures
        self.message = message
    }

    /// An unsigned transaction with zeroed signature slots, ready for signers.
    public init(unsigned message: VersionedMessage) {
        self.signatures = Array(repeating: .zero, count: Int(message.header.numRequiredSignatures))
        self.message = message
    }

    public func serialize() -> [UInt8] {
        var w = ByteWriter(capacity: TransactionLimits.packetDataSize)
        w.shortVec(signatures.count)
        for s in signatures { w.signature(s) }
        message.write(to: &w)
        return w.bytes
    }

    /// Serializes and enforces the 1,232-byte packet limit.
    public func serializeForSending() throws(PrimitivesError) -> [UInt8] {
        let bytes = serialize()
        guard bytes.count <= TransactionLimits.packetDataSize else {
            throw PrimitivesError(
                .packetTooLarge, "transaction is \(bytes.count) bytes, the limit is \(TransactionLimits.packetDataSize)"
            )
        }
        return bytes
    }

    /// Parses wire bytes (no trailing bytes allowed) and applies the sanitize rules.
    public static func deserialize(_ bytes: [UInt8], sanitize: Bool = true) throws(PrimitivesError)
        -> VersionedTransaction
    {
        var r = ByteReader(bytes)
        let n = try r.shortVec("signature count")
        var sigs: [Signature] = []
        sigs.reserveCapacity(n)
        for _ in 0..<n { sigs.append(try Signature(bytes: r.take(64, "signature"))) }
        let message = try VersionedMessage.read(&r)
        guard r.isAtEnd else { throw PrimitivesError(.trailingBytes, "\(r.remaining) bytes after the transaction") }
        let tx = VersionedTransaction(signatures: sigs, message: message)
        if sanitize { try tx.sanitize() }
        return tx
    }

    /// `VersionedTransaction::sanitize`: the message rules, and exactly one signature per required signer,
    /// all of them static keys.
    public func sanitize() throws(PrimitivesError) {
        try message.sanitize()
        let required = Int(message.header.numRequiredSignatures)
        guard signatures.count == required else {
            throw PrimitivesError(
                .signatureCountMismatch, "\(signatures.count) signatures for \(required) required signers")
        }
        guard signatures.count <= message.staticAccountKeys.count else {
            throw PrimitivesError(.indexOutOfBounds, "more signatures than static account keys")
        }
    }

    /// The transaction id: its first signature.
    public var id: Signature? { signatures.first }
}
