/// The feature schema of an arbitrage opportunity, owned by Swift. The engine fills an
/// `OpportunityFeatures` vector in this order; the Python side (`ml/`) reads this schema as JSON
/// (`solarb features schema`) and never redefines it. A model carries `version` in its ONNX
/// `metadata_props` (key `FeatureSchema.metadataKey`) and `ArbInference` refuses a model whose version differs.
///
/// Change rules: any change to names, order, types or meaning bumps `version`.
public enum FeatureSchema {
    /// Bump on ANY change to the feature list (names, order, units, meaning).
    public static let version = 1
    /// The ONNX `metadata_props` key that carries the schema version a model was trained with.
    public static let metadataKey = "solarb.feature_schema_version"
    /// The ONNX `metadata_props` key that says which data source trained a model (`synthetic-generator`, `journal:<path>`).
    public static let dataSourceKey = "solarb.training_data_source"

    /// How a feature's number is to be read. Every feature is carried as a float32 on the hot path.
    public enum Kind: String, Sendable, CaseIterable {
        /// A real-valued measurement.
        case continuous
        /// A non-negative integer count stored as float32 (exact below 2^24).
        case count
        /// A small integer code from `VenueKindCode` (or another listed code table).
        case categorical
    }

    /// One feature: its position in the vector, name, unit and the range a healthy opportunity normally shows
    /// (used by the dataset generator and parity edge cases; values outside it are legal inputs).
    public struct Feature: Sendable, Hashable {
        public let index: Int
        public let name: String
        public let kind: Kind
        public let unit: String
        public let typicalMin: Double
        public let typicalMax: Double
        public let summary: String
    }

    /// Venue kinds as categorical codes (0 = no leg at this position).
    public enum VenueKindCode: Int, Sendable, CaseIterable {
        case none = 0
        case constantProduct = 1  // Raydium AMM v4 / CPMM
        case concentratedLiquidity = 2  // Orca Whirlpool, Raydium CLMM
        case liquidityBook = 3  // Meteora DLMM
    }

    /// The features, in vector order.
    public static let features: [Feature] = {
        var list: [Feature] = []
        func add(_ name: String, _ kind: Kind, _ unit: String, _ lo: Double, _ hi: Double, _ summary: String) {
            list.append(
                Feature(
                    index: list.count, name: name, kind: kind, unit: unit, typicalMin: lo, typicalMax: hi,
                    summary: summary))
        }
        add("spread_bps", .continuous, "bps", -50, 300, "gross price dislocation around the cycle before fees")
        add("cycle_length", .count, "legs", 2, 4, "number of swaps in the cycle")
        add("leg0_venue_kind", .categorical, "VenueKindCode", 1, 3, "venue kind of the first leg")
        add("leg1_venue_kind", .categorical, "VenueKindCode", 1, 3, "venue kind of the second leg")
        add("leg2_venue_kind", .categorical, "VenueKindCode", 0, 3, "venue kind of the third leg (0 = none)")
        add("input_size_sol", .continuous, "SOL", 0.01, 500, "size of the input leg in SOL equivalent")
        add("expected_profit_bps", .continuous, "bps", -20, 200, "quoted net profit relative to the input size")
        add("expected_profit_lamports", .continuous, "lamports", -1e6, 5e7, "quoted net profit after fees and tip")
        add("leg0_depth_sol", .continuous, "SOL", 1, 1e5, "liquidity within 1% of price on the first leg")
        add("leg1_depth_sol", .continuous, "SOL", 1, 1e5, "liquidity within 1% of price on the second leg")
        add("leg2_depth_sol", .continuous, "SOL", 0, 1e5, "liquidity within 1% of price on the third leg (0 = none)")
        add("min_depth_ratio", .continuous, "ratio", 0, 1, "input size divided by the smallest leg depth")
        add("max_pool_age_slots", .count, "slots", 0, 64, "age of the stalest pool state used by the quote")
        add("mean_pool_age_slots", .continuous, "slots", 0, 32, "mean age of the pool states used by the quote")
        add("volatility_bps", .continuous, "bps", 0, 500, "realized volatility of the cycle's prices over 150 slots")
        add("priority_fee_level", .continuous, "micro-lamports/CU", 0, 1e6, "current priority fee level we would pay")
        add("compute_units", .count, "CU", 1e5, 1.4e6, "estimated compute units of the transaction")
        add("tip_lamports", .continuous, "lamports", 0, 1e7, "bundle tip we would pay")
        add("leader_slot_phase", .count, "slot", 0, 3, "position of the current slot in the leader's 4-slot window")
        add("recent_land_rate", .continuous, "ratio", 0, 1, "fraction of our last 100 submitted trades that landed")
        return list
    }()

    public static var count: Int { OpportunityFeatures.count }

    /// Index of a feature by name, or nil.
    public static func index(of name: String) -> Int? {
        features.first { $0.name == name }?.index
    }

    /// The schema as JSON (stable key order, one feature per line), for `solarb features schema` and `ml/`.
    public static func json() -> String {
        var out = "{\n"
        out += "  \"schema\": \"solarb.opportunity_features\",\n"
        out += "  \"version\": \(version),\n"
        out += "  \"metadata_key\": \(jsonString(metadataKey)),\n"
        out += "  \"data_source_key\": \(jsonString(dataSourceKey)),\n"
        out += "  \"dtype\": \"float32\",\n"
        out += "  \"count\": \(features.count),\n"
        out += "  \"venue_kind_codes\": {"
        out += VenueKindCode.allCases.map { "\(jsonString("\($0)")): \($0.rawValue)" }.joined(separator: ", ")
        out += "},\n"
        out += "  \"features\": [\n"
        out += features.map { f in
            "    {\"index\": \(f.index), \"name\": \(jsonString(f.name)), \"kind\": \(jsonString(f.kind.rawValue)), "
                + "\"type\": \"float32\", \"unit\": \(jsonString(f.unit)), "
                + "\"typical_min\": \(jsonNumber(f.typicalMin)), \"typical_max\": \(jsonNumber(f.typicalMax)), "
                + "\"summary\": \(jsonString(f.summary))}"
        }.joined(separator: ",\n")
        out += "\n  ]\n}\n"
        return out
    }

    static func jsonNumber(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
