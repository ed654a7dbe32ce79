import ArgumentParser
import Foundation
import SolanaKeys

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create or inspect Solana CLI keypair files (JSON array of 64 bytes). Secrets are never printed.",
        subcommands: [New.self, Pubkey.self]
    )

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new keypair file (mode 0600) and print its address.")
        @Option(name: .shortAndLong, help: "Where to write the keypair file.")
        var out: String
        @Flag(help: "Replace an existing file (its key is lost for good).")
        var force = false

        func run() throws {
            let kp = Keypair()
            try KeypairFile.write(kp, path: out, overwrite: force)
            print(kp.address)
        }
    }

    struct Pubkey: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the address of a keypair file (warns if others can read it).")
        @Argument(help: "Path to a keypair file, e.g. ~/.config/solana/id.json")
        var path: String

        func run() throws {
            let kp = try KeypairFile.read(path: path) { warning in
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            }
            print(kp.address)
        }
    }
}
