// Swift normalisers a provider file may name with `normalizer: <name>`. One explicit value, built
// by the runtime (or a test) and passed to the provider loader: no global registration by linking.

public struct NormalizerRegistry: Sendable {
    public private(set) var normalizers: [String: any Normalizer] = [:]

    public init() {}

    /// The normalisers compiled into the gateway. Every built-in provider is expressed in the
    /// declarative mapping, so the list is empty today; a vendor that needs Swift is added here.
    public static var builtIn: NormalizerRegistry { NormalizerRegistry() }

    public mutating func register(name: String, _ normalizer: any Normalizer) {
        normalizers[name] = normalizer
    }

    public subscript(name: String) -> (any Normalizer)? { normalizers[name] }

    public var names: [String] { normalizers.keys.sorted() }
}
