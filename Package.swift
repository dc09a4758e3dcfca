// swift-tools-version:6.0
// webhook-gateway: no package dependencies. Only the toolchain plus the system libraries
// OpenSSL and libyaml, reached through header-only `.systemLibrary` shims.
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("InternalImportsByDefault"),
    // Release builds drop the run-time exclusivity checks (swift_beginAccess on every access to a
    // class's stored property): callgrind put them at 11% of the HTTP server's instructions per
    // request. Debug builds, which the whole test suite runs, keep checking.
    // Cross-module optimisation lets small functions of one module (ByteBuffer and JSONWriter
    // appends, header look-ups) inline into another's hot path: -1.6% instructions per W1 webhook
    // on the event-loop thread (bench/instructions.sh).
    .unsafeFlags(["-enforce-exclusivity=unchecked", "-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "webhook-gateway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "webhook-gateway", targets: ["webhook-gateway"]),
    ],
    targets: [
        // C shims: module maps and static inline wrappers only, nothing vendored.
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        .systemLibrary(
            name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),

        .target(name: "GatewayCore", swiftSettings: strict),
        .target(name: "GatewayCrypto", dependencies: ["COpenSSL"], swiftSettings: strict),
        .target(name: "GatewayConfig", dependencies: ["GatewayCore", "CYAML"], swiftSettings: strict),
        .target(name: "GatewayHTTP", dependencies: ["GatewayCore", "CLinux"], swiftSettings: strict),
        .target(name: "GatewayTLS", dependencies: ["GatewayHTTP", "COpenSSL"], swiftSettings: strict),
        .target(
            name: "GatewayProviders",
            dependencies: ["GatewayCore", "GatewayCrypto", "GatewayConfig"], swiftSettings: strict),
        .target(name: "GatewayStore", dependencies: ["GatewayCore", "GatewayCrypto", "CLinux"], swiftSettings: strict),
        .target(
            name: "GatewayDelivery",
            dependencies: ["GatewayCore", "GatewayCrypto", "GatewayStore", "GatewayHTTP", "GatewayTLS"],
            swiftSettings: strict),
        .target(
            name: "GatewayRuntime",
            dependencies: [
                "GatewayCore", "GatewayCrypto", "GatewayConfig", "GatewayHTTP", "GatewayTLS",
                "GatewayProviders", "GatewayStore", "GatewayDelivery", "CLinux",
            ],
            swiftSettings: strict),
        .executableTarget(name: "webhook-gateway", dependencies: ["GatewayRuntime"], swiftSettings: strict),
        // The bare HTTP server answering 200 with no work: measures what the event loop adds (bench/).
        .executableTarget(name: "http-noop-server", dependencies: ["GatewayHTTP"], path: "bench/http-noop-server", swiftSettings: strict),

        .testTarget(name: "GatewayCoreTests", dependencies: ["GatewayCore"], swiftSettings: strict),
        .testTarget(name: "GatewayCryptoTests", dependencies: ["GatewayCrypto"], swiftSettings: strict),
        .testTarget(name: "GatewayConfigTests", dependencies: ["GatewayConfig"], swiftSettings: strict),
        .testTarget(name: "GatewayHTTPTests", dependencies: ["GatewayHTTP"], swiftSettings: strict),
        .testTarget(name: "GatewayTLSTests", dependencies: ["GatewayTLS"], swiftSettings: strict),
        .testTarget(name: "GatewayProvidersTests", dependencies: ["GatewayProviders"], swiftSettings: strict),
        .testTarget(name: "GatewayStoreTests", dependencies: ["GatewayStore"], swiftSettings: strict),
        .testTarget(name: "GatewayDeliveryTests", dependencies: ["GatewayDelivery"], swiftSettings: strict),
        .testTarget(name: "GatewayRuntimeTests", dependencies: ["GatewayRuntime"], swiftSettings: strict),
    ]
)
