// swift-tools-version: 6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "keytrail",
    products: [
        .executable(name: "keytrail", targets: ["keytrail"]),
        .executable(name: "keytrail-synth", targets: ["keytrail-synth"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CDeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // glibc's <malloc.h> (mallopt).
        .systemLibrary(name: "CMalloc"),
        // System calls written once: EINTR retries, errno text, whole-file reads, stat, clocks, the lock.
        .target(name: "KeytrailPOSIX", dependencies: ["CMalloc"], swiftSettings: strict),
        // Byte-level JSON validation and event-field extraction; standard library only.
        .target(name: "KeytrailScan", swiftSettings: strict),
        // SQLite wrapper, schema, migrations, the index's read and write API.
        .target(
            name: "KeytrailStore", dependencies: ["CSQLite", "CDeflate", "CZstd", "KeytrailScan", "KeytrailPOSIX"],
            swiftSettings: strict),
        // The pure part of ingest: framing, input shapes, extraction, the per-file reduce (no I/O).
        .target(name: "KeytrailExtract", dependencies: ["KeytrailScan"], swiftSettings: strict),
        // The I/O part of ingest, by stage: discover, read, reduce, commit, report.
        .target(
            name: "KeytrailIngest",
            dependencies: ["KeytrailExtract", "KeytrailScan", "KeytrailStore", "KeytrailPOSIX", "CZlib", "CDeflate"],
            swiftSettings: strict
        ),
        // SHA-256, SHA-1, HMAC, constant-time comparison, hex and Base64 (paging tokens, request
        // signatures); standard library only.
        .target(name: "KeytrailCrypto", swiftSettings: strict),
        // Window, as-of, order, service catalog, paging, response encoding.
        .target(
            name: "KeytrailQuery", dependencies: ["KeytrailStore", "KeytrailScan", "KeytrailCrypto", "KeytrailPOSIX"],
            swiftSettings: strict),
        // The local API endpoint: HTTP/1.1 on POSIX sockets, signature verification, limits.
        .target(
            name: "KeytrailServe", dependencies: ["KeytrailQuery", "KeytrailScan", "KeytrailCrypto", "KeytrailPOSIX"],
            swiftSettings: strict),
        // Arguments, commands, output.
        .target(
            name: "KeytrailCLI",
            dependencies: [
                "KeytrailIngest", "KeytrailExtract", "KeytrailQuery", "KeytrailServe", "KeytrailStore", "KeytrailScan",
                "KeytrailPOSIX",
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "keytrail", dependencies: ["KeytrailCLI"], swiftSettings: strict),
        // Deterministic synthetic ActionTrail archives (sample-logs, tests, benchmarks).
        .target(
            name: "KeytrailSynth", dependencies: ["CZlib", "KeytrailScan", "KeytrailPOSIX"], swiftSettings: strict),
        .executableTarget(name: "keytrail-synth", dependencies: ["KeytrailSynth"], swiftSettings: strict),
        .executableTarget(
            name: "keytrail-bench",
            dependencies: [
                "KeytrailSynth", "KeytrailQuery", "KeytrailStore", "KeytrailScan", "KeytrailExtract", "KeytrailPOSIX",
                "CSQLite",
            ],
            path: "Benchmarks/KeytrailBench",
            swiftSettings: strict
        ),
        .target(
            name: "TestSupport",
            dependencies: ["KeytrailSynth"],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "KeytrailScanTests", dependencies: ["KeytrailScan", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "KeytrailStoreTests",
            dependencies: ["KeytrailStore", "KeytrailPOSIX", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KeytrailIngestTests",
            dependencies: [
                "KeytrailIngest", "KeytrailExtract", "KeytrailStore", "KeytrailScan", "KeytrailSynth", "TestSupport",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KeytrailQueryTests",
            dependencies: ["KeytrailQuery", "KeytrailStore", "KeytrailIngest", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KeytrailServeTests",
            dependencies: [
                "KeytrailServe", "KeytrailQuery", "KeytrailScan", "KeytrailPOSIX", "KeytrailSynth", "TestSupport",
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "KeytrailCryptoTests", dependencies: ["KeytrailCrypto"], swiftSettings: strict),
        .testTarget(
            name: "KeytrailCLITests",
            dependencies: ["KeytrailSynth", "KeytrailStore", "KeytrailIngest", "KeytrailServe", "TestSupport"],
            swiftSettings: strict
        ),
    ]
)
