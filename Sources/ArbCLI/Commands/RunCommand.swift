import ArgumentParser

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the bot (not yet able to trade: prints what exists today)."
    )

    func run() async throws {
        print(
            """
            SolArb cannot trade yet. What exists today:
              - Solana primitives: addresses, v0/legacy messages with lookup tables, transactions, PDAs/ATAs,
                System / Compute Budget / SPL Token / ATA / Lookup Table / Memo / Nonce instructions.
              - Keys: Solana CLI keypair files and Ed25519 signing (`solarb keys --help`).
            Not yet built: venues, engine, RPC/WebSocket feeds, simulated cluster, execution. See README "Status".
            """)
    }
}
