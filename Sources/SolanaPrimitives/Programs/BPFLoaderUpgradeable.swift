/// Instruction builders for the BPF Loader Upgradeable (`BPFLoaderUpgradeab1e11111111111111111111111`), with the
/// accounts in the order `solana program deploy` sends them.
///
/// Source of the encodings: solana-loader-v3-interface `instruction.rs` (`UpgradeableLoaderInstruction`, bincode:
/// u32 LE variant index, then fields; `Vec<u8>` as u64 LE length + bytes) and `state.rs` (account sizes).
public enum BPFLoaderUpgradeable {
    public static let programId = ProgramIDs.bpfLoaderUpgradeable

    /// `UpgradeableLoaderState::size_of_buffer_metadata()`: enum tag (4) + Option<Pubkey> authority (1 + 32).
    public static let bufferMetadataSize = 37
    /// `UpgradeableLoaderState::size_of_program()`: tag (4) + programdata address (32).
    public static let programAccountSize = 36
    /// `UpgradeableLoaderState::size_of_programdata_metadata()`: tag (4) + slot (8) + Option<Pubkey> (33).
    public static let programDataMetadataSize = 45

    public static func bufferAccountSize(programLength: Int) -> Int { bufferMetadataSize + programLength }
    public static func programDataAccountSize(maxDataLength: Int) -> Int { programDataMetadataSize + maxDataLength }

    /// Variant 0. Accounts: buffer (writable), buffer authority (read-only).
    public static func initializeBuffer(buffer: Address, authority: Address) -> Instruction {
        var w = ByteWriter(capacity: 4)
        w.u32(0)
        return Instruction(programId: programId, accounts: [.writable(buffer), .readonly(authority)], data: w.bytes)
    }

    /// Variant 1 `Write { offset: u32, bytes: Vec<u8> }`. Accounts: buffer (writable), authority (signer).
    public static func write(buffer: Address, authority: Address, offset: UInt32, bytes: [UInt8]) -> Instruction {
        var w = ByteWriter(capacity: 16 + bytes.count)
        w.u32(1)
        w.u32(offset)
        w.u64(UInt64(bytes.count))
        w.write(bytes)
        return Instruction(
            programId: programId, accounts: [.writable(buffer), .readonly(authority, signer: true)], data: w.bytes)
    }

    /// The size of a `Write` instruction's data for `chunkLength` bytes.
    public static func writeDataSize(chunkLength: Int) -> Int { 16 + chunkLength }

    /// Variant 2 `DeployWithMaxDataLen { max_data_len: usize }`. Accounts, in order: payer (writable, signer),
    /// programdata (writable), program (writable), buffer (writable), rent sysvar, clock sysvar, system program,
    /// upgrade authority (signer).
    public static func deployWithMaxDataLen(
        payer: Address, programData: Address, program: Address, buffer: Address, authority: Address,
        maxDataLength: UInt64
    ) -> Instruction {
        var w = ByteWriter(capacity: 12)
        w.u32(2)
        w.u64(maxDataLength)
        return Instruction(
            programId: programId,
            accounts: [
                .writable(payer, signer: true), .writable(programData), .writable(program), .writable(buffer),
                .readonly(SysvarIDs.rent), .readonly(SysvarIDs.clock), .readonly(ProgramIDs.system),
                .readonly(authority, signer: true),
            ],
            data: w.bytes)
    }

    /// The program's data account: the loader PDA with seeds `[program]`.
    public static func programDataAddress(program: Address) throws(PrimitivesError) -> Address {
        try ProgramDerivedAddress.find(seeds: [program.bytes], programId: programId).address
    }

    /// `create_buffer` of the SDK: create the buffer account owned by the loader, then initialize it.
    public static func createBuffer(
        payer: Address, buffer: Address, authority: Address, lamports: UInt64, programLength: Int
    ) -> [Instruction] {
        [
            SystemProgram.createAccount(
                from: payer, newAccount: buffer, lamports: lamports,
                space: UInt64(bufferAccountSize(programLength: programLength)), owner: programId),
            initializeBuffer(buffer: buffer, authority: authority),
        ]
    }

    /// `deploy_with_max_program_len` of the SDK: create the program account (36 bytes, owned by the loader), then
    /// deploy from the buffer. `programData` is the PDA `[program]` of the loader.
    public static func deployWithMaxProgramLength(
        payer: Address, program: Address, programData: Address, buffer: Address, authority: Address,
        programLamports: UInt64, maxDataLength: UInt64
    ) -> [Instruction] {
        [
            SystemProgram.createAccount(
                from: payer, newAccount: program, lamports: programLamports,
                space: UInt64(programAccountSize), owner: programId),
            deployWithMaxDataLen(
                payer: payer, programData: programData, program: program, buffer: buffer, authority: authority,
                maxDataLength: maxDataLength),
        ]
    }
}
