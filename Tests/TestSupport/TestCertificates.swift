import Crypto
import FakePBX
import Foundation
import SwiftASN1
import X509

/// Certificates a test needs on the client side: a CA of its own and a client certificate it
/// issues, written as PEM files (what `CURLOPT_SSLCERT`, `curl --cert` and `--tls-client-ca` read).
public struct TestCertificates: Sendable {
    public let caFile: String
    /// The CA's private key, for a server told to issue from this CA (`--tls-ca-key`).
    public let caKeyFile: String
    public let certificateFile: String
    public let keyFile: String
    public let subject: String

    /// Makes a CA named `caName` and a client certificate for `commonName` in `folder`; with
    /// `serverNames`, a server certificate for those names instead.
    public static func client(
        commonName: String, caName: String = "billing test CA", serverNames: [String]? = nil, in folder: URL
    ) throws -> TestCertificates {
        let now = Date()
        let caKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let caSubject = try DistinguishedName { CommonName(caName) }
        let ca = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: caKey.publicKey, notValidBefore: now - 3600, notValidAfter: now + 86400,
            issuer: caSubject, subject: caSubject,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
            },
            issuerPrivateKey: caKey
        )
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let subject = try DistinguishedName {
            OrganizationName("WHMCS billing")
            CommonName(commonName)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: key.publicKey, notValidBefore: now - 3600, notValidAfter: now + 86400,
            issuer: caSubject, subject: subject,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                if let serverNames {
                    try ExtendedKeyUsage([.serverAuth])
                    SubjectAlternativeNames(serverNames.map { GeneralName.dnsName($0) })
                } else {
                    try ExtendedKeyUsage([.clientAuth])
                }
            },
            issuerPrivateKey: caKey
        )
        let files = TestCertificates(
            caFile: folder.appendingPathComponent("client-ca.pem").path,
            caKeyFile: folder.appendingPathComponent("client-ca.key").path,
            certificateFile: folder.appendingPathComponent("client.pem").path,
            keyFile: folder.appendingPathComponent("client.key").path,
            subject: subject.description
        )
        try ca.serializeAsPEM().pemString.write(toFile: files.caFile, atomically: true, encoding: .utf8)
        try caKey.serializeAsPEM().pemString.write(toFile: files.caKeyFile, atomically: true, encoding: .utf8)
        try certificate.serializeAsPEM().pemString.write(toFile: files.certificateFile, atomically: true, encoding: .utf8)
        try key.serializeAsPEM().pemString.write(toFile: files.keyFile, atomically: true, encoding: .utf8)
        return files
    }
}

/// Runs the curl program, or fails saying how to install it.
public func runCurl(_ arguments: [String]) async throws -> ProcessResult {
    try await runProcess(try curlExecutable(), arguments)
}

/// The curl program, or an error saying how to install it.
public func curlExecutable() throws -> String {
    let candidates = ["/usr/bin/curl", "/usr/local/bin/curl", "/bin/curl"]
    guard let curl = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw RawHTTPClient.Failure("this test uses the curl program, which is not installed; apt-get install curl (.ci/run does)")
    }
    return curl
}

/// Runs `body` against a fakepbx with HTTPS on a free port, its CA written to a file whose path
/// `body` gets.
public func withHTTPSFakePBX<T: Sendable>(
    _ configure: (inout FakePBXConfiguration) -> Void = { _ in },
    _ body: (TestServer, String) async throws -> T
) async throws -> T {
    try await withTemporaryDirectory { folder in
        let ca = folder.appendingPathComponent("ca.pem").path
        return try await withFakePBX({ configuration in
            configuration.tls.port = 0
            configuration.tls.caOutFile = ca
            configure(&configuration)
        }) { server in
            try await body(server, ca)
        }
    }
}
