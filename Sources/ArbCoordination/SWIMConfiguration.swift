/// Tuning of the SWIM instance. Defaults are for a handful of nodes on a LAN or a few regions: 200 ms probe
/// period, 100 ms probe timeout. Suspicion and local-health constants follow the Lifeguard paper (Dadgar, Phillips,
/// Currey, "Lifeguard: Local Health Awareness for More Accurate Failure Detection", 2018, arXiv:1707.00788) and
/// the defaults of its reference implementation hashicorp/memberlist (`DefaultLANConfig`: SuspicionMult 4,
/// SuspicionMaxTimeoutMult 6 — we use 3, see docs/gossip.md, AwarenessMaxMultiplier 8, RetransmitMult 4, IndirectChecks 3).
public struct SWIMConfiguration: Sendable, Hashable {
    /// Protocol period T: one member probed per period (scaled by the local health multiplier).
    public var probeIntervalMillis: Int64 = 200
    /// Wait for a direct ack before asking k members for indirect probes (scaled by local health).
    public var probeTimeoutMillis: Int64 = 100
    /// k, members asked to probe indirectly.
    public var indirectProbeCount = 3
    /// α: minimum suspicion timeout = α · max(1, log10 n) · T.
    public var suspicionMultiplier: Int64 = 4
    /// β: maximum suspicion timeout = β · minimum (Lifeguard; shrinks with independent confirmations).
    public var suspicionMaxMultiplier: Int64 = 3
    /// S: the local health multiplier ranges over 0…S−1; timeouts scale by (LHM + 1).
    public var maxLocalHealth = 8
    /// λ: each update is piggybacked λ · ⌈log10(n + 1)⌉ times.
    public var retransmitMultiplier = 4
    /// Most updates piggybacked on one message (further bounded by `piggybackByteBudget`).
    public var maxPiggyback = 8
    public var piggybackByteBudget = 1_000
    /// Every this many probe periods, push the full table to one random live member (anti-entropy).
    public var syncEveryProbes = 25
    /// Every this many probe periods, ping one dead member or seed that is not in the view (heals partitions,
    /// lets restarted members back in).
    public var reconnectEveryProbes = 1
    /// After refuting a suspicion of ourselves, ping this many live members at once (their acks are not tracked;
    /// the ping header's incarnation is the refutation). Makes a briefly paused node safe against the minimum
    /// suspicion timeout; costs a few datagrams per refutation.
    public var refutationFanout = 16
    /// Dead members are forgotten after this long.
    public var deadRetentionMillis: Int64 = 300_000
    /// Upper bound on the table size (new members beyond it are ignored), so even a misbehaving key holder cannot
    /// grow our memory without bound.
    public var maxMembers = 1_024
    /// Lifeguard refinements on (local health multiplier, dynamic suspicion timeout, nacks). Off gives classic
    /// SWIM with a fixed suspicion timeout of α · max(1, log10 n) · T, for comparison in the simulator.
    public var lifeguard = true

    public init() {}
}
