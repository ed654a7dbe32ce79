import ArbTestSupport
import ArbVenues
import SolanaPrimitives
import Testing

@Suite(.enabled(if: Fixtures.root != nil, Comment(rawValue: Fixtures.skipMessage)))
struct VenueRegistryTests {
    @Test func detectsAndDecodesByOwnerDiscriminatorAndSize() throws {
        let wp = try #require(
            try fixtureAccount(
                "mainnet/whirlpool/whirlpool-essentials/sol_usdc_wp_whirlpool.HJPjoWUrhoZzkNfRpHuieeFk9WcZWjwy6PBjZ81ngndJ.json"
            ))
        let clmm = try #require(try fixtureAccount("mainnet/raydium-clmm/carbon/pool_state_account.json"))
        #expect(VenueRegistry.detect(wp) == .orcaWhirlpool)
        #expect(VenueRegistry.detect(clmm) == .raydiumClmm)
        #expect(try VenueRegistry.decode(wp) is WhirlpoolVenue)
        #expect(try VenueRegistry.decode(clmm) is RaydiumCLMMVenue)
        // A CLMM PoolState discriminator under another owner (CPMM shares it) is not a CLMM pool.
        var foreign = clmm
        foreign.owner = Address("CPMMoo8L3F4NbTegBCKVNunggL7H1ZpdTHKxQB5qKP1C")
        #expect(VenueRegistry.detect(foreign) != .raydiumClmm)
        // A known program's non-pool account, and an unknown program's account: typed errors.
        let tickArray = try #require(try fixtureAccount("mainnet/whirlpool/carbon/tick_array_account.json"))
        #expect(VenueRegistry.detect(tickArray) == nil)
        #expect { try VenueRegistry.decode(tickArray) } throws: { ($0 as? VenueError)?.code == .wrongDiscriminator }
        var system = wp
        system.owner = ProgramIDs.system
        #expect { try VenueRegistry.decode(system) } throws: { ($0 as? VenueError)?.code == .unsupported }
    }
}
