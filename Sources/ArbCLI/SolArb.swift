import ArgumentParser

/// `solarb` — the SolArb command line. Each subcommand lives in `Commands/<Name>Command.swift`.
@main
struct SolArb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solarb",
        abstract: "SolArb: a Solana DEX arbitrage bot (Raydium, Orca Whirlpool, Meteora DLMM) with exact integer math.",
        discussion: """
            Start with `solarb run` (today it reports what exists; see README "Status").
            Every command explains itself with --help.
            """,
        version: "0.1.0",
        subcommands: [
            RunCommand.self,
            KeysCommand.self,
            TxCommand.self,
            BenchCommand.self,
            GuardCommand.self,
            GossipCommand.self,
            FeaturesCommand.self, ModelCommand.self,
            PoolCommand.self,
            LocalnetCommand.self,
            RPCCommand.self,
            ReportCommand.self,
        ]
    )
}
