import ArbVenues
import Foundation

/// A market scenario: tokens with fair prices and their price process, pools, agents, seed and slot time.
/// Loaded from JSON (`Scenario.load`) with strict validation: unknown keys, wrong types and out-of-range values
/// are a `ScenarioError` naming the field (`pools[3].feeBps`). All amounts are integers (micro-USD, bps,
/// lamports); USD amounts are written as decimal strings ("150.25") in the file.
public struct Scenario: Sendable, Hashable, Codable {
    public var name: String?
    public var seed: UInt64
    public var slotMilliseconds: UInt64
    /// Tokens that cycles start and end in (ground truth and searchers). Symbols from `tokens`.
    public var baseTokens: [String]
    public var tokens: [Token]
    public var pools: [Pool]
    public var noiseTraders: NoiseTraders?
    public var searchers: Searchers?

    public struct Token: Sendable, Hashable, Codable {
        public var symbol: String
        public var decimals: UInt8
        /// Initial fair price of one whole token: `price` ("150.25", USD) or `priceMicroUsd` (integer).
        public var price: USD?
        public var priceMicroUsd: UInt64?
        /// Random walk: standard deviation of the per-slot move, in bps (0 = pegged).
        public var volatilityBps: UInt64?
        /// Probability of a jump per slot, in bps, and its size in bps (up or down with equal probability).
        public var jumpProbabilityBps: UInt64?
        public var jumpBps: UInt64?

        public var initialPriceMicroUsd: UInt64 { priceMicroUsd ?? price?.micro ?? 0 }
    }

    public struct Pool: Sendable, Hashable, Codable {
        public var kind: VenueKind
        /// Two token symbols: token A (base of the pool's price) and token B.
        public var pair: [String]
        public var feeBps: UInt64
        /// Value of each side of the pool at the fair price, in USD.
        public var depthUsd: USD
        /// Concentrated-liquidity pools (CLMM, Whirlpool, DLMM): half-width of the liquidity range around the
        /// fair price, in bps (default 2,000 = ±20 %).
        public var rangeBps: UInt64?
    }

    public struct NoiseTraders: Sendable, Hashable, Codable {
        public var count: Int
        public var swapsPerSlot: Int
        /// Trade size in USD, log-uniform between the two.
        public var minSizeUsd: USD
        public var maxSizeUsd: USD
        /// Share (percent) of trades that go the way that moves the pool towards the fair price; the rest are
        /// random, so pools wander and drift apart.
        public var towardFairPercent: UInt64?
        /// Compute-unit price of their transactions (micro-lamports), drawn uniformly in [0, this].
        public var maxPriorityMicroLamports: UInt64?
    }

    public struct Searchers: Sendable, Hashable, Codable {
        public var count: Int
        /// How stale their view is: they act on the pool states of `latencySlots` slots ago (or
        /// ceil(latencyMs / slotMilliseconds) slots when `latencyMs` is given).
        public var latencySlots: UInt64?
        public var latencyMs: UInt64?
        /// The anchor-like fixed grid: exactly three input sizes in USD, ascending; the best one is sent.
        public var gridUsd: [USD]
        /// Fixed compute-unit price (micro-lamports) and Jito tip (lamports; > 0 sends a bundle with a tip).
        public var priorityMicroLamports: UInt64
        public var tipLamports: UInt64?
        /// Minimum expected profit at the fair price to act.
        public var minProfitUsd: USD?
    }

    /// Latency in slots for a given slot time.
    public var searcherLatencySlots: UInt64 {
        guard let s = searchers else { return 0 }
        if let ms = s.latencyMs { return (ms + slotMilliseconds - 1) / slotMilliseconds }
        return s.latencySlots ?? 0
    }

    public func token(_ symbol: String) -> Token? { tokens.first { $0.symbol == symbol } }
}

/// A USD amount as integer micro-USD, written in JSON as a decimal string with at most 6 decimals ("150.25").
public struct USD: Sendable, Hashable, Codable, Comparable, ExpressibleByStringLiteral {
    public var micro: UInt64

    public init(micro: UInt64) { self.micro = micro }

    public init(stringLiteral value: String) {
        guard let m = Self.parse(value) else { preconditionFailure("invalid USD literal \(value)") }
        micro = m
    }

    /// "123", "0.5", "1234.000001"; no sign, exponent or more than 6 decimals.
    public static func parse(_ text: String) -> UInt64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit)
        else { return nil }
        var frac = parts.count == 2 ? String(parts[1]) : ""
        guard frac.count <= 6, frac.allSatisfy(\.isASCIIDigit), parts.count == 1 || !frac.isEmpty else { return nil }
        frac += String(repeating: "0", count: 6 - frac.count)
        guard let w = UInt64(whole), let f = UInt64(frac) else { return nil }
        let (m, o1) = w.multipliedReportingOverflow(by: 1_000_000)
        let (t, o2) = m.addingReportingOverflow(f)
        return o1 || o2 ? nil : t
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let m = Self.parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "\"\(text)\" is not a USD amount (a decimal string such as \"150.25\")")
        }
        micro = m
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public var description: String {
        let frac = micro % 1_000_000
        if frac == 0 { return String(micro / 1_000_000) }
        var f = String(frac)
        f = String(repeating: "0", count: 6 - f.count) + f
        while f.hasSuffix("0") { f.removeLast() }
        return "\(micro / 1_000_000).\(f)"
    }

    public static func < (a: USD, b: USD) -> Bool { a.micro < b.micro }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

/// A scenario that cannot be used, with the offending field (`tokens[2].decimals`; empty for the whole file).
public struct ScenarioError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let raw: String
        public static let malformedJSON = Code(raw: "malformedJSON")
        public static let missingField = Code(raw: "missingField")
        public static let unknownField = Code(raw: "unknownField")
        public static let wrongType = Code(raw: "wrongType")
        public static let invalidValue = Code(raw: "invalidValue")
        public static let unknownToken = Code(raw: "unknownToken")
        public static let duplicate = Code(raw: "duplicate")
        public var description: String { raw }
    }
    public var code: Code
    /// Path of the field, e.g. `pools[3].feeBps`.
    public var field: String
    public var message: String

    public init(_ code: Code, field: String, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { "scenario: \(field.isEmpty ? "file" : field): \(code): \(message)" }
}

extension Scenario {
    /// Keys allowed at each level (strict: anything else is `unknownField`).
    static let allowedKeys: [String: Set<String>] = [
        "": [
            "name", "seed", "slotMilliseconds", "baseTokens", "tokens", "pools", "noiseTraders", "searchers",
        ],
        "tokens": ["symbol", "decimals", "price", "priceMicroUsd", "volatilityBps", "jumpProbabilityBps", "jumpBps"],
        "pools": ["kind", "pair", "feeBps", "depthUsd", "rangeBps"],
        "noiseTraders": [
            "count", "swapsPerSlot", "minSizeUsd", "maxSizeUsd", "towardFairPercent", "maxPriorityMicroLamports",
        ],
        "searchers": [
            "count", "latencySlots", "latencyMs", "gridUsd", "priorityMicroLamports", "tipLamports", "minProfitUsd",
        ],
    ]

    /// Parses and validates a scenario file's bytes.
    public static func load(_ data: Data) throws(ScenarioError) -> Scenario {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw ScenarioError(.malformedJSON, field: "", "not valid JSON")
        }
        guard let top = object as? [String: Any] else {
            throw ScenarioError(.wrongType, field: "", "the scenario must be a JSON object")
        }
        try checkKeys(top, level: "", path: "")
        for level in ["tokens", "pools"] {
            for (i, element) in (top[level] as? [Any] ?? []).enumerated() {
                if let o = element as? [String: Any] { try checkKeys(o, level: level, path: "\(level)[\(i)]") }
            }
        }
        for level in ["noiseTraders", "searchers"] {
            if let o = top[level] as? [String: Any] { try checkKeys(o, level: level, path: level) }
        }
        let scenario: Scenario
        do { scenario = try JSONDecoder().decode(Scenario.self, from: data) } catch let e as DecodingError {
            throw map(e)
        } catch {
            throw ScenarioError(.malformedJSON, field: "", "\(error)")
        }
        try scenario.validate()
        return scenario
    }

    public static func load(path: String) throws -> Scenario {
        try load(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func checkKeys(_ o: [String: Any], level: String, path: String) throws(ScenarioError) {
        let allowed = allowedKeys[level] ?? []
        if let bad = o.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw ScenarioError(
                .unknownField, field: path.isEmpty ? bad : "\(path).\(bad)",
                "unknown field (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        var out = ""
        for k in keys {
            if let i = k.intValue {
                out += "[\(i)]"
            } else {
                out += out.isEmpty ? k.stringValue : "." + k.stringValue
            }
        }
        return out
    }

    static func map(_ e: DecodingError) -> ScenarioError {
        switch e {
        case .keyNotFound(let key, let ctx):
            return ScenarioError(.missingField, field: path(ctx.codingPath + [key]), "required field is missing")
        case .typeMismatch(let type, let ctx):
            return ScenarioError(.wrongType, field: path(ctx.codingPath), "expected \(type)")
        case .valueNotFound(let type, let ctx):
            return ScenarioError(.wrongType, field: path(ctx.codingPath), "expected \(type), found null")
        case .dataCorrupted(let ctx):
            return ScenarioError(
                ctx.codingPath.isEmpty ? .malformedJSON : .invalidValue, field: path(ctx.codingPath),
                ctx.debugDescription)
        @unknown default:
            return ScenarioError(.malformedJSON, field: "", "\(e)")
        }
    }

    /// Range and consistency checks (decoding already checked presence and types).
    public func validate() throws(ScenarioError) {
        func bad(_ field: String, _ m: String) -> ScenarioError { ScenarioError(.invalidValue, field: field, m) }
        guard (1...60_000).contains(slotMilliseconds) else { throw bad("slotMilliseconds", "must be 1…60000") }
        guard !tokens.isEmpty else { throw bad("tokens", "at least one token is required") }
        var symbols = Set<String>()
        for (i, t) in tokens.enumerated() {
            let p = "tokens[\(i)]"
            guard !t.symbol.isEmpty, t.symbol.count <= 16 else { throw bad("\(p).symbol", "1 to 16 characters") }
            guard symbols.insert(t.symbol).inserted else {
                throw ScenarioError(.duplicate, field: "\(p).symbol", "token \(t.symbol) is listed twice")
            }
            guard t.decimals <= 12 else { throw bad("\(p).decimals", "at most 12") }
            guard t.symbol != "SOL" || t.decimals == 9 else {
                throw bad("\(p).decimals", "SOL is the native mint: 9 decimals")
            }
            switch (t.price, t.priceMicroUsd) {
            case (nil, nil):
                throw ScenarioError(.missingField, field: "\(p).price", "give price (USD string) or priceMicroUsd")
            case (.some, .some):
                throw bad("\(p).price", "give either price or priceMicroUsd, not both")
            default: break
            }
            guard t.initialPriceMicroUsd > 0, t.initialPriceMicroUsd <= 1_000_000_000_000_000 else {
                throw bad(t.price != nil ? "\(p).price" : "\(p).priceMicroUsd", "must be > 0 and at most 1e12 USD")
            }
            guard (t.volatilityBps ?? 0) <= 1_000 else { throw bad("\(p).volatilityBps", "at most 1000 bps per slot") }
            guard (t.jumpProbabilityBps ?? 0) <= 10_000 else { throw bad("\(p).jumpProbabilityBps", "at most 10000") }
            guard (t.jumpBps ?? 0) <= 5_000 else { throw bad("\(p).jumpBps", "at most 5000 bps") }
        }
        guard !baseTokens.isEmpty else { throw bad("baseTokens", "at least one base token is required") }
        for (i, b) in baseTokens.enumerated() where !symbols.contains(b) {
            throw ScenarioError(.unknownToken, field: "baseTokens[\(i)]", "\(b) is not in tokens")
        }
        guard Set(baseTokens).count == baseTokens.count else {
            throw ScenarioError(.duplicate, field: "baseTokens", "a base token is listed twice")
        }
        guard !pools.isEmpty else { throw bad("pools", "at least one pool is required") }
        for (i, pool) in pools.enumerated() {
            let p = "pools[\(i)]"
            guard pool.pair.count == 2 else { throw bad("\(p).pair", "exactly two token symbols") }
            for (j, s) in pool.pair.enumerated() where !symbols.contains(s) {
                throw ScenarioError(.unknownToken, field: "\(p).pair[\(j)]", "\(s) is not in tokens")
            }
            guard pool.pair[0] != pool.pair[1] else { throw bad("\(p).pair", "the two tokens must differ") }
            guard (1...1_000).contains(pool.feeBps) else { throw bad("\(p).feeBps", "must be 1…1000 bps") }
            guard pool.depthUsd.micro >= 1_000_000, pool.depthUsd.micro <= 10_000_000_000 * 1_000_000 else {
                throw bad("\(p).depthUsd", "must be 1 USD … 10 billion USD")
            }
            if let r = pool.rangeBps {
                guard [.raydiumClmm, .orcaWhirlpool, .meteoraDlmm].contains(pool.kind) else {
                    throw bad("\(p).rangeBps", "only concentrated-liquidity pools (CLMM, Whirlpool, DLMM) have a range")
                }
                guard (10...9_000).contains(r) else { throw bad("\(p).rangeBps", "must be 10…9000 bps") }
            }
        }
        if let n = noiseTraders {
            guard (0...1_000).contains(n.count) else { throw bad("noiseTraders.count", "must be 0…1000") }
            guard (0...100).contains(n.swapsPerSlot) else { throw bad("noiseTraders.swapsPerSlot", "must be 0…100") }
            guard n.minSizeUsd.micro > 0 else { throw bad("noiseTraders.minSizeUsd", "must be > 0") }
            guard n.minSizeUsd <= n.maxSizeUsd else { throw bad("noiseTraders.maxSizeUsd", "must be ≥ minSizeUsd") }
            guard (n.towardFairPercent ?? 0) <= 100 else { throw bad("noiseTraders.towardFairPercent", "0…100") }
            guard (n.maxPriorityMicroLamports ?? 0) <= 10_000_000_000 else {
                throw bad("noiseTraders.maxPriorityMicroLamports", "at most 1e10")
            }
        }
        if let s = searchers {
            guard (0...100).contains(s.count) else { throw bad("searchers.count", "must be 0…100") }
            guard s.latencySlots == nil || s.latencyMs == nil else {
                throw bad("searchers.latencyMs", "give either latencySlots or latencyMs, not both")
            }
            guard searcherLatencySlots <= 1_000 else { throw bad("searchers.latencySlots", "at most 1000 slots") }
            guard s.gridUsd.count == 3 else { throw bad("searchers.gridUsd", "exactly three sizes (anchor-like grid)") }
            for i in 0..<3 where s.gridUsd[i].micro == 0 || (i > 0 && s.gridUsd[i] <= s.gridUsd[i - 1]) {
                throw bad("searchers.gridUsd[\(i)]", "sizes must be > 0 and strictly ascending")
            }
            guard s.priorityMicroLamports <= 10_000_000_000 else {
                throw bad("searchers.priorityMicroLamports", "at most 1e10")
            }
            guard (s.tipLamports ?? 0) <= 1_000_000_000_000 else { throw bad("searchers.tipLamports", "at most 1e12") }
        }
    }
}
