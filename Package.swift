// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "mlgate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mlgate", targets: ["mlgate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        // Spark Connect: gRPC over HTTP/2 with protobuf messages (the generated code is committed).
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.0"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // MARK: System libraries
        .systemLibrary(name: "CLibgit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .target(name: "CMemoryTuning"),

        // MARK: Engine
        // The graph is a line: Tabular → Training / GateKit → Plugins → mlgate, with the Engine
        // (GateKit + GitRepository + SparkConnect, knowing no plugin) and Reports (XMLWriting)
        // joining at mlgate, whose registry lists the plugins.
        .target(name: "GitRepository", dependencies: ["CLibgit2", "CZlib", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Tabular", dependencies: ["CZlib", "CSnappy", "CZstd"]),
        .target(name: "Training", dependencies: ["Tabular"]),
        .target(name: "GateKit", dependencies: ["Tabular", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Engine", dependencies: [
            "GateKit", "GitRepository", "SparkConnect",
            .product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // A client of Spark Connect: statistics computed where a lake-sized table is (#17).
        .target(name: "SparkConnect", dependencies: [
            "Tabular", "GateKit",
            .product(name: "GRPCCore", package: "grpc-swift-2"),
            .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ], exclude: ["Generated/README.md"]),
        .target(name: "XMLWriting", dependencies: ["CLibXML2"]),
        .target(name: "Reports", dependencies: ["GateKit", "XMLWriting"]),

        // MARK: Plugins
        .target(name: "DataValidation", dependencies: ["GateKit", "Tabular", "Training"], path: "Plugins/DataValidation", exclude: ["README.md"]),
        .target(name: "ModelRuns", dependencies: ["GateKit", "Training"]),
        .target(name: "ModelEvaluation", dependencies: ["GateKit", "Training", "ModelRuns"], path: "Plugins/ModelEvaluation", exclude: ["README.md"]),
        .target(name: "Behavioural", dependencies: ["GateKit", "Training", "ModelRuns"], path: "Plugins/Behavioural", exclude: ["README.md"]),
        .target(name: "Fairness", dependencies: ["GateKit", "Training", "ModelRuns"], path: "Plugins/Fairness", exclude: ["README.md"]),
        .target(name: "Explain", dependencies: ["GateKit", "Training", "ModelRuns"], path: "Plugins/Explain", exclude: ["README.md"]),

        // MARK: CLI
        // The registry names the built-in plugins; the engine runs whatever it is given.
        .target(name: "PluginRegistry", dependencies: ["DataValidation", "ModelEvaluation", "Behavioural", "Fairness", "Explain"]),
        .executableTarget(name: "mlgate", dependencies: [
            "Engine", "Reports", "CMemoryTuning", "GitRepository", "PluginRegistry",
            "DataValidation", "ModelEvaluation",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Fixtures
        // Builds real git repositories from fixtures/ through libgit2: used by the tests and the demo.
        .target(name: "FixtureRepos", dependencies: ["CLibgit2", .product(name: "Crypto", package: "swift-crypto")]),
        .executableTarget(name: "mlgate-fixture", dependencies: ["FixtureRepos"]),

        // MARK: Fuzzing
        // scripts/fuzz.sh builds mlgate-fuzz with -sanitize=fuzzer; without it, it replays inputs.
        .target(name: "FuzzTargets", dependencies: ["Engine", "Tabular", "PluginRegistry"]),
        .executableTarget(name: "mlgate-fuzz", dependencies: ["FuzzTargets"]),

        // MARK: Benchmarks
        // Times the data path phase by phase for benchmarks/*.py, which run the reference libraries beside it.
        .executableTarget(name: "mlgate-bench", dependencies: ["DataValidation", "GateKit", "Training", "CMemoryTuning"]),

        // MARK: Tests
        .testTarget(name: "GitRepositoryTests", dependencies: ["GitRepository", "FixtureRepos"]),
        .testTarget(name: "SparkConnectTests", dependencies: [
            "SparkConnect",
            .product(name: "GRPCCore", package: "grpc-swift-2"),
            .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
        ]),
        .testTarget(name: "TabularTests", dependencies: ["Tabular"], exclude: ["Reference"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Tabular"], exclude: ["Reference"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "FixtureRepos", "PluginRegistry", "DataValidation", "ModelEvaluation", "Behavioural", "Fairness"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "XMLWriting", "GateKit"]),
        .testTarget(name: "ModelEvaluationTests", dependencies: ["ModelEvaluation", "ModelRuns", "GateKit", "Training"]),
        .testTarget(name: "BehaviouralTests", dependencies: ["Behavioural", "GateKit"]),
        .testTarget(name: "ExplainTests", dependencies: ["Explain", "ModelRuns", "GateKit"]),
        .testTarget(name: "FairnessTests", dependencies: ["Fairness", "GateKit"], exclude: ["Reference"]),
        .testTarget(name: "DataValidationTests", dependencies: ["DataValidation", "GateKit", "Tabular"], exclude: ["Reference"]),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzTargets"]),
        .testTarget(name: "EndToEndTests", dependencies: ["FixtureRepos", "XMLWriting"], exclude: ["Snapshots"]),
    ]
)
