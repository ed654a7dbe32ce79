import ArbRPC
import ArgumentParser
import Foundation
import Logging
import SolanaPrimitives

/// `solarb rpc …`: check an endpoint from the command line (uses the same client as the bot: failover included).
struct RPCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc",
        abstract: "Talk to Solana JSON-RPC endpoints (slot, account, blockhash, health).",
        subcommands: [Slot.self, Account.self, Blockhash.self, Health.self])

    struct Endpoints: ParsableArguments {
        @Option(
            name: .customLong("rpc"),
            help: "RPC URL (repeat for failover). Default: $SOLARB_RPC_URL, else https://api.mainnet-beta.solana.com")
        var urls: [String] = []
        @Option(help: "processed | confirmed | finalized") var commitment: String = "confirmed"

        func client() throws -> RPCClient {
            var list = urls
            if list.isEmpty {
                list = [ProcessInfo.processInfo.environment["SOLARB_RPC_URL"] ?? "https://api.mainnet-beta.solana.com"]
            }
            guard let c = Commitment(rawValue: commitment) else {
                throw ValidationError("bad commitment \(commitment)")
            }
            var logger = Logger(label: "solarb.rpc")
            logger.logLevel = .warning
            return RPCClient(
                configuration: .init(endpoints: list.map { RPCEndpoint(url: $0) }, commitment: c), logger: logger)
        }
    }

    struct Slot: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the current slot and block height.")
        @OptionGroup var endpoints: Endpoints
        func run() async throws {
            let c = try endpoints.client()
            let slot = try await c.getSlot()
            let height = try await c.getBlockHeight()
            print("slot \(slot)  block height \(height)")
        }
    }

    struct Account: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print an account's owner, lamports and data size.")
        @Argument(help: "base58 address") var address: String
        @Flag(help: "Also print the data as base64.") var data = false
        @OptionGroup var endpoints: Endpoints
        func run() async throws {
            let a: Address
            do { a = try Address(base58: address) } catch { throw ValidationError("\(error)") }
            let r = try await endpoints.client().getAccountInfo(a)
            guard let acc = r.value else {
                print("\(a): no account (context slot \(r.slot))")
                return
            }
            print(
                "address    \(a)\nowner      \(acc.owner)\nlamports   \(acc.lamports)\ndata       \(acc.data.count) bytes"
            )
            print("executable \(acc.executable)\nslot       \(r.slot) (context)")
            if data { print(Base64.encode(acc.data)) }
        }
    }

    struct Blockhash: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the latest blockhash and its last valid height.")
        @OptionGroup var endpoints: Endpoints
        func run() async throws {
            let r = try await endpoints.client().getLatestBlockhash()
            print(
                "blockhash \(r.value.blockhash)  lastValidBlockHeight \(r.value.lastValidBlockHeight)  (slot \(r.slot))"
            )
        }
    }

    struct Health: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask every endpoint for its slot separately and show latency and lag.")
        @OptionGroup var endpoints: Endpoints
        func run() async throws {
            let all = try endpoints.client().configuration.endpoints
            var rows: [(String, Result<UInt64, RPCError>, Duration)] = []
            for e in all {
                var logger = Logger(label: "solarb.rpc")
                logger.logLevel = .critical
                let one = RPCClient(configuration: .init(endpoints: [e], maxAttempts: 1), logger: logger)
                let clock = ContinuousClock()
                let start = clock.now
                let r: Result<UInt64, RPCError>
                do throws(RPCError) { r = .success(try await one.getSlot()) } catch { r = .failure(error) }
                rows.append((e.name, r, clock.now - start))
            }
            let best = rows.compactMap { try? $0.1.get() }.max() ?? 0
            for (name, r, t) in rows {
                switch r {
                case .success(let s): print("\(name): slot \(s) (\(best - s) behind the best)  \(t)")
                case .failure(let e): print("\(name): \(e.code) — \(e.detail)  \(t)")
                }
            }
        }
    }
}
