import Foundation

/// The result of running a built executable.
package struct RunResult: Sendable {
    /// Exit status.
    package var status: Int32
    /// Standard output as text.
    package var stdout: String
    /// Standard error as text.
    package var stderr: String
}

/// Runs the package's built executables (found beside the test bundle) as a user would.
package enum Binary {
    /// The directory holding the build products (the test bundle's own directory).
    package static var productsDirectory: String {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (exe as NSString).deletingLastPathComponent
    }

    /// The path of executable `name` (e.g. `keytrail`), or `name` itself when it is absolute.
    package static func path(_ name: String) -> String { name.hasPrefix("/") ? name : productsDirectory + "/" + name }

    /// The package root (two levels above the products directory's `.build`).
    package static var packageRoot: String {
        var dir = productsDirectory
        while dir != "/" && !FileManager.default.fileExists(atPath: dir + "/Package.swift") {
            dir = (dir as NSString).deletingLastPathComponent
        }
        return dir
    }

    /// Runs `name` with `arguments`, feeding `stdin`, in `directory`, with extra `environment`.
    package static func run(
        _ name: String, _ arguments: [String], stdin: [UInt8]? = nil, directory: String? = nil,
        environment: [String: String] = [:]
    ) throws -> RunResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path(name))
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "KEYTRAIL_DB")
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        // Drain both pipes concurrently so a chatty child never blocks.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            outData = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        if let stdin { input.fileHandleForWriting.write(Data(stdin)) }
        try? input.fileHandleForWriting.close()
        p.waitUntilExit()
        group.wait()
        return RunResult(
            status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
