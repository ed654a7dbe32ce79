import Foundation
import SolanaPrimitives

/// The Solana CLI keypair file: a JSON array of 64 integers (seed ‖ public key).
public enum KeypairFile {
    public struct Permissions: Sendable, Equatable {
        public let mode: Int
        /// True when group or others may read (or write) the file: a secret key should be 0600.
        public var isExposed: Bool { mode & 0o077 != 0 }
    }

    /// Reads a keypair file. `warn` receives a message when the file is readable by others.
    public static func read(path: String, warn: (String) -> Void = { _ in }) throws(KeysError) -> Keypair {
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw KeysError(.fileNotFound, "keypair file not found: \(url.path)")
        }
        if let p = permissions(path: url.path), p.isExposed {
            warn(
                "keypair file \(url.path) is readable by others (mode \(String(p.mode, radix: 8))); run: chmod 600 \(url.path)"
            )
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw KeysError(.unreadable, "cannot read keypair file \(url.path)")
        }
        return try parse(data, source: url.path)
    }

    /// Parses the JSON text. Errors never echo the file's contents.
    public static func parse(_ data: Data, source: String = "keypair") throws(KeysError) -> Keypair {
        guard let any = try? JSONSerialization.jsonObject(with: data), let array = any as? [Any] else {
            throw KeysError(.malformedKeypairFile, "\(source): expected a JSON array of 64 numbers")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for (i, v) in array.enumerated() {
            guard let n = v as? NSNumber, let b = UInt8(exactly: n.doubleValue) else {
                throw KeysError(.malformedKeypairFile, "\(source): element \(i) is not a byte (0…255)")
            }
            bytes.append(b)
        }
        guard bytes.count == 64 else {
            throw KeysError(.malformedKeypairFile, "\(source): expected 64 numbers, found \(bytes.count)")
        }
        defer { bytes.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
        return try Keypair(solanaKeypairBytes: bytes)
    }

    /// Writes the keypair as the Solana CLI does, created with mode 0600. Refuses to overwrite unless asked.
    public static func write(_ keypair: Keypair, path: String, overwrite: Bool = false) throws(KeysError) {
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        if FileManager.default.fileExists(atPath: url.path) && !overwrite {
            throw KeysError(.writeFailed, "\(url.path) exists; refusing to overwrite a keypair")
        }
        var bytes = keypair.solanaKeypairBytes()
        defer { bytes.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
        let text = "[" + bytes.map(String.init).joined(separator: ",") + "]"
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            guard
                FileManager.default.createFile(
                    atPath: url.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            else {
                throw KeysError(.writeFailed, "cannot create \(url.path)")
            }
        } catch let e as KeysError {
            throw e
        } catch {
            throw KeysError(.writeFailed, "cannot write \(url.path)")
        }
    }

    public static func permissions(path: String) -> Permissions? {
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = attrs[.posixPermissions] as? NSNumber
        else { return nil }
        return Permissions(mode: mode.intValue & 0o777)
    }
}
