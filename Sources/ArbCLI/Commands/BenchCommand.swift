import ArgumentParser

/// `solarb bench <area>`: reproducible micro-benchmarks printed as ratios against a reference measured in the
/// same run. Each area lives in `Bench+<Area>.swift`.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure hot paths, reported as ratios against a reference measured in the same run.",
        subcommands: [
            BenchTxCommand.self,
            BenchGossipSimCommand.self,
            InferenceBench.self,
            BenchQuotes.self,
            BenchFeeds.self,
            BenchEngineCommand.self,
            BenchSimClusterCommand.self,
        ]
    )
}
