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
    public static let packetDataSize = 1232
    /// `Rent::default()`: 3480 lamports per byte-year, exemption threshold 2 years, 128 bytes of account overhead.
    public static func defaultRentExemptMinimum(space: Int) -> UInt64 { UInt64(128 + space) * 3480 * 2 }

    /// The largest `Write` chunk whose legacy transaction (one instruction) fits in a packet, computed as the Solana
    /// CLI does (`calculate_max_chunk_size`): packet size − size of the transaction with an empty chunk − 1 byte
    /// for the data length's short-vec growing from 1 to 2 bytes.
    public static func maxWriteChunk(payer: Address, authority: Address) -> Int {
        packetDataSize - writeTransactionSize(payer: payer, authority: authority, chunkLength: 0) - 1
    }

    /// Serialized size of a legacy transaction carrying one `Write` of `chunkLength` bytes, paid by `payer`.
    /// Signatures: payer (+ authority when distinct); keys: payer, [authority], buffer, loader.
    public static func writeTransactionSize(payer: Address, authority: Address, chunkLength: Int) -> Int {
        let signers = payer == authority ? 1 : 2
        let keys = signers + 2
        let data = BPFLoaderUpgradeable.writeDataSize(chunkLength: chunkLength)
        let instruction = 1 + shortVecLength(2) + 2 + shortVecLength(data) + data
        let message = 3 + shortVecLength(keys) + 32 * keys + 32 + shortVecLength(1) + instruction
        return shortVecLength(signers) + 64 * signers + message
    }

    static func shortVecLength(_ n: Int) -> Int { n < 0x80 ? 1 : n < 0x4000 ? 2 : 3 }

    /// Plans the deployment of `elf`. `maxDataLength` defaults to the ELF length (the current CLI default; pass
    /// more to leave room for upgrades). Lamports default to `Rent::default()` minimums.
    public static func plan(
        elf: [UInt8], payer: Address, program: Address, programData: Address, buffer: Address, authority: Address,
        maxDataLength: Int? = nil, rentExemptMinimum: (Int) -> UInt64 = defaultRentExemptMinimum
    ) throws(GuardError) -> ProgramDeployment {
        guard !elf.isEmpty else { throw GuardError(.invalidProgram, "empty program") }
        let maxLen = maxDataLength ?? elf.count
        guard maxLen >= elf.count else {
            throw GuardError(.invalidProgram, "max data length \(maxLen) is below the program length \(elf.count)")
        }
        guard elf.count <= Int(UInt32.max) else { throw GuardError(.invalidProgram, "program too large") }
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
        let chunk = maxWriteChunk(payer: payer, authority: authority)
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
                    payer: payer, program: program, programData: programData, buffer: buffer, authority: authority,
                    programLamports: rentExemptMinimum(BPFLoaderUpgradeable.programAccountSize),
                    maxDataLength: UInt64(maxLen)),
                signers: deploySigners))
        return ProgramDeployment(transactions: txs)
    }
}
