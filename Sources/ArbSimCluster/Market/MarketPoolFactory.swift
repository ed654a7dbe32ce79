import ArbVenues
import SolanaPrimitives

extension SimCluster {
    /// Creates one pool through the DEX pool factory (Sources/ArbSimCluster/DEX) and returns its address.
    func createMarketPool(_ request: MarketPoolRequest) throws -> Address {
        throw MarketSetupError("the DEX pool factory is not available in this build (\(request.kind))")
    }
}
