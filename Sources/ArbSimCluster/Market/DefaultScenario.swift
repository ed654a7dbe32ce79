import Foundation

extension Scenario {
    /// The default scenario, identical to `scenarios/default.json` (a test checks it), built in so that
    /// `solarb localnet` runs a market without the repository at hand.
    public static func builtInDefault() -> Scenario {
        // The literal is a checked-in copy of the file; a broken copy is a build defect, not input.
        do { return try load(Data(defaultJSON.utf8)) } catch {
            preconditionFailure("built-in default scenario: \(error)")
        }
    }

    static let defaultJSON = #"""
        {
          "name": "default",
          "seed": 42,
          "slotMilliseconds": 400,
          "baseTokens": [
            "SOL",
            "USDC",
            "USDT"
          ],
          "tokens": [
            {
              "symbol": "SOL",
              "decimals": 9,
              "price": "150",
              "volatilityBps": 4,
              "jumpProbabilityBps": 20,
              "jumpBps": 80
            },
            {
              "symbol": "USDC",
              "decimals": 6,
              "price": "1"
            },
            {
              "symbol": "USDT",
              "decimals": 6,
              "price": "1",
              "volatilityBps": 0
            },
            {
              "symbol": "JUP",
              "decimals": 6,
              "price": "0.85",
              "volatilityBps": 8,
              "jumpProbabilityBps": 30,
              "jumpBps": 150
            },
            {
              "symbol": "WIF",
              "decimals": 6,
              "price": "1.8",
              "volatilityBps": 12,
              "jumpProbabilityBps": 40,
              "jumpBps": 200
            },
            {
              "symbol": "BONK",
              "decimals": 5,
              "price": "0.02",
              "volatilityBps": 15,
              "jumpProbabilityBps": 50,
              "jumpBps": 250
            }
          ],
          "pools": [
            {
              "kind": "raydiumAmmV4",
              "pair": [
                "SOL",
                "USDC"
              ],
              "feeBps": 25,
              "depthUsd": "8000000"
            },
            {
              "kind": "raydiumCpmm",
              "pair": [
                "SOL",
                "USDC"
              ],
              "feeBps": 25,
              "depthUsd": "1500000"
            },
            {
              "kind": "raydiumClmm",
              "pair": [
                "SOL",
                "USDC"
              ],
              "feeBps": 5,
              "depthUsd": "6000000",
              "rangeBps": 1500
            },
            {
              "kind": "orcaWhirlpool",
              "pair": [
                "SOL",
                "USDC"
              ],
              "feeBps": 4,
              "depthUsd": "10000000",
              "rangeBps": 1000
            },
            {
              "kind": "meteoraDlmm",
              "pair": [
                "SOL",
                "USDC"
              ],
              "feeBps": 10,
              "depthUsd": "3000000",
              "rangeBps": 800
            },
            {
              "kind": "orcaWhirlpool",
              "pair": [
                "SOL",
                "USDT"
              ],
              "feeBps": 5,
              "depthUsd": "2000000",
              "rangeBps": 1500
            },
            {
              "kind": "raydiumAmmV4",
              "pair": [
                "SOL",
                "USDT"
              ],
              "feeBps": 25,
              "depthUsd": "1000000"
            },
            {
              "kind": "raydiumClmm",
              "pair": [
                "USDC",
                "USDT"
              ],
              "feeBps": 1,
              "depthUsd": "5000000",
              "rangeBps": 50
            },
            {
              "kind": "orcaWhirlpool",
              "pair": [
                "USDC",
                "USDT"
              ],
              "feeBps": 1,
              "depthUsd": "4000000",
              "rangeBps": 50
            },
            {
              "kind": "meteoraDlmm",
              "pair": [
                "USDC",
                "USDT"
              ],
              "feeBps": 1,
              "depthUsd": "1000000",
              "rangeBps": 30
            },
            {
              "kind": "raydiumAmmV4",
              "pair": [
                "JUP",
                "SOL"
              ],
              "feeBps": 25,
              "depthUsd": "1200000"
            },
            {
              "kind": "orcaWhirlpool",
              "pair": [
                "JUP",
                "USDC"
              ],
              "feeBps": 30,
              "depthUsd": "800000",
              "rangeBps": 3000
            },
            {
              "kind": "raydiumCpmm",
              "pair": [
                "JUP",
                "USDC"
              ],
              "feeBps": 25,
              "depthUsd": "400000"
            },
            {
              "kind": "meteoraDlmm",
              "pair": [
                "JUP",
                "SOL"
              ],
              "feeBps": 20,
              "depthUsd": "500000",
              "rangeBps": 2500
            },
            {
              "kind": "raydiumClmm",
              "pair": [
                "JUP",
                "SOL"
              ],
              "feeBps": 25,
              "depthUsd": "600000",
              "rangeBps": 3000
            },
            {
              "kind": "raydiumAmmV4",
              "pair": [
                "WIF",
                "SOL"
              ],
              "feeBps": 25,
              "depthUsd": "2500000"
            },
            {
              "kind": "orcaWhirlpool",
              "pair": [
                "WIF",
                "USDC"
              ],
              "feeBps": 30,
              "depthUsd": "1500000",
              "rangeBps": 3000
            },
            {
              "kind": "meteoraDlmm",
              "pair": [
                "WIF",
                "SOL"
              ],
              "feeBps": 80,
              "depthUsd": "900000",
              "rangeBps": 3000
            },
            {
              "kind": "raydiumCpmm",
              "pair": [
                "WIF",
                "USDT"
              ],
              "feeBps": 100,
              "depthUsd": "300000"
            },
            {
              "kind": "raydiumClmm",
              "pair": [
                "WIF",
                "USDC"
              ],
              "feeBps": 25,
              "depthUsd": "700000",
              "rangeBps": 3000
            },
            {
              "kind": "raydiumAmmV4",
              "pair": [
                "BONK",
                "SOL"
              ],
              "feeBps": 25,
              "depthUsd": "1500000"
            },
            {
              "kind": "meteoraDlmm",
              "pair": [
                "BONK",
                "SOL"
              ],
              "feeBps": 100,
              "depthUsd": "600000",
              "rangeBps": 4000
            },
            {
              "kind": "orcaWhirlpool",
              "pair": [
                "BONK",
                "USDC"
              ],
              "feeBps": 30,
              "depthUsd": "700000",
              "rangeBps": 4000
            },
            {
              "kind": "raydiumCpmm",
              "pair": [
                "BONK",
                "USDC"
              ],
              "feeBps": 100,
              "depthUsd": "250000"
            },
            {
              "kind": "raydiumClmm",
              "pair": [
                "BONK",
                "SOL"
              ],
              "feeBps": 100,
              "depthUsd": "400000",
              "rangeBps": 4000
            }
          ],
          "noiseTraders": {
            "count": 8,
            "swapsPerSlot": 1,
            "minSizeUsd": "50",
            "maxSizeUsd": "25000",
            "towardFairPercent": 55,
            "maxPriorityMicroLamports": 50000
          },
          "searchers": {
            "count": 2,
            "latencySlots": 2,
            "gridUsd": [
              "200",
              "2000",
              "20000"
            ],
            "priorityMicroLamports": 100000,
            "tipLamports": 0,
            "minProfitUsd": "1"
          }
        }
        """#
}
