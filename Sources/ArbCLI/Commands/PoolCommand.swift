import ArbMath
import ArbVenues
import ArgumentParser
import Foundation
import SolanaKeys
import SolanaPrimitives

/// `solarb pool`: debug a pool from account dumps (`solana account <addr> --output json > <addr>.json`).
struct PoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool",
        abstract: "Decode a DEX pool from account dumps, quote a swap, and build a signed swap transaction.",
        discussion: """
            Dumps are `solana account <ADDRESS> --output json` files (or folders of them). Supply the pool, its
            vaults, mints and the tick/bin arrays near the price; `solarb pool show` lists what is missing.
            Examples:
              solarb pool show --accounts dumps/ --pool HJPjoWUrhoZzkNfRpHuieeFk9WcZWjwy6PBjZ81ngndJ --amount 1000000000
              solarb pool show --accounts dumps/ --pool <ADDR> --amount 1000000000 --tx --keypair ~/.config/solana/id.json \\
                  --blockhash <RECENT_BLOCKHASH>
              solarb pool round-trip --accounts dumps/ --buy-pool <A> --sell-pool <B> --amount 1000000000 --min-profit 10000
            """,
        subcommands: [Show.self, RoundTrip.self],
        defaultSubcommand: Show.self
    )

    struct AccountOptions: ParsableArguments {
        @Option(name: .customLong("accounts"), help: "Account dump files or folders of them (repeatable).")
        var paths: [String] = []

        func load() throws -> [Address: AccountData] {
            var out: [Address: AccountData] = [:]
            var files: [String] = []
            for p in paths {
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else {
                    throw ValidationError("no such file or folder: \(p)")
                }
                if isDir.boolValue {
                    for name in try FileManager.default.contentsOfDirectory(atPath: p).sorted()
                    where name.hasSuffix(".json") {
                        files.append((p as NSString).appendingPathComponent(name))
                    }
                } else {
                    files.append(p)
                }
            }
            for f in files {
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: f)))
                do {
                    let a = try AccountDump.parse(
                        bytes, fallbackAddress: AccountDump.address(inFileName: (f as NSString).lastPathComponent))
                    out[a.address] = a
                } catch {
                    FileHandle.standardError.write(Data("skipping \(f): \(error)\n".utf8))
                }
            }
            guard !out.isEmpty else { throw ValidationError("no account dumps loaded (use --accounts)") }
            return out
        }
    }

    struct TxOptions: ParsableArguments {
        @Flag(help: "Also build a signed v0 transaction (base64).")
        var tx = false
        @Option(help: "Solana CLI keypair file of the wallet that signs and pays.")
        var keypair: String?
        @Option(help: "Recent blockhash (base58) for the transaction (dumps carry none).")
        var blockhash: String?
        @Option(help: "Compute unit limit.")
        var computeUnitLimit: UInt32 = 400_000
        @Option(help: "Priority fee in micro-lamports per compute unit.")
        var computeUnitPrice: UInt64 = 1_000

        func validate() throws {
            if tx && (keypair == nil || blockhash == nil) {
                throw ValidationError("--tx needs --keypair and --blockhash")
            }
        }

        func build(legs: [SwapLeg]) throws -> String {
            guard let keypair, let blockhash else { throw ValidationError("--tx needs --keypair and --blockhash") }
            let signer = try KeypairFile.read(path: keypair) {
                FileHandle.standardError.write(Data("warning: \($0)\n".utf8))
            }
            let hash = try Hash(base58: blockhash)
            let ixs = try SwapTransaction.instructions(
                owner: signer.address, legs: legs, computeUnitLimit: computeUnitLimit,
                microLamportsPerComputeUnit: computeUnitPrice)
            let message = try V0Message(instructions: ixs, payer: signer.address, recentBlockhash: hash)
            let tx = try VersionedTransaction(message: .v0(message), signers: [signer])
            let bytes = try tx.serializeForSending()
            print(
                "transaction: v0, \(ixs.count) instructions, \(message.accountKeys.count) accounts, \(bytes.count) bytes"
            )
            print("signer:      \(signer.address)")
            return Data(bytes).base64EncodedString()
        }
    }

    /// Decodes the pool, refreshes it from the dumps, and adds any further tick arrays found in them.
    static func loadVenue(_ address: Address, _ accounts: [Address: AccountData]) throws -> any Venue {
        guard let account = accounts[address] else { throw ValidationError("pool \(address) is not among the dumps") }
        var venue = try VenueRegistry.decode(account)
        do {
            try venue.update(from: accounts)
        } catch {
            // Still show what decoded; quoting will name the missing account again.
            FileHandle.standardError.write(Data("warning: cannot refresh \(address) from the dumps: \(error)\n".utf8))
        }
        if var w = venue as? WhirlpoolVenue {
            for a in accounts.values
            where a.owner == WhirlpoolLayout.programId && a.data.count != WhirlpoolLayout.whirlpoolSize {
                try? w.insertTickArray(a)
            }
            venue = w
        } else if var c = venue as? RaydiumCLMMVenue {
            for a in accounts.values
            where a.owner == RaydiumCLMMLayout.programId && a.data.count == RaydiumCLMMLayout.tickArraySize {
                try? c.insertTickArray(a)
            }
            venue = c
        }
        return venue
    }

    static func tokenProgram(_ mint: Address, _ accounts: [Address: AccountData]) -> Address {
        if let owner = accounts[mint]?.owner, owner == ProgramIDs.token2022 { return owner }
        return ProgramIDs.token
    }

    static func describe(_ venue: any Venue, _ accounts: [Address: AccountData]) -> [(String, String)] {
        var rows: [(String, String)] = [
            ("venue", "\(type(of: venue).kind.rawValue)"), ("pool", venue.address.description),
        ]
        if let w = venue as? WhirlpoolVenue {
            let s = w.state
            rows += [
                (
                    "token A",
                    "\(s.tokenMintA)  vault \(s.tokenVaultA)  balance \(w.vaultA.map { String($0.amount) } ?? "?")"
                ),
                (
                    "token B",
                    "\(s.tokenMintB)  vault \(s.tokenVaultB)  balance \(w.vaultB.map { String($0.amount) } ?? "?")"
                ),
                ("tick spacing", "\(s.tickSpacing)\(s.isSplashPool ? " (full-range splash pool)" : "")"),
                (
                    "fee",
                    "\(s.feeRate) ppm, protocol \(s.protocolFeeRate) / 10000 of it\(s.isAdaptiveFee ? " (adaptive fee: oracle + clock)" : "")"
                ),
                ("liquidity", "\(s.liquidity)"), ("sqrt price", "\(s.sqrtPrice)"), ("tick", "\(s.tickCurrentIndex)"),
                (
                    "price B per A",
                    String(format: "%.12g (base units)", pow(Double(s.sqrtPrice) / 18_446_744_073_709_551_616.0, 2))
                ),
                ("tick arrays loaded", w.tickArrays.keys.sorted().map(String.init).joined(separator: ", ")),
            ]
        } else if let c = venue as? RaydiumCLMMVenue {
            let s = c.state
            rows += [
                (
                    "token 0 (A)",
                    "\(s.tokenMint0)  vault \(s.tokenVault0)  balance \(c.vault0.map { String($0.amount) } ?? "?")"
                ),
                (
                    "token 1 (B)",
                    "\(s.tokenMint1)  vault \(s.tokenVault1)  balance \(c.vault1.map { String($0.amount) } ?? "?")"
                ),
                (
                    "amm config",
                    "\(s.ammConfig)  "
                        + (c.config.map {
                            "trade \($0.tradeFeeRate) ppm, protocol \($0.protocolFeeRate), fund \($0.fundFeeRate) ppm of the fee"
                        } ?? "(not loaded)")
                ),
                ("tick spacing", "\(s.tickSpacing)"), ("liquidity", "\(s.liquidity)"),
                ("sqrt price", "\(s.sqrtPriceX64)"),
                ("tick", "\(s.tickCurrent)"), ("price 1 per 0", String(format: "%.12g (UI units)", s.price)),
                (
                    "status",
                    "\(s.status)\(s.swapDisabled ? " (swap disabled)" : "")  fee_on \(s.feeOn)\(s.hasDynamicFee ? "  dynamic fee" : "")"
                ),
                (
                    "bitmap extension",
                    c.bitmapExtension != nil ? "loaded" : (c.bitmapExtensionAbsent ? "does not exist" : "not loaded")
                ),
                ("tick arrays loaded", c.tickArrays.keys.sorted().map(String.init).joined(separator: ", ")),
            ]
        } else {
            rows += [("mint A", venue.mintA.description), ("mint B", venue.mintB.description)]
        }
        let missing = venue.accountsToUpdate().filter { accounts[$0] == nil }
        rows.append(("accounts missing", missing.isEmpty ? "none" : missing.map(\.description).joined(separator: " ")))
        return rows
    }

    static func printRows(_ rows: [(String, String)]) {
        let width = rows.map(\.0.count).max() ?? 0
        for (k, v) in rows { print(k.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + v) }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Print the decoded pool, a quote, and optionally a signed swap transaction.")

        @OptionGroup var source: AccountOptions
        @Option(help: "Pool (state) account address.") var pool: String
        @Option(help: "Amount in base units (input for exact-in, output with --exact-out).") var amount: UInt64?
        @Option(help: "a-to-b (sell token A / token0) or b-to-a.") var direction: String = "a-to-b"
        @Flag(help: "Quote an exact output instead of an exact input.") var exactOut = false
        @Option(help: "Slippage tolerance for the transaction's minimum out, in bps.") var slippageBps: UInt16 = 50
        @OptionGroup var txOptions: TxOptions

        func run() async throws {
            let accounts = try source.load()
            guard let address = Address(pool) else { throw ValidationError("--pool is not an address") }
            let venue = try PoolCommand.loadVenue(address, accounts)
            PoolCommand.printRows(PoolCommand.describe(venue, accounts))
            guard let amount else { return }
            guard let dir: SwapDirection = direction == "a-to-b" ? .aToB : direction == "b-to-a" ? .bToA : nil else {
                throw ValidationError("--direction must be a-to-b or b-to-a")
            }
            let q = try venue.quote(QuoteRequest(amount: amount, direction: dir, exactIn: !exactOut))
            let (inMint, outMint) = dir == .aToB ? (venue.mintA, venue.mintB) : (venue.mintB, venue.mintA)
            print("")
            PoolCommand.printRows([
                ("quote", exactOut ? "exact out" : "exact in"),
                ("in", "\(q.amountIn) of \(inMint)"), ("out", "\(q.amountOut) of \(outMint)"),
                ("fee", "\(q.fee) (input token)"), ("ticks crossed", "\(q.crossings)"),
            ])
            guard txOptions.tx else { return }
            guard !exactOut else { throw ValidationError("--tx builds exact-in swaps; drop --exact-out") }
            let minOut = try Slippage.minAmount(q.amountOut, toleranceBps: slippageBps)
            let leg = SwapLeg(
                venue: venue, direction: dir, amountIn: amount, minimumOut: minOut,
                inputTokenProgram: PoolCommand.tokenProgram(inMint, accounts),
                outputTokenProgram: PoolCommand.tokenProgram(outMint, accounts))
            print("minimum out: \(minOut) (\(slippageBps) bps)")
            print(try txOptions.build(legs: [leg]))
        }
    }

    struct RoundTrip: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "round-trip",
            abstract:
                "Buy on one pool and sell on the other in one transaction; the last leg's minimum out is input + min profit."
        )

        @OptionGroup var source: AccountOptions
        @Option(help: "Pool that buys the other token with --mint.") var buyPool: String
        @Option(help: "Pool that sells it back for --mint.") var sellPool: String
        @Option(help: "Input (and output) mint; default wrapped SOL.") var mint: String = Mints.wrappedSOL.description
        @Option(help: "Input amount in base units of --mint.") var amount: UInt64
        @Option(help: "Minimum profit in base units of --mint (the last leg's min out is amount + this).")
        var minProfit: UInt64 = 0
        @Option(help: "Slippage tolerance on the first leg's output, in bps.") var slippageBps: UInt16 = 50
        @OptionGroup var txOptions: TxOptions

        func run() async throws {
            let accounts = try source.load()
            guard let buyAddress = Address(buyPool), let sellAddress = Address(sellPool), let base = Address(mint)
            else {
                throw ValidationError("--buy-pool, --sell-pool and --mint must be addresses")
            }
            let buy = try PoolCommand.loadVenue(buyAddress, accounts)
            let sell = try PoolCommand.loadVenue(sellAddress, accounts)
            guard buy.mintA == base || buy.mintB == base else {
                throw ValidationError("buy pool does not trade \(base)")
            }
            let buyDir: SwapDirection = buy.mintA == base ? .aToB : .bToA
            let other = buyDir == .aToB ? buy.mintB : buy.mintA
            guard Set([sell.mintA, sell.mintB]) == Set([base, other]) else {
                throw ValidationError("the pools do not trade the same pair")
            }
            let sellDir: SwapDirection = sell.mintA == other ? .aToB : .bToA
            let q1 = try buy.quote(QuoteRequest(amount: amount, direction: buyDir))
            let leg1Min = try Slippage.minAmount(q1.amountOut, toleranceBps: slippageBps)
            // The second leg spends what the first leg guarantees.
            let q2 = try sell.quote(QuoteRequest(amount: leg1Min, direction: sellDir))
            let (target, overflow) = amount.addingReportingOverflow(minProfit)
            guard !overflow else { throw ValidationError("amount + min profit overflows") }
            let profit = Int128(q2.amountOut) - Int128(amount)
            PoolCommand.printRows([
                (
                    "leg 1",
                    "\(buy.address) \(type(of: buy).kind.rawValue): \(amount) \(base) -> \(q1.amountOut) \(other) (min \(leg1Min))"
                ),
                (
                    "leg 2",
                    "\(sell.address) \(type(of: sell).kind.rawValue): \(leg1Min) \(other) -> \(q2.amountOut) \(base)"
                ),
                ("expected profit", "\(profit) base units of \(base) (before transaction fees)"),
                ("last leg minimum", "\(target) = input \(amount) + min profit \(minProfit)"),
            ])
            guard txOptions.tx else { return }
            if q2.amountOut < target {
                print(
                    "warning: the quote does not reach the minimum; the transaction would fail on chain (as intended)")
            }
            let legs = [
                SwapLeg(
                    venue: buy, direction: buyDir, amountIn: amount, minimumOut: leg1Min,
                    inputTokenProgram: PoolCommand.tokenProgram(base, accounts),
                    outputTokenProgram: PoolCommand.tokenProgram(other, accounts)),
                SwapLeg(
                    venue: sell, direction: sellDir, amountIn: leg1Min, minimumOut: target,
                    inputTokenProgram: PoolCommand.tokenProgram(other, accounts),
                    outputTokenProgram: PoolCommand.tokenProgram(base, accounts)),
            ]
            print(try txOptions.build(legs: legs))
        }
    }
}
