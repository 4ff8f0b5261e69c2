import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What `scripts/release` and `scripts/image` write into `dist/` (or `FAKEPBX_DIST`): the stripped
/// static binary, its archive and the image. `.ci/run` builds them before the tests; a test that
/// needs one fails, saying which script to run, when it is missing or older than the sources.
public enum ReleaseArtifacts {
    public static var folder: URL {
        ProcessInfo.processInfo.environment["FAKEPBX_DIST"].map { URL(fileURLWithPath: $0) } ?? repositoryFile("dist")
    }

    /// `dist/fakepbx`, the stripped binary with the static Swift runtime.
    public static func binary() throws -> URL {
        try fresh(folder.appendingPathComponent("fakepbx"), script: "release", inputs: sourceInputs)
    }

    /// `dist/fakepbx-VERSION-linux-ARCH.tar.gz`.
    public static func archive() throws -> URL {
        try fresh(named { $0.hasPrefix("fakepbx-") && $0.hasSuffix(".tar.gz") }, script: "release", inputs: sourceInputs)
    }

    /// `dist/fakepbx-VERSION-image.tar`, the archive `podman load` reads.
    public static func image() throws -> URL {
        try fresh(named { $0.hasSuffix("-image.tar") }, script: "image", inputs: [try binary(), repositoryFile("scripts/image")])
    }

    private static var sourceInputs: [URL] {
        ["Sources", "Contracts", "Package.swift", "scripts/release"].map { repositoryFile($0) }
    }

    private static func named(_ matches: (String) -> Bool) -> URL {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let name = names.filter(matches).sorted().last ?? "(none)"
        return folder.appendingPathComponent(name)
    }

    /// `file`, if it exists and is newer than every file under `inputs`.
    private static func fresh(_ file: URL, script: String, inputs: [URL]) throws -> URL {
        let fix = "run scripts/\(script) (.ci/run does; it builds with the static Swift runtime, about 12 minutes the first time)"
        guard let built = modified(file) else {
            throw RawHTTPClient.Failure("\(file.path) is missing: \(fix)")
        }
        if let newer = inputs.lazy.compactMap({ newestFile(under: $0) }).first(where: { $0.date > built }) {
            throw RawHTTPClient.Failure("\(file.path) is older than \(newer.path): \(fix)")
        }
        return file
    }

    private static func modified(_ url: URL) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
    }

    private static func newestFile(under root: URL) -> (path: String, date: Date)? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isFolder) else { return nil }
        guard isFolder.boolValue else { return modified(root).map { (root.path, $0) } }
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        return files.compactMap { name in modified(root.appendingPathComponent(name)).map { (root.path + "/" + name, $0) } }
            .max { $0.date < $1.date }
    }
}

/// Podman from Debian, driven as a user drives it. On machines where crun cannot set rlimits or
/// cgroups, podman needs `runtime = "runc"` and an empty `default_ulimits` in the file
/// `CONTAINERS_CONF` names; `.ci/run` writes one for its run.
public enum Podman {
    public static func executable() throws -> String {
        try toolOnPath("podman", neededFor: "the container tests", install: "apt-get install podman umoci skopeo")
    }

    /// Runs podman to completion; its standard output, or an error with what it said.
    @discardableResult
    public static func run(_ arguments: [String]) async throws -> String {
        let result = try await runProcess(try executable(), arguments)
        guard result.status == 0 else {
            let hint =
                result.stderr.contains("rlimit") || result.stderr.contains("crun")
                ? " (this machine's runtime cannot set rlimits: point CONTAINERS_CONF at a file with runtime = \"runc\" and default_ulimits = [], as .ci/run does)"
                : ""
            throw RawHTTPClient.Failure("podman \(arguments.prefix(3).joined(separator: " ")) failed (\(result.status)): \(result.stderr)\(hint)")
        }
        return result.stdout
    }

    private static let loaded = Mutex<[String: Task<String, any Error>]>([:])

    /// Loads an image archive once per test process; the name it loaded as.
    public static func load(_ archive: URL) async throws -> String {
        let task = loaded.withLock { tasks in
            if let task = tasks[archive.path] { return task }
            let task = Task<String, any Error> {
                let output = try await run(["load", "--quiet", "--input", archive.path])
                guard let name = output.split(separator: "\n").last?.split(separator: " ").last.map(String.init), !name.isEmpty else {
                    throw RawHTTPClient.Failure("podman load printed no image name: \(output)")
                }
                return name
            }
            tasks[archive.path] = task
            return task
        }
        return try await task.value
    }

    /// Starts a container (`podman run --detach` with `arguments`), runs `body` with it, then removes it.
    public static func withContainer<T>(_ arguments: [String], _ body: (Container) async throws -> T) async throws -> T {
        let id = try await run(["run", "--detach"] + arguments).trimmingCharacters(in: .whitespacesAndNewlines)
        let logs = try await LaunchedProcess(try executable(), ["logs", "--follow", id])
        let container = Container(id: id, logs: logs)
        do {
            let result = try await body(container)
            try await container.remove()
            return result
        } catch {
            try? await container.remove()
            throw error
        }
    }
}

/// A running container.
public struct Container: Sendable {
    public let id: String
    /// `podman logs --follow`: what the container prints, line by line.
    public let logs: LaunchedProcess

    /// The host port published for `port` (TCP).
    public func hostPort(_ port: Int) async throws -> Int {
        let mapping = try await Podman.run(["port", id, "\(port)/tcp"])
        guard let text = mapping.split(separator: "\n").first?.split(separator: ":").last, let hostPort = Int(text) else {
            throw RawHTTPClient.Failure("podman port \(id) \(port)/tcp printed '\(mapping)'")
        }
        return hostPort
    }

    /// `podman inspect --format FORMAT`.
    public func inspect(_ format: String) async throws -> String {
        try await Podman.run(["inspect", "--format", format, id]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func remove() async throws {
        defer { logs.signal(SIGTERM) }
        try await Podman.run(["rm", "--force", "--time", "0", id])
    }
}
