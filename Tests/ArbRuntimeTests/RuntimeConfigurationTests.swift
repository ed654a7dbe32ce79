import ArbEngine
import Foundation
import SolanaPrimitives
import Testing

@testable import ArbRuntime

@Suite struct RuntimeConfigurationTests {
    let usdc: Address = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"

    @Test func layersApplyInOrderFlagsWin() throws {
        var c = RuntimeConfiguration()
        let file = try RuntimeConfiguration.Overrides.parse(
            json: Data(
                #"{"slippageBps": 20, "minProfit": {"So11111111111111111111111111111111111111112": 5000}, "duration": 30, "live": false}"#
                    .utf8), source: "config.json")
        try c.apply(file, source: "config.json")
        let env = try RuntimeConfiguration.Overrides.environment([
            "SOLARB_SLIPPAGE_BPS": "30", "SOLARB_DURATION": "60", "SOLARB_CAPITAL": "\(usdc)=1000000",
        ])
        try c.apply(env, source: "environment")
        var flags = RuntimeConfiguration.Overrides()
        flags.duration = 5
        try c.apply(flags, source: "flags")
        #expect(c.slippageBps == 30)  // env over file
        #expect(c.durationSeconds == 5)  // flag over env
        #expect(c.minProfit[EngineConfig.wrappedSol] == 5000)  // file over default
        #expect(c.capital[usdc] == 1_000_000)
        #expect(c.capital[EngineConfig.wrappedSol] == 10_000_000_000)  // maps merge
        #expect(c.engineConfig().slippageBps == 30)
    }

    @Test func unknownKeysAndWrongTypesAreErrorsNamingTheField() {
        #expect(throws: RuntimeError.self) {
            _ = try RuntimeConfiguration.Overrides.parse(json: Data(#"{"slipageBps": 20}"#.utf8), source: "c.json")
        }
        do {
            _ = try RuntimeConfiguration.Overrides.parse(json: Data(#"{"slippageBps": "x"}"#.utf8), source: "c.json")
            Issue.record("a string for an integer must not parse")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(error.detail.contains("slippageBps"))
        }
        do {
            _ = try RuntimeConfiguration.Overrides.environment(["SOLARB_SLOTS": "ten"])
            Issue.record("a malformed SOLARB_SLOTS must not parse")
        } catch {
            #expect(error.detail.contains("SOLARB_SLOTS"))
        }
        do {
            _ = try RuntimeConfiguration.Overrides.environment(["SOLARB_LIVE": "maybe"])
            Issue.record("a malformed SOLARB_LIVE must not parse")
        } catch {
            #expect(error.detail.contains("SOLARB_LIVE"))
        }
        var c = RuntimeConfiguration()
        var o = RuntimeConfiguration.Overrides()
        o.pools = ["not-an-address"]
        #expect(throws: RuntimeError.self) { try c.apply(o, source: "flags") }
    }

    @Test func safetyRules() throws {
        // --live needs a real cluster.
        var c = RuntimeConfiguration()
        c.live = true
        #expect(throws: RuntimeError.self) { try c.validate() }
        // --rpc needs --ws and --keypair.
        c = RuntimeConfiguration()
        c.rpcURLs = ["http://127.0.0.1:8899"]
        #expect(throws: RuntimeError.self) { try c.validate() }
        c.wsURL = "ws://127.0.0.1:8900"
        #expect(throws: RuntimeError.self) { try c.validate() }
        c.keypairPath = "id.json"
        try c.validate()
        // A base token without capital cannot be traded.
        c.baseTokens = [usdc]
        #expect(throws: RuntimeError.self) { try c.validate() }
        // Defaults: simulated cluster, not live.
        #expect(RuntimeConfiguration().live == false)
        try RuntimeConfiguration().validate()
    }
}
