import ArbGuard
import ArbSBPF
import ArgumentParser
import Foundation
import SolanaKeys
import SolanaPrimitives

/// `solarb guard …`: build and deploy the on-chain profit guard (docs/guard.md).
struct GuardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guard",
        abstract: "The on-chain profit guard: assemble its ELF, deploy it through BPF Loader Upgradeable.",
        discussion: """
            The guard succeeds iff every SPL Token account passed holds at least its minimum. Accounts: N token \
            accounts (1…255, no duplicates); data: N little-endian u64 minimums. Errors (Custom): 5000 wrong \
            account count, 5001 bad data length, 6000+i amount below minimum, 7000+i wrong owner, 8000+i data \
            length ≠ 165, 9000+i duplicate. Details: docs/guard.md.
            """,
        subcommands: [
            GuardBuild.self, GuardDeploy.self, GuardInstructionJSON.self, GuardDeployPlanJSON.self,
            GuardDeploySignedJSON.self, GuardModelJSON.self,
        ]
    )
}

extension SBPFVersion: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "v0", "0": self = .v0
        case "v3", "3": self = .v3
        default: return nil
        }
    }
}

struct GuardBuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build", abstract: "Assemble the guard and write its ELF (deterministic: same bytes every build).")

    @Option(name: .shortAndLong, help: "Output file.") var out: String = "guard.so"
    @Option(name: .customLong("sbpf-version"), help: "v3 (default, for new deployments) or v0.")
    var version: SBPFVersion = .v3

    func run() throws {
        let elf = try GuardProgram.elf(version: version)
        try Data(elf).write(to: URL(fileURLWithPath: out))
        let slots = try GuardProgram.assemble().slots.count
        print("wrote \(out): \(elf.count) bytes, SBPF \(version), \(slots) instruction slots")
    }
}

struct GuardDeploy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy the guard (create buffer, write chunks, deploy with max data len) — needs JSON-RPC.")

    @Option(help: "JSON-RPC endpoint.") var url: String = "http://127.0.0.1:8899"

    func run() throws {
        let elf = try GuardProgram.elf()
        throw GuardCLIError(
            description: """
                RPC not available yet: `solarb guard deploy` needs the JSON-RPC client (ArbRPC), which is not built yet, \
                to fetch rent, blockhashes and send to \(url). The guard ELF (\(elf.count) bytes) and the exact deploy \
                transactions are ready: `solarb guard build --out guard.so`; ProgramDeployer.deploy sends them through any \
                DeployCluster (the signed bytes are proven in LiteSVM by conformance/guard).
                """)
    }
}

/// A runtime failure of a guard command (printed as "Error: …", exit status 1, no usage text).
struct GuardCLIError: Error, CustomStringConvertible {
    let description: String
}

// MARK: Hidden commands used by conformance/guard (Python wraps these instructions in transactions).

func instructionJSON(_ ix: Instruction) -> [String: Any] {
    [
        "programId": ix.programId.base58,
        "accounts": ix.accounts.map {
            ["pubkey": $0.address.base58, "isSigner": $0.isSigner, "isWritable": $0.isWritable] as [String: Any]
        },
        "data": ix.data.map { String(format: "%02x", $0) }.joined(),
    ]
}

func printJSON(_ value: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

func parseAddress(_ s: String) throws -> Address {
    do { return try Address(base58: s) } catch { throw ValidationError("bad address \(s): \(error)") }
}

func hexBytes(_ s: String) throws -> [UInt8] {
    let chars = Array(s.utf8)
    guard chars.count % 2 == 0 else { throw ValidationError("odd-length hex") }
    return try stride(from: 0, to: chars.count, by: 2).map { i in
        guard let b = UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16) else {
            throw ValidationError("bad hex")
        }
        return b
    }
}

struct GuardInstructionJSON: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instruction-json", abstract: "Print a guard instruction as JSON.", shouldDisplay: false)

    @Option(name: .customLong("program-id")) var programId: String
    @Option(name: .customLong("check"), help: "ACCOUNT:MINIMUM, repeatable, in order.") var checks: [String] = []

    func run() throws {
        let pairs: [(tokenAccount: Address, minimum: UInt64)] = try checks.map { c in
            let parts = c.split(separator: ":")
            guard parts.count == 2, let m = UInt64(parts[1]) else { throw ValidationError("bad --check \(c)") }
            return (try parseAddress(String(parts[0])), m)
        }
        try printJSON(instructionJSON(try GuardInstruction.make(programId: try parseAddress(programId), checks: pairs)))
    }
}

struct GuardDeployPlanJSON: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy-plan-json", abstract: "Print the deploy transactions as JSON.", shouldDisplay: false)

    @Option var elf: String
    @Option var payer: String
    @Option var program: String
    @Option(name: .customLong("program-data"), help: "Defaults to the loader PDA [program].") var programData: String?
    @Option var buffer: String
    @Option var authority: String
    @Option(name: .customLong("max-data-len")) var maxDataLength: Int?

    func run() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: elf)))
        let plan = try ProgramDeployment.plan(
            elf: bytes, payer: try parseAddress(payer), program: try parseAddress(program),
            programData: try programData.map(parseAddress), buffer: try parseAddress(buffer),
            authority: try parseAddress(authority), maxDataLength: maxDataLength)
        try printJSON(
            plan.transactions.map {
                [
                    "label": $0.label, "signers": $0.signers.map(\.base58),
                    "instructions": $0.instructions.map(instructionJSON),
                ] as [String: Any]
            })
    }
}

struct GuardDeploySignedJSON: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy-signed-json", abstract: "Print the signed deploy transactions (base64) as JSON.",
        shouldDisplay: false)

    @Option var elf: String
    @Option(name: .customLong("payer-keypair")) var payerPath: String
    @Option(name: .customLong("program-keypair")) var programPath: String
    @Option(name: .customLong("buffer-keypair")) var bufferPath: String
    @Option(name: .customLong("authority-keypair"), help: "Defaults to the payer.") var authorityPath: String?
    @Option var blockhash: String
    @Option(name: .customLong("max-data-len")) var maxDataLength: Int?

    func run() throws {
        let payer = try KeypairFile.read(path: payerPath)
        let program = try KeypairFile.read(path: programPath)
        let buffer = try KeypairFile.read(path: bufferPath)
        let authority = try authorityPath.map { try KeypairFile.read(path: $0) } ?? payer
        let plan = try ProgramDeployment.plan(
            elf: [UInt8](try Data(contentsOf: URL(fileURLWithPath: elf))), payer: payer.address,
            program: program.address, buffer: buffer.address, authority: authority.address,
            maxDataLength: maxDataLength)
        let hash = try Hash(base58: blockhash)
        let txs = try plan.transactions.map {
            try $0.signed(blockhash: hash, signers: [payer, program, buffer, authority])
        }
        try printJSON(
            zip(plan.transactions, txs).map { step, bytes in
                ["label": step.label, "tx": Data(bytes).base64EncodedString(), "size": bytes.count] as [String: Any]
            })
    }
}

struct GuardModelJSON: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model-json",
        abstract: "Evaluate the native guard model on JSON cases from stdin; print the codes (0 = success).",
        shouldDisplay: false)

    func run() throws {
        let input = FileHandle.standardInput.readDataToEndOfFile()
        guard let cases = try JSONSerialization.jsonObject(with: input) as? [[String: Any]] else {
            throw ValidationError("expected a JSON array of cases")
        }
        let codes: [UInt32] = try cases.map { c in
            guard let accounts = c["accounts"] as? [[String: String]], let data = c["data"] as? String else {
                throw ValidationError("case needs accounts and data")
            }
            let views = try accounts.map { a in
                GuardAccountView(
                    address: try parseAddress(a["address"] ?? ""), owner: try parseAddress(a["owner"] ?? ""),
                    data: try hexBytes(a["data"] ?? ""))
            }
            return GuardModel.evaluate(accounts: views, data: try hexBytes(data))?.code ?? 0
        }
        try printJSON(codes)
    }
}
