import ArbSimCluster
import ArgumentParser
import Foundation
import SolanaKeys
import SolanaPrimitives

/// `solarb localnet`: the simulated Solana cluster, standalone (JSON-RPC on 8899, PubSub on 8900 by default).
struct LocalnetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "localnet",
        abstract: "Run the simulated Solana cluster on loopback (JSON-RPC + PubSub WebSocket) with a funded keypair.",
        discussion: """
            Speaks the standard Solana JSON-RPC and PubSub APIs, like solana-test-validator, with System, Compute \
            Budget, SPL Token, Associated Token Account, Address Lookup Table and Memo programs at their real ids. \
            Writes a funded keypair (mode 0600) and prints its path and address; the secret is never printed. \
            Stop with Ctrl-C.
            """
    )

    @Option(help: "JSON-RPC port (0 = any free port).") var rpcPort = 8899
    @Option(help: "PubSub WebSocket port (0 = any free port).") var wsPort = 8900
    @Option(help: "Slot time in milliseconds.") var slotMs: UInt64 = 400
    @Option(help: "Seed of the ledger (same seed and inputs → same ledger).") var seed: UInt64 = 0
    @Option(help: "The funded keypair: reused if the file exists, else created (mode 0600).") var keypair =
        "localnet-keypair.json"
    @Option(help: "Lamports given to the funded keypair.") var fund: UInt64 = 1_000 * 1_000_000_000

    func validate() throws {
        guard slotMs >= 1 else { throw ValidationError("--slot-ms must be at least 1") }
    }

    func run() async throws {
        // An existing file is reused (and funded), never overwritten: it may be a real key.
        let kp: Keypair
        if FileManager.default.fileExists(atPath: (keypair as NSString).expandingTildeInPath) {
            kp = try KeypairFile.read(path: keypair) { warning in
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            }
        } else {
            kp = Keypair()
            try KeypairFile.write(kp, path: keypair)
        }
        let bank = BankConfiguration(
            seed: seed, slotMilliseconds: slotMs,
            genesisAccounts: [kp.address: Account(lamports: fund)])
        let cluster = SimCluster(configuration: bank)
        let path = URL(fileURLWithPath: keypair).standardizedFileURL.path
        let lamports = fund
        try await SimClusterServer.run(
            cluster: cluster,
            configuration: .init(
                rpcPort: rpcPort, webSocketPort: wsPort, slotDuration: .milliseconds(Int64(slotMs)),
                stopOnSignals: true)
        ) { endpoints in
            let text = """
                solarb localnet (simulated cluster)
                  JSON-RPC:  \(endpoints.rpcURL)
                  WebSocket: \(endpoints.webSocketURL)
                  funded keypair: \(path) (\(kp.address), \(lamports) lamports)
                  slot time: \(slotMs) ms, seed \(seed)

                """
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
