import SolanaPrimitives

/// Program-derived addresses for the venues (pool authorities, bin arrays, oracles, vault signers): a thin,
/// optional-returning wrapper over the foundation's `ProgramDerivedAddress` (SolanaPrimitives/PDA).
public enum VenuePDA {
    /// `create_program_address`: nil when the seeds are invalid or the hash is on the Ed25519 curve.
    public static func create(seeds: [[UInt8]], program: Address) -> Address? {
        try? ProgramDerivedAddress.create(seeds: seeds, programId: program)
    }

    /// `find_program_address`: the first bump from 255 down whose address is off the curve.
    public static func find(seeds: [[UInt8]], program: Address) -> (address: Address, bump: UInt8)? {
        try? ProgramDerivedAddress.find(seeds: seeds, programId: program)
    }
}
