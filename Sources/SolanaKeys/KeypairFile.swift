import Foundation
import SolanaPrimitives

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

    /// Writes the keypair as the Solana CLI does. The file is CREATED with mode 0600 (`open(O_CREAT | O_EXCL,
    /// 0600)` then `fchmod` 0600, whatever the umask), so the secret is never on disk with wider permissions, not
    /// even for an instant, and an existing file (or a symlink planted at the path) is never followed. Without
    /// `overwrite` an existing file is refused atomically (O_EXCL); with it, a fresh 0600 temporary file is
    /// renamed over the old one. The file is fsynced before it is used.
    public static func write(_ keypair: Keypair, path: String, overwrite: Bool = false) throws(KeysError) {
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        var bytes = keypair.solanaKeypairBytes()
        var text: [UInt8] = []
        defer {
            bytes.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            text.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        text.reserveCapacity(64 * 4 + 2)
        text.append(UInt8(ascii: "["))
        for (i, b) in bytes.enumerated() {
            if i > 0 { text.append(UInt8(ascii: ",")) }
            text.append(contentsOf: String(b).utf8)
        }
        text.append(UInt8(ascii: "]"))
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw KeysError(.writeFailed, "cannot create the directory of \(url.path)")
        }
        if !overwrite {
            try createExclusive(url.path, text)
            return
        }
        let temporary = url.path + ".tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        try createExclusive(temporary, text)
        guard rename(temporary, url.path) == 0 else {
            unlink(temporary)
            throw KeysError(.writeFailed, "cannot replace \(url.path) (errno \(errno))")
        }
    }

    /// Creates `path` (which must not exist) with mode 0600 and writes `contents`; removes it on failure.
    static func createExclusive(_ path: String, _ contents: [UInt8]) throws(KeysError) {
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw KeysError(.writeFailed, "\(path) exists; refusing to overwrite a keypair") }
            throw KeysError(.writeFailed, "cannot create \(path) (errno \(errno))")
        }
        var ok = fchmod(fd, 0o600) == 0
        var written = 0
        while ok && written < contents.count {
            let n = contents.withUnsafeBytes { posixWrite(fd, $0.baseAddress! + written, contents.count - written) }
            if n > 0 { written += n } else if n < 0 && errno == EINTR { continue } else { ok = false }
        }
        ok = ok && fsync(fd) == 0
        ok = close(fd) == 0 && ok
        guard ok else {
            unlink(path)
            throw KeysError(.writeFailed, "cannot write \(path)")
        }
    }

    public static func permissions(path: String) -> Permissions? {
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = attrs[.posixPermissions] as? NSNumber
        else { return nil }
        return Permissions(mode: mode.intValue & 0o777)
    }
}

/// `write(2)` (inside `KeypairFile`, `write` names its own method).
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
        Glibc.write(fd, buffer, count)
    #else
        Darwin.write(fd, buffer, count)
    #endif
}
