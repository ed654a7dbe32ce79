import ArbCoordination
import ArbGossip
import ArgumentParser
import Foundation
import Synchronization

/// `solarb gossip …`: run a SWIM/Lifeguard membership node over authenticated UDP, and inspect one.
struct GossipCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gossip",
        abstract: "Gossip membership (SWIM + Lifeguard over HMAC-authenticated UDP): run a node, view a cluster.",
        discussion: "See docs/gossip.md.",
        subcommands: [GossipRunCommand.self, GossipViewCommand.self, GossipKeygenCommand.self]
    )
}

/// Reads a cluster key file (hex or raw bytes). Never prints the contents.
func loadClusterKey(path: String) throws -> ClusterKey {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ValidationError("cannot read key file \(path)")
    }
    if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
        let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0
    {
        FileHandle.standardError.write(
            Data("warning: key file \(path) is readable by group/others (chmod 600 it)\n".utf8))
    }
    return try ClusterKey(fileContents: Array(data))
}

/// One unbuffered line on stdout (log readers see it at once, even through a pipe or file).
func emitLine(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

func parseEndpoints(_ text: String) throws -> [Endpoint] {
    try text.split(separator: ",").map { try Endpoint(parsing: $0.trimmingCharacters(in: .whitespaces)) }
}

struct GossipRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a gossip node until killed; prints one line per membership change.",
        discussion: """
            Line format: `<unix-ms> <self-id> member <id> <endpoint> <previous>-><status> inc=<n> prio=<p>`.
            Authentication rejects are summarised every 5 s (`rejects reason=count …`).
            """
    )

    @Option(help: "This node's id (1…64 of [A-Za-z0-9._:-]).") var id: String
    @Option(help: "Address to bind (loopback by default).") var bind = "127.0.0.1:7946"
    @Option(help: "Comma-separated seed peers, host:port.") var peers = ""
    @Option(help: "File holding the cluster key (hex, or ≥16 raw bytes). Never printed.") var keyFile: String
    @Option(help: "Ownership priority this node advertises.") var priority: UInt32 = 100
    @Option(help: "Probe period in ms.") var probeIntervalMs: Int64 = 200
    @Option(help: "Direct probe timeout in ms.") var probeTimeoutMs: Int64 = 100
    @Option(help: "Allowed clock skew in ms.") var maxSkewMs: Int64 = 5_000
    @Option(help: .hidden) var faultDropRate: Double = 0
    @Option(help: .hidden) var faultBlockFile: String?

    func run() async throws {
        let key = try loadClusterKey(path: keyFile)
        var config = GossipNodeConfiguration(id: try NodeID(id))
        config.bind = try Endpoint(parsing: bind)
        config.peers = try parseEndpoints(peers)
        config.priority = priority
        config.swim.probeIntervalMillis = probeIntervalMs
        config.swim.probeTimeoutMillis = probeTimeoutMs
        config.authentication.maxClockSkewMillis = maxSkewMs
        config.faultInboundDropRate = faultDropRate
        config.faultBlockFile = faultBlockFile
        if faultDropRate > 0 || faultBlockFile != nil {
            emitLine("fault injection ON (test hook): drop-rate=\(faultDropRate) block-file=\(faultBlockFile ?? "-")")
        }
        let selfID = id
        let rejects = RejectCounts()
        let node = try await GossipNode.start(configuration: config, key: key) { event in
            switch event {
            case .memberChanged(let m, let previous, let at):
                emitLine(
                    "\(at) \(selfID) member \(m.id) \(m.endpoint) \(previous.map { "\($0)" } ?? "new")->\(m.status) "
                        + "inc=\(m.incarnation) prio=\(m.priority)")
            case .rejected(let code):
                rejects.counts.withLock { $0[code, default: 0] += 1 }
            }
        }
        emitLine(
            "gossip node \(selfID) listening on \(node.localEndpoint.map { "\($0)" } ?? bind) "
                + "peers=\(config.peers.count) key-fingerprint=\(key.fingerprint)")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await node.waitUntilClosed() }
            group.addTask {
                var reported: [CoordinationError.Code: Int] = [:]
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(5))
                    let now = rejects.counts.withLock { $0 }
                    if now != reported {
                        reported = now
                        emitLine(
                            "rejects "
                                + now.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }
}

final class RejectCounts: Sendable {
    let counts = Mutex<[CoordinationError.Code: Int]>([:])
}

struct GossipViewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Ask a running node for its membership table (one authenticated UDP request).")

    @Option(help: "The node to ask, host:port.") var target = "127.0.0.1:7946"
    @Option(help: "File holding the cluster key.") var keyFile: String
    @Option(help: "How long to wait for the answer, ms.") var timeoutMs: Int64 = 1_000

    func run() async throws {
        let key = try loadClusterKey(path: keyFile)
        let view = try await GossipViewClient.query(
            target: try Endpoint(parsing: target), key: key, timeoutMillis: timeoutMs)
        print("view of \(view.responder) (inc \(view.responderIncarnation)), \(view.members.count) members")
        let header = ["ID", "ENDPOINT", "STATUS", "INCARNATION", "PRIORITY"]
        let rows = view.members.map { m in
            [m.id.rawValue, m.endpoint.description, m.status.description, "\(m.incarnation)", "\(m.priority)"]
        }
        let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
        for row in [header] + rows {
            print(
                row.enumerated().map { i, cell in cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                    .joined(separator: "  "))
        }
    }
}

struct GossipKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a fresh 32-byte cluster key (hex) to a file with mode 0600; prints only its fingerprint.")

    @Option(help: "Where to write the key.") var out: String
    @Flag(help: "Overwrite an existing file.") var force = false

    func run() throws {
        if FileManager.default.fileExists(atPath: out), !force {
            throw ValidationError("\(out) exists (use --force to overwrite)")
        }
        var rng = SystemRandomNumberGenerator()
        let hex = ClusterKey.generateHex(using: &rng)
        guard
            FileManager.default.createFile(
                atPath: out, contents: Data((hex + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw ValidationError("cannot write \(out)") }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: out)
        let key = try ClusterKey(fileContents: Array(hex.utf8))
        print("wrote cluster key to \(out) (fingerprint \(key.fingerprint))")
    }
}
