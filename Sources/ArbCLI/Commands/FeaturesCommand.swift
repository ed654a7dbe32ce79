import ArbFeatures
import ArgumentParser

/// `solarb features schema`: the opportunity feature schema (names, order, types, version) as JSON.
/// The Python side (`ml/`) reads this and never redefines features.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "The AI gate's feature schema, owned by Swift.",
        subcommands: [Schema.self]
    )

    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print the feature schema as JSON (version \(FeatureSchema.version), \(FeatureSchema.count) float32 features)."
        )

        func run() throws {
            print(FeatureSchema.json(), terminator: "")
        }
    }
}
