import ArbEngine
import Foundation
import SolanaPrimitives

/// Every setting of `solarb run`, with defaults. Sources are layered: defaults < config file (JSON) <
/// environment (`SOLARB_*`) < command-line flags; each layer is a `RuntimeConfiguration.Overrides` whose set
/// fields replace the ones below. Money is integers: lamports or token base units.
public struct RuntimeConfiguration: Sendable, Hashable {
    /// JSON-RPC endpoints. Empty: start the simulated cluster in-process.
    public var rpcURLs: [String] = []
    /// PubSub endpoint (required with `rpcURLs`).
    public var wsURL: String?
    /// Keypair file (Solana CLI format). Required against a real cluster; made in the run directory otherwise.
    public var keypairPath: String?
    /// Send real transactions to a real cluster. Without it, each transaction is simulated and journaled only.
    public var live = false
    /// Pools to trade (pool state account addresses). Empty: discover with getProgramAccounts.
    public var pools: [Address] = []
    /// Tokens at which cycles start and end.
    public var baseTokens: [Address] = [EngineConfig.wrappedSol]
    /// Capital per base token, in its base units.
    public var capital: [Address: UInt64] = [EngineConfig.wrappedSol: 10 * 1_000_000_000]
    /// Minimum net profit per base token, in its base units (after fees).
    public var minProfit: [Address: UInt64] = [EngineConfig.wrappedSol: 10_000]
    public var slippageBps: UInt64 = 50
    public var maxLegs = 3
    /// Compute-unit price, micro-lamports per CU.
    public var computeUnitPriceMicroLamports: UInt64 = 0
    /// ONNX model for the AI gate; nil = no gate.
    public var modelPath: String?
    /// Trade when the model's score is at least this.
    public var gateThreshold: Double = 0.5
    /// Journal (SQLite) path; default `<runDirectory>/journal.sqlite`.
    public var journalPath: String?
    /// Journal durability: "process" (WAL, synchronous=NORMAL: committed rows survive a process kill, an OS
    /// crash or power loss can lose the last commits; no fsync before sending) or "full" (synchronous=FULL: one
    /// fsync per commit, before every send). See `JournalDurability`.
    public var journalSync = "process"
    /// Where the run keeps its keypair (simulated cluster), journal and logs.
    public var runDirectory = "solarb-run"
    /// Stop after this long (seconds) or this many slots; nil = until SIGINT/SIGTERM.
    public var durationSeconds: Double?
    public var maxSlots: UInt64?
    /// Status line / log line period in seconds.
    public var statusIntervalSeconds: Double = 1
    /// Commitment of the feed and RPC reads.
    public var commitment = "processed"
    /// Simulated cluster only: scenario file (default scenario when nil), slot time, seed.
    public var scenarioPath: String?
    public var slotMilliseconds: UInt64 = 400
    public var seed: UInt64 = 1
    /// The deployed profit-guard program (real cluster). Required to send: every transaction carries it.
    public var guardProgram: Address?

    public init() {}

    /// The fields a layer may set; nil = keep the value below.
    public struct Overrides: Sendable, Hashable, Codable {
        public var rpc: [String]?
        public var ws: String?
        public var keypair: String?
        public var live: Bool?
        public var pools: [String]?
        public var baseTokens: [String]?
        public var capital: [String: UInt64]?
        public var minProfit: [String: UInt64]?
        public var slippageBps: UInt64?
        public var maxLegs: Int?
        public var computeUnitPrice: UInt64?
        public var model: String?
        public var gateThreshold: Double?
        public var journal: String?
        public var journalSync: String?
        public var runDirectory: String?
        public var duration: Double?
        public var slots: UInt64?
        public var statusInterval: Double?
        public var commitment: String?
        public var scenario: String?
        public var slotMs: UInt64?
        public var seed: UInt64?
        public var guardProgram: String?

        public init() {}

        /// Every key the config file may hold.
        public static let keys: Set<String> = [
            "rpc", "ws", "keypair", "live", "pools", "baseTokens", "capital", "minProfit", "slippageBps", "maxLegs",
            "computeUnitPrice", "model", "gateThreshold", "journal", "journalSync", "runDirectory", "duration", "slots",
            "statusInterval", "commitment", "scenario", "slotMs", "seed", "guardProgram",
        ]

        /// Parses a JSON config file's bytes; unknown keys are an error (a typo must not be ignored silently).
        public static func parse(json data: Data, source: String) throws(RuntimeError) -> Overrides {
            let object: Any
            do { object = try JSONSerialization.jsonObject(with: data) } catch {
                throw RuntimeError(.invalidConfiguration, "\(source): not JSON (\(error.localizedDescription))")
            }
            guard let dict = object as? [String: Any] else {
                throw RuntimeError(.invalidConfiguration, "\(source): the top level must be a JSON object")
            }
            if let unknown = dict.keys.filter({ !keys.contains($0) }).sorted().first {
                throw RuntimeError(
                    .invalidConfiguration,
                    "\(source): unknown key \"\(unknown)\" (known: \(keys.sorted().joined(separator: ", ")))")
            }
            do { return try JSONDecoder().decode(Overrides.self, from: data) } catch let DecodingError.typeMismatch(
                _, context)
            {
                throw RuntimeError(.invalidConfiguration, "\(source): \(Self.path(context)): wrong type")
            } catch let DecodingError.dataCorrupted(context) {
                throw RuntimeError(.invalidConfiguration, "\(source): \(Self.path(context)): invalid value")
            } catch {
                throw RuntimeError(.invalidConfiguration, "\(source): \(error)")
            }
        }

        static func path(_ c: DecodingError.Context) -> String {
            c.codingPath.map(\.stringValue).joined(separator: ".")
        }

        /// Reads `SOLARB_*` variables. Lists are comma-separated; maps are `mint=amount,mint=amount`;
        /// booleans are 1/0/true/false/yes/no. A malformed value is an error naming the variable.
        public static func environment(_ env: [String: String]) throws(RuntimeError) -> Overrides {
            var o = Overrides()
            func list(_ k: String) -> [String]? {
                env[k].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
                    .map { $0.filter { !$0.isEmpty } }
            }
            func number<T: FixedWidthInteger>(_ k: String, _: T.Type) throws(RuntimeError) -> T? {
                guard let v = env[k] else { return nil }
                guard let n = T(v.trimmingCharacters(in: .whitespaces)) else {
                    throw RuntimeError(.invalidConfiguration, "\(k)=\(v): not an integer")
                }
                return n
            }
            func real(_ k: String) throws(RuntimeError) -> Double? {
                guard let v = env[k] else { return nil }
                guard let d = Double(v.trimmingCharacters(in: .whitespaces)), d.isFinite else {
                    throw RuntimeError(.invalidConfiguration, "\(k)=\(v): not a number")
                }
                return d
            }
            func map(_ k: String) throws(RuntimeError) -> [String: UInt64]? {
                guard let items = list(k) else { return nil }
                var out: [String: UInt64] = [:]
                for item in items {
                    let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2, let n = UInt64(parts[1]) else {
                        throw RuntimeError(.invalidConfiguration, "\(k): \"\(item)\" is not mint=amount")
                    }
                    out[parts[0]] = n
                }
                return out
            }
            o.rpc = list("SOLARB_RPC")
            o.ws = env["SOLARB_WS"]
            o.keypair = env["SOLARB_KEYPAIR"]
            if let v = env["SOLARB_LIVE"] {
                switch v.lowercased() {
                case "1", "true", "yes": o.live = true
                case "0", "false", "no", "": o.live = false
                default: throw RuntimeError(.invalidConfiguration, "SOLARB_LIVE=\(v): use 1/0, true/false or yes/no")
                }
            }
            o.pools = list("SOLARB_POOLS")
            o.baseTokens = list("SOLARB_BASE_TOKENS")
            o.capital = try map("SOLARB_CAPITAL")
            o.minProfit = try map("SOLARB_MIN_PROFIT")
            o.slippageBps = try number("SOLARB_SLIPPAGE_BPS", UInt64.self)
            o.maxLegs = try number("SOLARB_MAX_LEGS", Int.self)
            o.computeUnitPrice = try number("SOLARB_CU_PRICE", UInt64.self)
            o.model = env["SOLARB_MODEL"]
            o.gateThreshold = try real("SOLARB_GATE_THRESHOLD")
            o.journal = env["SOLARB_JOURNAL"]
            o.journalSync = env["SOLARB_JOURNAL_SYNC"]
            o.runDirectory = env["SOLARB_RUN_DIR"]
            o.duration = try real("SOLARB_DURATION")
            o.slots = try number("SOLARB_SLOTS", UInt64.self)
            o.statusInterval = try real("SOLARB_STATUS_INTERVAL")
            o.commitment = env["SOLARB_COMMITMENT"]
            o.scenario = env["SOLARB_SCENARIO"]
            o.slotMs = try number("SOLARB_SLOT_MS", UInt64.self)
            o.seed = try number("SOLARB_SEED", UInt64.self)
            o.guardProgram = env["SOLARB_GUARD_PROGRAM"]
            return o
        }
    }

    /// Applies one layer on top of this configuration and checks the result's values.
    public mutating func apply(_ o: Overrides, source: String) throws(RuntimeError) {
        func address(_ s: String, _ field: String) throws(RuntimeError) -> Address {
            do { return try Address(base58: s) } catch {
                throw RuntimeError(.invalidConfiguration, "\(source): \(field): \"\(s)\" is not a base58 address")
            }
        }
        func amounts(_ m: [String: UInt64], _ field: String) throws(RuntimeError) -> [Address: UInt64] {
            var out: [Address: UInt64] = [:]
            for (k, v) in m { out[try address(k, field)] = v }
            return out
        }
        if let v = o.rpc { rpcURLs = v }
        if let v = o.ws { wsURL = v.isEmpty ? nil : v }
        if let v = o.keypair { keypairPath = v.isEmpty ? nil : v }
        if let v = o.live { live = v }
        if let v = o.pools {
            var list: [Address] = []
            for s in v { list.append(try address(s, "pools")) }
            pools = list
        }
        if let v = o.baseTokens {
            var list: [Address] = []
            for s in v { list.append(try address(s, "baseTokens")) }
            baseTokens = list
        }
        if let v = o.capital { capital.merge(try amounts(v, "capital")) { _, new in new } }
        if let v = o.minProfit { minProfit.merge(try amounts(v, "minProfit")) { _, new in new } }
        if let v = o.slippageBps {
            guard v <= 10_000 else { throw RuntimeError(.invalidConfiguration, "\(source): slippageBps > 10000") }
            slippageBps = v
        }
        if let v = o.maxLegs {
            guard (2...4).contains(v) else { throw RuntimeError(.invalidConfiguration, "\(source): maxLegs ∉ 2...4") }
            maxLegs = v
        }
        if let v = o.computeUnitPrice { computeUnitPriceMicroLamports = v }
        if let v = o.model { modelPath = v.isEmpty ? nil : v }
        if let v = o.gateThreshold {
            guard v.isFinite else { throw RuntimeError(.invalidConfiguration, "\(source): gateThreshold") }
            gateThreshold = v
        }
        if let v = o.journal { journalPath = v.isEmpty ? nil : v }
        if let v = o.journalSync {
            guard ["process", "full"].contains(v) else {
                throw RuntimeError(.invalidConfiguration, "\(source): journalSync must be process|full")
            }
            journalSync = v
        }
        if let v = o.runDirectory { runDirectory = v }
        if let v = o.duration {
            guard v > 0, v.isFinite else { throw RuntimeError(.invalidConfiguration, "\(source): duration ≤ 0") }
            durationSeconds = v
        }
        if let v = o.slots {
            guard v > 0 else { throw RuntimeError(.invalidConfiguration, "\(source): slots must be > 0") }
            maxSlots = v
        }
        if let v = o.statusInterval {
            guard v > 0, v.isFinite else { throw RuntimeError(.invalidConfiguration, "\(source): statusInterval") }
            statusIntervalSeconds = v
        }
        if let v = o.commitment {
            guard ["processed", "confirmed", "finalized"].contains(v) else {
                throw RuntimeError(.invalidConfiguration, "\(source): commitment must be processed|confirmed|finalized")
            }
            commitment = v
        }
        if let v = o.scenario { scenarioPath = v.isEmpty ? nil : v }
        if let v = o.slotMs {
            guard v >= 1 else { throw RuntimeError(.invalidConfiguration, "\(source): slotMs must be ≥ 1") }
            slotMilliseconds = v
        }
        if let v = o.seed { seed = v }
        if let v = o.guardProgram { guardProgram = v.isEmpty ? nil : try address(v, "guardProgram") }
    }

    /// Consistency checks across fields (after all layers).
    public func validate() throws(RuntimeError) {
        if !rpcURLs.isEmpty {
            guard wsURL != nil else {
                throw RuntimeError(.invalidConfiguration, "--rpc needs --ws (the PubSub endpoint) as well")
            }
            guard keypairPath != nil else {
                throw RuntimeError(.invalidConfiguration, "a real cluster needs --keypair (the wallet that trades)")
            }
        } else if wsURL != nil {
            throw RuntimeError(.invalidConfiguration, "--ws without --rpc")
        }
        if live && rpcURLs.isEmpty {
            throw RuntimeError(.invalidConfiguration, "--live applies to a real cluster (--rpc/--ws/--keypair)")
        }
        for b in baseTokens where (capital[b] ?? 0) == 0 {
            throw RuntimeError(.invalidConfiguration, "base token \(b) has no capital configured")
        }
    }

    /// The engine configuration these settings describe.
    public func engineConfig() -> EngineConfig {
        var c = EngineConfig(baseTokens: baseTokens, capital: capital)
        c.minProfit = minProfit
        c.slippageBps = slippageBps
        c.maxCycleLegs = maxLegs
        c.risk.maxLegs = maxLegs
        c.costs.computeUnitPriceMicroLamports = computeUnitPriceMicroLamports
        // A pool that has not changed for many slots is still exact while the feed is fresh; the runtime gates
        // on the feed's freshness (FeedState) instead of on per-pool age.
        c.risk.maxStaleSlots = .max
        return c
    }
}
