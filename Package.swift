// swift-tools-version:6.0
import Foundation
import PackageDescription

/// The release binary's link (README, "Memory"): the Swift runtime and Foundation linked in
/// statically, the functions `analyze`, `live` and `sessions list` run placed together
/// (`Sources/callpulse/Link/order.txt`, remade by `.ci/make-link-order`), and no symbol table
/// exported for dynamic linking (the runtime does not look symbols up; the dynamic linker
/// would otherwise read and relocate about 4 MB of it at start): the kernel maps far less of
/// the binary while it runs. With lld, which the Swift toolchain ships. Release builds only:
/// the tests link the runtime dynamically, as XCTest and Swift Testing need. (Packed relative
/// relocations, `-z pack-relative-relocs`, would take 4 MiB more off, but need glibc 2.36.)
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
let releaseLink: [LinkerSetting] = [
    .unsafeFlags([
        "-static-stdlib", "-use-ld=lld",
        // What Foundation's static archives need besides it (the targets were compiled against
        // the shared Foundation, whose own dependencies the dynamic loader brings).
        "-lFoundationInternationalization", "-l_FoundationICU", "-l_FoundationCollections",
        "-l_FoundationCShims", "-lCoreFoundation", "-lswiftSynchronization",
        "-Xlinker", "--no-export-dynamic",
        "-Xlinker", "--symbol-ordering-file=\(packageRoot)/Sources/callpulse/Link/order.txt",
        "-Xlinker", "--no-warn-symbol-ordering",
    ], .when(platforms: [.linux], configuration: .release)),
]

// Dependencies point toward CallPulseCore only (STYLE.md): Core is the DSP and the
// metrics, with the standard library alone, so live capture and file reading feed it alike.
let package = Package(
    name: "callpulse",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "callpulse", targets: ["callpulse"]),
        .executable(name: "callpulse-bench", targets: ["callpulse-bench"]),
        .executable(name: "callpulse-serve-bench", targets: ["callpulse-serve-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // `callpulse serve`: the HTTP server, bcrypt for the users' passwords, HMAC for the cookie.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // Core uses RealModule for log10/exp/cos (libm) instead of importing a platform module.
        .target(
            name: "CallPulseCore",
            dependencies: [.product(name: "RealModule", package: "swift-numerics")],
            linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]
        ),
        // alsa-lib for live capture (`callpulse live`, `callpulse devices`).
        .systemLibrary(
            name: "CALSA",
            pkgConfig: "alsa",
            providers: [.apt(["libasound2-dev"])]
        ),
        .target(name: "CallPulseAudio", dependencies: ["CallPulseCore", "CALSA"]),
        .target(name: "CallPulseRender", dependencies: ["CallPulseCore"]),
        // The session store: SQLite through GRDB (system libsqlite3 on Linux).
        .target(
            name: "CallPulseStore",
            dependencies: [
                "CallPulseCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // The supervisor's dashboard (`callpulse serve`): pages, live board, metrics.
        .target(
            name: "CallPulseServer",
            dependencies: [
                "CallPulseCore", "CallPulseRender", "CallPulseStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "callpulse",
            dependencies: [
                "CallPulseCore", "CallPulseAudio", "CallPulseRender", "CallPulseStore", "CallPulseServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["Link"],
            linkerSettings: releaseLink
        ),
        .executableTarget(name: "callpulse-bench", dependencies: ["CallPulseCore", "CallPulseAudio"]),
        // The wallboard under load: simulated monitors publishing, delays read off /events.
        .executableTarget(name: "callpulse-serve-bench", dependencies: ["CallPulseStore"]),
        // Seeded signal generators and the speech F1 scorer shared by the test targets.
        .target(
            name: "CallPulseTestSupport",
            dependencies: ["CallPulseCore", .product(name: "RealModule", package: "swift-numerics")],
            path: "Tests/CallPulseTestSupport"
        ),
        .testTarget(
            name: "CallPulseCoreTests",
            dependencies: ["CallPulseCore", "CallPulseTestSupport", .product(name: "RealModule", package: "swift-numerics")]
        ),
        .testTarget(name: "CallPulseAudioTests", dependencies: ["CallPulseAudio", "CallPulseCore", "CALSA", "CallPulseTestSupport"]),
        .testTarget(
            name: "CallPulseRenderTests",
            dependencies: ["CallPulseRender", "CallPulseCore"],
            // Golden frames of the live view, read through #filePath.
            exclude: ["LiveViewGolden"]
        ),
        .testTarget(
            name: "CallPulseStoreTests",
            dependencies: ["CallPulseStore", "CallPulseCore", "CallPulseTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "CallPulseCLITests",
            // Depends on the executable so that `swift test` builds the binary it runs.
            // GRDB: tests damage stored rows the way a broken disk or a hand edit would.
            dependencies: [
                "callpulse", "CallPulseCore", "CallPulseAudio", "CallPulseRender", "CallPulseTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            // The scripts the serve tests run: Chromium through selenium, a stalling TCP proxy.
            exclude: ["Browser"]
        ),
    ]
)
