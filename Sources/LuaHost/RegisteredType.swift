/// A userdata type as Lua sees it: its name, the methods its `__index` offers
/// and the metamethods it defines besides the ones every type has
/// (`__gc`, `__close`, `__tostring`).
public struct RegisteredType: Sendable, Equatable {
    public let name: String
    public let methods: [String]
    public let metamethods: [String]
}
