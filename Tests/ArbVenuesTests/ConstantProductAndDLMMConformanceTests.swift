import ArbMath
import ArbTestSupport
import Foundation
import SolanaPrimitives
import Testing

@testable import ArbVenues

/// The shared conformance suite (VenueConformance.check) run on Raydium AMM v4, Raydium CPMM and Meteora DLMM.
@Suite struct ConstantProductAndDLMMConformanceTests {
    static let amounts: [UInt64] = [2, 100, 10_000, 1_000_000, 100_000_000, 10_000_000_000, 1_000_000_000_000, 1 << 50]

    @Test(needsFixtures)
    func raydiumAMMv4() throws {
        let data = try Dump.b64(RaydiumAMMv4Tests.captures[0])
        let pool0 = try RaydiumAMMv4Pool(address: RaydiumAMMv4Tests.poolAddress, data: data)
        let accounts = try RaydiumAMMv4Tests.source(
            pool: pool0, data: data, coin: 50_000 * 1_000_000_000, pc: 7_000_000 * 1_000_000)
        let r = try VenueConformance.check(
            RaydiumAMMv4Pool.self, pool: try #require(accounts[pool0.address]), accounts: accounts,
            outputVault: { v, d in d == .aToB ? v.pcVault : v.coinVault }, amounts: Self.amounts)
        #expect(r.quotes >= 10)
    }

    @Test func raydiumCPMM() throws {
        let data = CPMMFixture.poolBytes(fees: (1_000, 500, 0), creatorFeeOn: 1, enableCreatorFee: true)
        let cfg = CPMMFixture.configBytes(trade: 2_500, protocolRate: 120_000, fund: 40_000, creator: 500)
        let accounts = CPMMFixture.accounts(
            pool: data, config: cfg, amount0: 80_000 * 1_000_000_000, amount1: 12_000_000 * 1_000_000)
        let r = try VenueConformance.check(
            RaydiumCPMMPool.self, pool: try #require(accounts[CPMMFixture.pool]), accounts: accounts,
            outputVault: { v, d in d == .aToB ? v.token1Vault : v.token0Vault }, amounts: Self.amounts)
        #expect(r.quotes >= 10)
    }

    /// DLMM on the dlmm-sdk commons pairs (EtAdVR…: classic layout; 9t3EyC…: limit orders + fee on Y;
    /// B5Eia4…: Token-2022 X mint with a transfer fee).
    @Test(needsFixtures, arguments: [0, 1, 2])
    func meteoraDLMM(pairIndex: Int) throws {
        let name = CommonsPair.names[pairIndex]
        let cp = try CommonsPair.load(name)
        var accounts = cp.accounts
        let dir = "\(CommonsPair.root)/\(name)"
        for (a, file) in [(cp.pair.reserveX, "reserve_x.bin"), (cp.pair.reserveY, "reserve_y.bin")] {
            let flag = a == cp.pair.reserveX ? cp.pair.tokenXProgramFlag : cp.pair.tokenYProgramFlag
            accounts[a] = AccountData(
                address: a, owner: flag == 1 ? VenueProgramIDs.token2022 : VenueProgramIDs.token, lamports: 1,
                data: try Dump.bin("\(dir)/\(file)"))
        }
        // A clock at the pair's activation point and last update time (elapsed 0).
        var clock = [UInt8](repeating: 0, count: 40)
        withUnsafeBytes(of: max(cp.pair.activationPoint, 1).littleEndian) { clock.replaceSubrange(0..<8, with: $0) }
        withUnsafeBytes(of: cp.pair.volatility.lastUpdateTimestamp.littleEndian) {
            clock.replaceSubrange(32..<40, with: $0)
        }
        accounts[VenueProgramIDs.clockSysvar] = AccountData(
            address: VenueProgramIDs.clockSysvar, owner: cpAddr("Sysvar1111111111111111111111111111111111111"),
            lamports: 1, data: clock)
        let r = try VenueConformance.check(
            MeteoraDLMMPair.self, pool: try #require(accounts[cp.pair.address]), accounts: accounts,
            outputVault: { v, d in d == .aToB ? v.reserveY : v.reserveX }, amounts: Self.amounts)
        #expect(r.quotes >= 6)
    }
}
