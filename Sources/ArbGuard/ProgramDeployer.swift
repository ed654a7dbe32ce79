import SolanaKeys
import SolanaPrimitives

/// What deploying needs from a cluster. The JSON-RPC client (ArbRPC) implements it in the shell; tests use fakes.
public protocol DeployCluster: Sendable {
    func latestBlockhash() async throws -> Hash
    func minimumBalanceForRentExemption(space: Int) async throws -> UInt64
    /// Sends a signed wire transaction and returns once it is confirmed; throws if it failed or expired.
    func sendAndConfirm(_ wireTransaction: [UInt8]) async throws -> Signature
}

extension ProgramDeployment.Transaction {
    /// Compiles this step as a legacy message (as `solana program deploy` does) and signs it. `signers` must hold
    /// a key for every address in `self.signers` (extra keys are ignored).
    public func signed(blockhash: Hash, signers: [any TransactionSigner]) throws -> [UInt8] {
        let byAddress = Dictionary(signers.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        let required: [any TransactionSigner] = try self.signers.map { address in
            guard let s = byAddress[address] else {
                throw GuardError(.invalidProgram, "\(label): no signer for \(address)")
            }
            return s
        }
        let message = VersionedMessage.legacy(
            try LegacyMessage(instructions: instructions, payer: self.signers[0], recentBlockhash: blockhash))
        return try VersionedTransaction(message: message, signers: required).serializeForSending()
    }
}

/// Deploys a program through BPF Loader Upgradeable, one confirmed transaction after another: create + initialize
/// the buffer, write every chunk, create the program account + `DeployWithMaxDataLen`. Each step is signed with a
/// fresh blockhash just before it is sent, so long uploads do not expire.
public enum ProgramDeployer {
    /// Returns the program id. `progress` is told the label and signature of every confirmed step.
    public static func deploy(
        elf: [UInt8], payer: any TransactionSigner, program: any TransactionSigner, buffer: any TransactionSigner,
        authority: (any TransactionSigner)? = nil, maxDataLength: Int? = nil, cluster: some DeployCluster,
        progress: @Sendable (String, Signature) -> Void = { _, _ in }
    ) async throws -> Address {
        let authority = authority ?? payer
        let bufferSpace = BPFLoaderUpgradeable.bufferAccountSize(programLength: elf.count)
        let programSpace = BPFLoaderUpgradeable.programAccountSize
        let rent = [
            bufferSpace: try await cluster.minimumBalanceForRentExemption(space: bufferSpace),
            programSpace: try await cluster.minimumBalanceForRentExemption(space: programSpace),
        ]
        let plan = try ProgramDeployment.plan(
            elf: elf, payer: payer.address, program: program.address, buffer: buffer.address,
            authority: authority.address, maxDataLength: maxDataLength,
            rentExemptMinimum: { space in rent[space] ?? ProgramDeployment.defaultRentExemptMinimum(space: space) })
        let signers = [payer, program, buffer, authority]
        for step in plan.transactions {
            let wire = try step.signed(blockhash: try await cluster.latestBlockhash(), signers: signers)
            progress(step.label, try await cluster.sendAndConfirm(wire))
        }
        return program.address
    }
}
