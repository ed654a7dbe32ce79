extension SimCluster {
    /// Open PubSub subscriptions on all connections (tests use it to know a subscription is registered before
    /// they produce the block it is waiting for).
    public var pubSubSubscriptionCount: Int { subscriptions.count }
}

extension SimCluster {
    /// Open PubSub connections.
    public var pubSubConnectionCount: Int { connections.count }
}

extension SimCluster {
    /// Produces the next block only if no transaction is waiting for one; returns whether it did. Checking and
    /// producing in one actor turn lets a test catch a transaction in the queue without racing the block that
    /// would execute it.
    @discardableResult
    public func advanceSlotIfIdle() -> Bool {
        guard bank.pendingCount == 0 else { return false }
        advanceSlot()
        return true
    }
}
