extension SimCluster {
    /// Open PubSub subscriptions on all connections (tests use it to know a subscription is registered before
    /// they produce the block it is waiting for).
    public var pubSubSubscriptionCount: Int { subscriptions.count }
}

extension SimCluster {
    /// Open PubSub connections.
    public var pubSubConnectionCount: Int { connections.count }
}
