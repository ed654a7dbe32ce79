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
                #"{"slippageBps": 20, "minProfit": {"So11111111111111111111111111111111111111112": 5000}, "duration": 30}"#
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

    /// Live trading comes from the `--live` command-line flag alone: a config file or the environment can neither
    /// enable it (a forgotten variable or a copied file must not spend money) nor be silently ignored.
    @Test func liveOnlyFromTheCommandLineFlag() throws {
        var real = RuntimeConfiguration.Overrides()
        real.rpc = ["http://127.0.0.1:8899"]
        real.ws = "ws://127.0.0.1:8900"
        real.keypair = "id.json"
        for value in ["1", "true", "yes", "0", ""] {
            do {
                _ = try RuntimeConfiguration.resolve(
                    configFile: nil, environment: ["SOLARB_LIVE": value], flags: real, liveFlag: false)
                Issue.record("SOLARB_LIVE=\(value) must be refused")
            } catch {
                #expect(error.code == .invalidConfiguration)
                #expect(error.detail.contains("SOLARB_LIVE") && error.detail.contains("--live"))
            }
        }
        for json in [#"{"live": true}"#, #"{"live": false}"#, #"{"live": 1}"#] {
            do {
                _ = try RuntimeConfiguration.resolve(
                    configFile: (Data(json.utf8), "c.json"), environment: [:], flags: real, liveFlag: false)
                Issue.record("\(json) must be refused")
            } catch {
                #expect(error.detail.contains("c.json") && error.detail.contains("--live"))
            }
        }
        // Everything else configured from file and environment: still a dry run without the flag…
        let file = Data(#"{"rpc": ["http://127.0.0.1:8899"], "ws": "ws://127.0.0.1:8900", "keypair": "k.json"}"#.utf8)
        let dry = try RuntimeConfiguration.resolve(
            configFile: (file, "c.json"), environment: ["SOLARB_SLIPPAGE_BPS": "30"],
            flags: RuntimeConfiguration.Overrides(), liveFlag: false)
        #expect(dry.live == false)
        #expect(dry.rpcURLs == ["http://127.0.0.1:8899"])
        // …and live with it.
        let live = try RuntimeConfiguration.resolve(
            configFile: (file, "c.json"), environment: [:], flags: RuntimeConfiguration.Overrides(), liveFlag: true)
        #expect(live.live == true)
        // The flag without a real cluster is still refused.
        #expect(throws: RuntimeError.self) {
            _ = try RuntimeConfiguration.resolve(
                configFile: nil, environment: [:], flags: RuntimeConfiguration.Overrides(), liveFlag: true)
        }
    }

    /// Time settings from outside are bounded when applied, and converting them never traps.
    @Test func timeSettingsAreBoundedAndConvertWithoutTrapping() throws {
        for (key, value) in [
            ("SOLARB_DURATION", "1e16"), ("SOLARB_DURATION", "9.3e15"), ("SOLARB_DURATION", "0"),
            ("SOLARB_STATUS_INTERVAL", "1e300"), ("SOLARB_STATUS_INTERVAL", "0"),
            ("SOLARB_SLOT_MS", "18446744073709551615"), ("SOLARB_SLOT_MS", "0"),
        ] {
            var c = RuntimeConfiguration()
            do {
                try c.apply(try .environment([key: value]), source: "environment")
                Issue.record("\(key)=\(value) must be refused")
            } catch {
                #expect(error.code == .invalidConfiguration)
            }
        }
        var flags = RuntimeConfiguration.Overrides()
        flags.duration = RuntimeConfiguration.maxDurationSeconds
        flags.statusInterval = RuntimeConfiguration.maxStatusIntervalSeconds
        flags.slotMs = RuntimeConfiguration.maxSlotMilliseconds
        var c = RuntimeConfiguration()
        try c.apply(flags, source: "flags")
        #expect(RuntimeConfiguration.duration(seconds: c.durationSeconds ?? 0) == .seconds(10 * 365 * 86_400))
        // A configuration built in code is not bounded: the conversion saturates instead of trapping.
        #expect(RuntimeConfiguration.duration(seconds: 1e300) == .milliseconds(Int64.max))
        #expect(RuntimeConfiguration.duration(seconds: .infinity) == .milliseconds(Int64.max))
        #expect(RuntimeConfiguration.duration(seconds: .nan) == .zero)
        #expect(RuntimeConfiguration.duration(seconds: -5) == .zero)
        #expect(RuntimeConfiguration.duration(seconds: 0.25) == .milliseconds(250))
    }
}
