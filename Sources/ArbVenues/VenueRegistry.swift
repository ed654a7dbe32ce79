import SolanaPrimitives

/// Recognises a pool account's venue from its owner program, discriminator and size, and decodes it.
/// Each venue registers ONE line in `entries`.
public enum VenueRegistry {
    public struct Entry: Sendable {
        public let kind: VenueKind
        public let programId: Address
        let matches: @Sendable (AccountData) -> Bool
        let make: @Sendable (AccountData) throws(VenueError) -> any Venue

        /// A venue whose pool account is identified by owner, an optional 8-byte discriminator and an exact size.
        public init<V: Venue>(_ type: V.Type, discriminator: [UInt8]?, size: Int) {
            kind = V.kind
            programId = V.programId
            matches = { account in
                account.owner == V.programId && account.data.count == size
                    && (discriminator.map { d in account.data.count >= 8 && account.data[0..<8].elementsEqual(d) }
                        ?? true)
            }
            make = { account throws(VenueError) in try V(pool: account) }
        }

        /// A venue with a custom recognition rule.
        public init<V: Venue>(_ type: V.Type, matches: @escaping @Sendable (AccountData) -> Bool) {
            kind = V.kind
            programId = V.programId
            self.matches = matches
            make = { account throws(VenueError) in try V(pool: account) }
        }
    }

    public static let entries: [Entry] = [
        Entry(
            WhirlpoolVenue.self, discriminator: WhirlpoolLayout.whirlpoolDiscriminator,
            size: WhirlpoolLayout.whirlpoolSize),
        Entry(
            RaydiumCLMMVenue.self, discriminator: RaydiumCLMMLayout.poolStateDiscriminator,
            size: RaydiumCLMMLayout.poolStateSize),
        Entry(RaydiumAMMv4Pool.self, discriminator: nil, size: RaydiumAMMv4Layout.size),
        Entry(RaydiumCPMMPool.self, discriminator: RaydiumCPMMLayout.poolDiscriminator, size: RaydiumCPMMLayout.poolSize),
        Entry(MeteoraDLMMPair.self, discriminator: MeteoraDLMMLayout.lbPairDiscriminator, size: MeteoraDLMMLayout.lbPairSize),
    ]

    /// The venue kind of a pool account, or nil when it is not a pool account of a known venue.
    public static func detect(_ account: AccountData) -> VenueKind? {
        entries.first { $0.matches(account) }?.kind
    }

    /// Decodes a pool account into its venue. Throws `unsupported` for accounts of unknown programs, and
    /// `wrongDiscriminator`/`wrongSize` for a known program's non-pool accounts.
    public static func decode(_ account: AccountData) throws(VenueError) -> any Venue {
        if let e = entries.first(where: { $0.matches(account) }) {
            return try e.make(account)
        }
        if entries.contains(where: { $0.programId == account.owner }) {
            throw VenueError(
                .wrongDiscriminator,
                "\(account.address) (\(account.data.count) bytes) is owned by a known DEX program but is not a pool account"
            )
        }
        throw VenueError(.unsupported, "\(account.address) is owned by \(account.owner), not a supported DEX program")
    }
}
