import Crypto
import SolanaPrimitives

/// An Ed25519 keypair held in memory. Its description shows only the public key; the secret never leaves
/// except through `writeSolanaCLIFile`.
public struct Keypair: TransactionSigner, CustomStringConvertible, CustomDebugStringConvertible {
    let privateKey: Curve25519.Signing.PrivateKey
    public let address: Address

    /// A fresh random keypair (system CSPRNG).
    public init() {
        let key = Curve25519.Signing.PrivateKey()
        self.privateKey = key
        self.address = try! Address(bytes: key.publicKey.rawRepresentation)  // 32 bytes by construction
    }

    /// From the 32-byte Ed25519 seed (the first half of a Solana CLI keypair file).
    public init(seed: [UInt8]) throws(KeysError) {
        guard seed.count == 32 else {
            throw KeysError(.malformedKeypairFile, "seed must be 32 bytes, got \(seed.count)")
        }
        do {
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
            self.privateKey = key
            self.address = try Address(bytes: key.publicKey.rawRepresentation)
        } catch {
            throw KeysError(.malformedKeypairFile, "seed is not a valid Ed25519 private key")
        }
    }

    /// From the 64 bytes of the Solana CLI format: seed ‖ public key. The public key must match the seed.
    public init(solanaKeypairBytes bytes: [UInt8]) throws(KeysError) {
        guard bytes.count == 64 else {
            throw KeysError(.malformedKeypairFile, "a keypair is 64 bytes, got \(bytes.count)")
        }
        try self.init(seed: Array(bytes[0..<32]))
        guard address.bytes == Array(bytes[32..<64]) else {
            throw KeysError(.publicKeyMismatch, "the public half does not match the secret half (file corrupted?)")
        }
    }

    public func sign(message: ArraySlice<UInt8>) throws -> Signature {
        do {
            // swift-crypto signs the slice's contiguous bytes in place (no copy of the message) and returns the
            // 64 signature bytes as `Data`; read them straight into the inline signature.
            let d = try privateKey.signature(for: message)
            guard d.count == 64 else { throw KeysError(.signingFailed, "signature is \(d.count) bytes") }
            return d.withUnsafeBytes { raw in
                Signature(lo: Bytes32(unchecked: raw, at: 0), hi: Bytes32(unchecked: raw, at: 32))
            }
        } catch {
            throw KeysError(.signingFailed, "Ed25519 signing failed for \(address)")
        }
    }

    /// The 64 secret bytes in Solana CLI order. Only for writing a keypair file; never log them.
    public func solanaKeypairBytes() -> [UInt8] {
        Array(privateKey.rawRepresentation) + address.bytes
    }

    public var description: String { "Keypair(\(address))" }
    public var debugDescription: String { description }
}

/// Ed25519 verification for signatures over messages.
public enum Ed25519 {
    public static func verify(_ signature: Signature, message: [UInt8], publicKey: Address) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey.bytes) else { return false }
        return key.isValidSignature(signature.bytes, for: message)
    }
}
