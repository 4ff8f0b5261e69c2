public import AsyncHTTPClient
import Foundation
import NIOSSL

/// How fakepbx, as a client (`contract run`, `record`, `serve --on-miss proxy`), checks the server's
/// certificate and proves its own: the system's trust store by default, a CA file the user names
/// (`--cacert`, e.g. the one `serve --tls-ca-out` wrote), or no check at all (`--insecure`); and a
/// client certificate for servers that ask for one (`--client-cert`, `--client-key`).
public struct ClientTrust: Sendable, Hashable {
    public var insecure = false
    public var caFile: String?
    public var certificateFile: String?
    public var keyFile: String?

    public init(insecure: Bool = false, caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil) {
        self.insecure = insecure
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// An HTTP client configuration with this trust that never follows redirects (a 302 to a login
    /// page is what the user must be shown).
    /// - Throws: ``ContractError`` naming the flag and file of an unreadable certificate or key.
    public func clientConfiguration() throws(ContractError) -> HTTPClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if insecure { tls.certificateVerification = .none }
        if let caFile {
            tls.trustRoots = .certificates(try ClientTrust.certificates(caFile, flag: "--cacert"))
        }
        switch (certificateFile, keyFile) {
        case (nil, nil): break
        case (let certificate?, let key?):
            tls.certificateChain = try ClientTrust.certificates(certificate, flag: "--client-cert").map { .certificate($0) }
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            } catch {
                throw ContractError(.fileAccess, "cannot read a PEM private key (\(error)); check the path and format", at: key)
            }
        case (nil, _?): throw ContractError(.invalidArgument, "--client-key needs --client-cert, the certificate it belongs to", at: "--client-cert")
        case (_?, nil): throw ContractError(.invalidArgument, "--client-cert needs --client-key, its private key", at: "--client-key")
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow)
        configuration.redirectConfiguration = .disallow
        return configuration
    }

    private static func certificates(_ path: String, flag: String) throws(ContractError) -> [NIOSSLCertificate] {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ContractError(.fileAccess, "cannot read the file given to \(flag) (check the path and permissions)", at: path)
        }
        do {
            let certificates = try NIOSSLCertificate.fromPEMFile(path)
            guard !certificates.isEmpty else { throw ContractError(.fileAccess, "no certificate in the file", at: path) }
            return certificates
        } catch let error as ContractError {
            throw error
        } catch {
            throw ContractError(.fileAccess, "not a PEM certificate file (\(error)); \(flag) takes PEM", at: path)
        }
    }
}
