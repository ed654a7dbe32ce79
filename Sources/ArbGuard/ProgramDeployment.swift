import SolanaPrimitives

/// The ordered transactions that deploy a program through BPF Loader Upgradeable, as `solana program deploy` does:
/// 1. create the buffer account (System `CreateAccount`, owner = loader) + `InitializeBuffer`;
/// 2. `Write` the ELF in chunks sized so that each transaction fits a 1232-byte packet;
/// 3. create the program account (36 bytes) + `DeployWithMaxDataLen`.
/// Pure: addresses, lamports and the programdata PDA are inputs (an RPC shell supplies rent and blockhashes).
public struct ProgramDeployment: Hashable, Sendable {
    public struct Transaction: Hashable, Sendable {
        /// What this transaction does (for logs and tests).
        public let label: String
        public let instructions: [Instruction]
        /// Who must sign, fee payer first.
        public let signers: [Address]
    }

    public let transactions: [Transaction]

    /// Maximum bytes of a transaction on the wire (`PACKET_DATA_SIZE`: 1280 − 40 − 8).
    public static let packetDataSize = TransactionLimits.packetDataSize
    /// `Rent::default()`: 3480 lamports per byte-year, exemption threshold 2 years, 128 bytes of account overhead.
    public static func defaultRentExemptMinimum(space: Int) -> UInt64 { UInt64(128 + space) * 3480 * 2 }

    /// The largest `Write` chunk whose legacy transaction (one instruction) fits in a packet, computed as the Solana
    /// CLI does (`calculate_max_chunk_size`): packet size − size of the transaction with an empty chunk − 1 byte
    /// for the data length's short-vec growing from 1 to 2 bytes.
    public static func maxWriteChunk(payer: Address, authority: Address) throws(GuardError) -> Int {
        packetDataSize - (try writeTransactionSize(payer: payer, authority: authority, chunkLength: 0)) - 1
    }

    /// Serialized size of the legacy transaction carrying one `Write` of `chunkLength` bytes, paid by `payer`
    /// (compiled with `LegacyMessage`, zeroed signatures).
    public static func writeTransactionSize(payer: Address, authority: Address, chunkLength: Int) throws(GuardError)
        -> Int
    {
        let ix = BPFLoaderUpgradeable.write(
            buffer: .zero, authority: authority, offset: 0, bytes: [UInt8](repeating: 0, count: chunkLength))
        do {
            let message = try LegacyMessage(instructions: [ix], payer: payer, recentBlockhash: .zero)
            return VersionedTransaction(unsigned: .legacy(message)).serialize().count
        } catch {
            throw GuardError(.invalidProgram, "cannot compile a Write transaction: \(error)")
        }
    }

    /// Plans the deployment of `elf`. `programData` defaults to the loader PDA `[program]`. `maxDataLength` defaults
    /// to the ELF length (pass more to leave room for upgrades). Lamports default to `Rent::default()` minimums.
    public static func plan(
        elf: [UInt8], payer: Address, program: Address, programData: Address? = nil, buffer: Address,
        authority: Address,
        maxDataLength: Int? = nil, rentExemptMinimum: (Int) -> UInt64 = defaultRentExemptMinimum
    ) throws(GuardError) -> ProgramDeployment {
        guard !elf.isEmpty else { throw GuardError(.invalidProgram, "empty program") }
        let maxLen = maxDataLength ?? elf.count
        guard maxLen >= elf.count else {
            throw GuardError(.invalidProgram, "max data length \(maxLen) is below the program length \(elf.count)")
        }
        guard elf.count <= Int(UInt32.max) else { throw GuardError(.invalidProgram, "program too large") }
        let programDataAddress: Address
        if let given = programData {
            programDataAddress = given
        } else {
            programDataAddress = try derivedProgramData(program)
        }
        var txs: [Transaction] = []
        let bufferSigners = [payer, buffer]
        txs.append(
            Transaction(
                label: "create buffer",
                instructions: BPFLoaderUpgradeable.createBuffer(
                    payer: payer, buffer: buffer, authority: authority,
                    lamports: rentExemptMinimum(BPFLoaderUpgradeable.bufferAccountSize(programLength: elf.count)),
                    programLength: elf.count),
                signers: bufferSigners))
        let chunk = try maxWriteChunk(payer: payer, authority: authority)
        var offset = 0
        while offset < elf.count {
            let end = min(offset + chunk, elf.count)
            txs.append(
                Transaction(
                    label: "write \(offset)..<\(end)",
                    instructions: [
                        BPFLoaderUpgradeable.write(
                            buffer: buffer, authority: authority, offset: UInt32(offset),
                            bytes: Array(elf[offset..<end]))
                    ],
                    signers: payer == authority ? [payer] : [payer, authority]))
            offset = end
        }
        var deploySigners = [payer, program]
        if authority != payer { deploySigners.append(authority) }
        txs.append(
            Transaction(
                label: "deploy",
                instructions: BPFLoaderUpgradeable.deployWithMaxProgramLength(
                    payer: payer, program: program, programData: programDataAddress, buffer: buffer,
                    authority: authority,
                    programLamports: rentExemptMinimum(BPFLoaderUpgradeable.programAccountSize),
                    maxDataLength: UInt64(maxLen)),
                signers: deploySigners))
        return ProgramDeployment(transactions: txs)
    }

    static func derivedProgramData(_ program: Address) throws(GuardError) -> Address {
        do {
            return try BPFLoaderUpgradeable.programDataAddress(program: program)
        } catch {
            throw GuardError(.invalidProgram, "no programdata address for \(program): \(error)")
        }
    }
}
