import ArgumentParser
import ContractKit
import Foundation
import NIOCore

/// Why a command stopped, and the exit code that tells a CI script: 1 the check ran and failed or
/// the server stopped, 2 a file or value it was given cannot be used, 64 a bad option (EX_USAGE).
///
/// Commands throw their library's errors (a ``ContractError``, a `DatasetError`, ...), which are
/// all bad input; ``FakePBXCommand/main()`` is the one place that prints them and exits.
enum CommandFailure {
    /// The exit code and message for any error a command throws.
    static func exitCode(for error: any Error) -> (code: Int32, message: String) {
        if let stopped = error as? Stopped { return (1, stopped.message) }
        // A bad option value found only when the command runs (`--case nope`, `--target ftp://…`).
        if let contract = error as? ContractError, contract.code == .invalidArgument { return (ExitCode.validationFailure.rawValue, "\(contract)") }
        if let io = error as? IOError { return (1, describe(io)) }
        if let nio = error as? ChannelError { return (1, "the network failed: \(nio)") }
        return (2, "\(error)")
    }

    /// A system error in words a user acts on, not NIO's `bind(descriptor:ptr:bytes:)` text.
    static func describe(_ error: IOError) -> String { SystemErrorText.describe(errno: error.errnoCode) }
}

/// A file or value the command was given that it cannot use (exit 2), for errors that are not
/// already a library's typed error.
struct InputError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { self.description = message }
}

/// A server that stopped because the system refused it (exit 1): the port in use, say.
struct Stopped: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
