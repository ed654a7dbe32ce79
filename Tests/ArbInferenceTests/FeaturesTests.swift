import ArbFeatures
import Testing

@Suite struct FeatureSchemaTests {
    @Test func countsAgree() {
        #expect(FeatureSchema.features.count == OpportunityFeatures.count)
        #expect(Set(FeatureSchema.features.map(\.name)).count == FeatureSchema.features.count)
        for (i, f) in FeatureSchema.features.enumerated() { #expect(f.index == i) }
    }
}
