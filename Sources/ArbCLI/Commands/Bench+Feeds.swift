import ArbFeeds
import ArbRPC
import ArbState
import ArgumentParser
import Foundation
import SolanaPrimitives

/// `solarb bench feeds`: accountNotification JSON → decoded account bytes in the store, per message, against
/// Python (orjson + base64 into a dict store) on the same messages in the same run.
struct BenchFeeds: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feeds",
        abstract: "accountNotification JSON → account bytes in the store, per message; ratio vs Python orjson+base64.")

    @Option(help: "Messages per round.") var messages = 20_000
    @Option(help: "Rounds (the best round is reported, for both sides).") var rounds = 7
    @Option(help: "Python interpreter with orjson (default: scripts/venv.sh bench/feeds from the repository root).")
    var python: String?
    @Flag(help: "Skip the Python reference.") var swiftOnly = false

    /// Real account sizes: Whirlpool 653, Raydium AMM v4 752, Raydium CLMM PoolState 1544, Meteora DLMM LbPair 904,
    /// SPL token account 165, a tick array 9988.
    static let sizes = [653, 752, 1544, 904, 165, 165, 653, 9988]

    func run() async throws {
        let owner: Address = Address("whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc")
        var rng = BenchRNG(seed: 0xfeed)
        let accountCount = 64
        let addresses = (0..<accountCount).map { k -> Address in
            Address(raw: try! Bytes32(bytes: (0..<32).map { _ in UInt8(truncatingIfNeeded: rng.next()) }))
        }
        let subscriptionBase: UInt64 = 4000
        var texts: [String] = []
        texts.reserveCapacity(messages)
        var totalBytes = 0
        for i in 0..<messages {
            let k = Int(rng.next() % UInt64(accountCount))
            let size = Self.sizes[k % Self.sizes.count]
            let data = (0..<size).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            totalBytes += size
            let slot = 300_000_000 + UInt64(i / 8)
            texts.append(
                #"{"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":\#(slot)},"value":{"lamports":\#(2_039_280 + k),"data":["\#(Base64.encode(data))","base64"],"owner":"\#(owner.base58)","executable":false,"rentEpoch":18446744073709551615,"space":\#(size)}},"subscription":\#(subscriptionBase + UInt64(k))}}"#
            )
        }
        var subs: [UInt64: Address] = [:]
        for (k, a) in addresses.enumerated() { subs[subscriptionBase + UInt64(k)] = a }

        // Swift: decode + FeedState.apply (the feed's per-message work, lock and update stream included)
        var best = Duration.seconds(1_000_000)
        var applied = 0
        var heldBytes = 0
        let clock = ContinuousClock()
        for _ in 0..<rounds {
            let state = FeedState(buffering: .bufferingNewest(1))
            var decoder = PubSubDecoder()
            applied = 0
            let t = try clock.measure {
                for text in texts {
                    guard case .account(let sub, let slot, let account) = try decoder.decode(text),
                        let address = subs[sub]
                    else { throw ValidationError("unexpected message") }
                    if state.apply(account.update(address: address, slot: slot, source: .subscription)) == .applied {
                        applied += 1
                    }
                }
            }
            best = min(best, t)
            heldBytes = state.snapshot().entries.values.reduce(0) { $0 + ($1.account?.data.count ?? 0) }
        }
        let swiftNs = Double(best.nanosecondsCount) / Double(messages)
        let mb = Double(totalBytes) / 1_048_576
        print(
            "messages: \(messages) (avg account \(totalBytes / messages) B, \(String(format: "%.1f", mb)) MiB of account data per round), rounds: \(rounds)"
        )
        print(
            String(
                format: "swift  (PubSubDecoder + FeedState.apply): %8.0f ns/message  %7.0f MiB/s", swiftNs,
                mb / (Double(best.nanosecondsCount) / 1e9)))
        guard !swiftOnly else { return }

        // Python on the same messages
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("solarb-bench-feeds-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("messages.jsonl")
        let header =
            "{" + subs.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value.base58)\"" }.joined(separator: ",")
            + "}"
        try ([header] + texts).joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let py = try python ?? Self.shell("scripts/venv.sh bench/feeds")
        let out = try Self.shell("\(py) bench/feeds/bench_feeds.py \(file.path) \(rounds)")
        guard let json = try? JSONValue.parse(out), let pyNs = json["ns_per_message"]?.double,
            let pyBytes = json["bytes"]?.uint64
        else {
            throw ValidationError("python reference printed: \(out)")
        }
        // both sides must end with the same store (same accounts, same bytes)
        guard pyBytes == UInt64(heldBytes) else {
            throw ValidationError("stores differ: python holds \(pyBytes) bytes, swift \(heldBytes)")
        }
        print(String(format: "python (orjson.loads + base64.b64decode + dict): %8.0f ns/message", pyNs))
        print(String(format: "ratio python/swift: %.2fx (>1 means Swift is faster)", pyNs / swiftNs))
    }

    static func shell(_ command: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", command]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw ValidationError("`\(command)` failed (\(p.terminationStatus))") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct BenchRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Duration {
    var nanosecondsCount: Int64 {
        let (s, atto) = components
        return s * 1_000_000_000 + atto / 1_000_000_000
    }
}
