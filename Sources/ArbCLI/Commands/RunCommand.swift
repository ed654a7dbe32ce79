import ArgumentParser

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the bot. NOT YET ABLE TO TRADE: today it prints what exists and how to try each part.",
        discussion: """
            The trading loop (engine → execution → journal) is not wired yet, so this command never sends a
            transaction. When it is: with no endpoint it will trade the embedded simulated cluster; with
            --rpc/--ws it will talk to a real cluster and only send on mainnet with --live.
            """
    )

    func run() async throws {
        print(
            """
            SolArb cannot trade yet: no transaction is built, signed or sent by this command.

            What exists today (each with its own command; add --help):
              solarb localnet          the simulated Solana cluster: JSON-RPC :8899 + PubSub :8900 on 127.0.0.1,
                                       System/Token/ATA/ALT/Compute Budget/Memo programs (DEX programs: not yet)
              solarb pool show         decode a Raydium AMM v4 / CPMM / CLMM, Orca Whirlpool or Meteora DLMM pool
                                       from account dumps, quote it exactly, build a signed v0 swap (--tx)
              solarb pool round-trip   a two-pool round trip in one transaction, min-out = input + min profit
              solarb guard build       the on-chain profit guard (sBPF, assembled by SolArb itself)
              solarb gossip run|view   SWIM/Lifeguard membership between instances (HMAC-authenticated UDP)
              solarb model inspect|score, solarb features schema   the in-process ONNX AI gate
              solarb keys, solarb tx decode                        keypairs and transactions
              solarb bench tx|quotes|inference|gossip-sim          measured hot paths (build with -c release)

            Not built yet: the arbitrage engine wiring, RPC/WebSocket feeds in the bot, execution, risk and the
            journal, DEX programs in the simulated cluster. See README.md "Status".
            """)
    }
}
