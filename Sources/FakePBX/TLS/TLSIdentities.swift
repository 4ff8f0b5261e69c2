import Foundation
public import JSONSchema
import NIOSSL
import SwiftASN1
import Synchronization
import X509

/// The HTTPS listener's certificates, one TLS context per ``TLSMode``, made at start, and the mode
/// in force. A new connection is handed the context of the mode in force when it is accepted, so
/// switching modes takes effect for new connections and leaves open ones alone.
///
/// Validity is against the real clock, not the virtual one: the client checks real time.
public final class TLSIdentities: Sendable {
    /// One mode's certificate and the context that presents it.
    struct Identity: Sendable {
        var chain: [Certificate]
        var context: NIOSSLContext
    }

    /// The CA clients are asked to trust.
    let authority: CertificateAuthority
    private let identities: [TLSMode: Identity]
    private let current: Mutex<TLSMode>
    /// Per-connection TLS facts (version, SNI, client certificate), by channel, for the journal.
    let connections = TLSConnections()

    /// Makes the CA (or loads the user's), then every mode's certificate and context.
    /// - Throws: ``FakePBXError`` naming the flag and file of a bad certificate or key.
    public init(_ settings: TLSSettings, host: String, now: Date = Date()) throws(FakePBXError) {
        let authority: CertificateAuthority
        if let certificateFile = settings.caCertificateFile {
            guard let keyFile = settings.caKeyFile else {
                throw FakePBXError(.invalidConfiguration, "--tls-ca-cert needs --tls-ca-key, the CA's private key", at: "--tls-ca-key")
            }
            authority = try CertificateAuthority.load(certificateFile: certificateFile, keyFile: keyFile)
        } else if settings.caKeyFile != nil {
            throw FakePBXError(.invalidConfiguration, "--tls-ca-key needs --tls-ca-cert, the CA's certificate", at: "--tls-ca-cert")
        } else {
            authority = try TLSIdentities.attempt { try CertificateAuthority.generate(commonName: "fakepbx test CA", now: now) }
        }
        var names = ["localhost", "127.0.0.1", "::1"]
        if !["0.0.0.0", "::", ""].contains(host) { names.append(host) }
        names += settings.names
        var unique: [String] = []
        for name in names where !unique.contains(name.lowercased()) { unique.append(name.lowercased()) }

        let clientTrust = try settings.clientCAFile.map { path throws(FakePBXError) in
            try PEMFile.certificates(path, flag: "--tls-client-ca")
        }
        if settings.clientAuth != .none, clientTrust == nil {
            throw FakePBXError(
                .invalidConfiguration,
                "--tls-client-auth \(settings.clientAuth.rawValue) needs --tls-client-ca FILE, the CA that issues client certificates",
                at: "--tls-client-ca")
        }
        if let minimum = settings.minimumVersion, let maximum = settings.maximumVersion, minimum.rawValue > maximum.rawValue {
            throw FakePBXError(
                .invalidConfiguration, "--tls-min-version \(minimum.rawValue) is above --tls-max-version \(maximum.rawValue)", at: "--tls-min-version"
            )
        }

        if settings.keyFile != nil, settings.certificateFile == nil {
            throw FakePBXError(.invalidConfiguration, "--tls-key needs --tls-cert, the certificate it belongs to", at: "--tls-cert")
        }
        var identities: [TLSMode: Identity] = [:]
        for mode in TLSMode.allCases {
            let (chain, key) = try TLSIdentities.certificate(for: mode, names: unique, authority: authority, settings: settings, now: now)
            let context = try TLSIdentities.context(chain: chain, key: key, settings: settings, clientTrust: clientTrust)
            identities[mode] = Identity(chain: chain, context: context)
        }
        self.authority = authority
        self.identities = identities
        self.current = Mutex(settings.mode)
        self.startMode = settings.mode
    }

    /// The mode the server started in, which a reset returns to.
    public let startMode: TLSMode

    /// The mode in force.
    public var mode: TLSMode {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }

    /// The context that presents `mode`'s certificate.
    func context(for mode: TLSMode) -> NIOSSLContext { identities[mode]!.context }

    /// The CA certificate as PEM, for `--tls-ca-out`, `GET /__fakepbx/tls/ca.pem` and clients' trust stores.
    public var caPEM: String { authority.certificate.pem }

    /// What `GET /__fakepbx/tls` reports: the mode, the certificate presented in it, and the CA.
    public var json: JSONValue {
        let mode = self.mode
        let leaf = identities[mode]!.chain[0]
        return [
            "mode": .string(mode.rawValue),
            "modes": .array(TLSMode.allCases.map { .string($0.rawValue) }),
            "certificate": [
                "subject": .string(leaf.subject.description), "issuer": .string(leaf.issuer.description),
                "names": .array(leaf.alternativeNames.map(JSONValue.string)),
                "not_before": .string(Timestamp.iso8601(Int(leaf.notValidBefore.timeIntervalSince1970))),
                "not_after": .string(Timestamp.iso8601(Int(leaf.notValidAfter.timeIntervalSince1970))),
                "sha256_fingerprint": .string(leaf.sha256Fingerprint),
            ],
            "ca": [
                "subject": .string(authority.certificate.subject.description),
                "sha256_fingerprint": .string(authority.certificate.sha256Fingerprint),
            ],
        ]
    }

    /// The certificate chain and key presented in `mode`: issued by `authority` for `names` unless
    /// the mode says otherwise, or the user's own in mode `valid` (`--tls-cert`).
    private static func certificate(
        for mode: TLSMode, names: [String], authority: CertificateAuthority, settings: TLSSettings, now: Date
    ) throws(FakePBXError) -> ([Certificate], Certificate.PrivateKey) {
        if mode == .valid, let certificateFile = settings.certificateFile {
            guard let keyFile = settings.keyFile else {
                throw FakePBXError(.invalidConfiguration, "--tls-cert needs --tls-key, the certificate's private key", at: "--tls-key")
            }
            let chain = try PEMFile.certificates(certificateFile, flag: "--tls-cert")
            let key = try PEMFile.privateKey(keyFile, flag: "--tls-key")
            guard key.publicKey == chain[0].publicKey else {
                throw FakePBXError(
                    .invalidConfiguration, "the key does not belong to the first certificate in --tls-cert; give the matching pair", at: keyFile)
            }
            return (chain, key)
        }
        let day: TimeInterval = 86400
        let (notBefore, notAfter): (Date, Date) =
            switch mode {
            case .expired: (now - 30 * day, now - day)
            case .notYetValid: (now + day, now + 365 * day)
            default: (now - 3600, now + 365 * day)
            }
        return try attempt {
            switch mode {
            case .selfSigned:
                let own = try CertificateAuthority.generate(commonName: names[0], now: now, key: try settings.keyType.serverKey())
                return ([try own.selfSigned(names: names, notBefore: notBefore, notAfter: notAfter)], own.privateKey)
            case .untrustedCA:
                let other = try CertificateAuthority.generate(commonName: "untrusted test CA", now: now)
                let (leaf, key) = try other.issue(names: names, notBefore: notBefore, notAfter: notAfter, key: try settings.keyType.serverKey())
                return ([leaf], key)
            case .wrongHost:
                let (leaf, key) = try authority.issue(
                    names: ["wrong-host.fakepbx.invalid"], notBefore: notBefore, notAfter: notAfter, key: try settings.keyType.serverKey())
                return ([leaf], key)
            case .valid, .expired, .notYetValid:
                let (leaf, key) = try authority.issue(names: names, notBefore: notBefore, notAfter: notAfter, key: try settings.keyType.serverKey())
                return ([leaf], key)
            }
        }
    }

    private static func context(
        chain: [Certificate], key: Certificate.PrivateKey, settings: TLSSettings, clientTrust: [Certificate]?
    ) throws(FakePBXError) -> NIOSSLContext {
        try attempt {
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try chain.map { .certificate(try NIOSSLCertificate(bytes: $0.der, format: .der)) },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(try key.serializeAsPEM().pemString.utf8), format: .pem))
            )
            configuration.minimumTLSVersion = settings.minimumVersion.map(\.nio) ?? .tlsv12
            configuration.cipherSuites = TLSIdentities.nginxCiphers
            if let maximum = settings.maximumVersion { configuration.maximumTLSVersion = maximum.nio }
            if let clientTrust {
                configuration.trustRoots = .certificates(try clientTrust.map { try NIOSSLCertificate(bytes: $0.der, format: .der) })
                switch settings.clientAuth {
                case .none: configuration.certificateVerification = .none
                case .optional: configuration.certificateVerification = .optionalVerification
                case .require: configuration.certificateVerification = .noHostnameVerification
                }
            }
            return try NIOSSLContext(configuration: configuration)
        }
    }

    /// The TLS 1.2 suites of stock FusionPBX's nginx (`ssl_ciphers`, fusionpbx-install.sh
    /// `debian/resources/nginx/fusionpbx`, 2023–2025). BoringSSL has no finite-field DHE, so the three
    /// `DHE-RSA-*` suites are never offered; neither does nginx offer them without `ssl_dhparam`,
    /// which that file does not set. TLS 1.3's suites are BoringSSL's fixed three, OpenSSL's defaults.
    static let nginxCiphers =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES256-SHA:AES256-SHA"

    /// Runs certificate work, reporting a failure as a configuration error.
    private static func attempt<T>(_ body: () throws -> T) throws(FakePBXError) -> T {
        do {
            return try body()
        } catch let error as FakePBXError {
            throw error
        } catch {
            throw FakePBXError(.invalidConfiguration, "cannot set up the HTTPS certificates: \(error)", at: "--https-port")
        }
    }
}

extension CertificateAuthority {
    /// A certificate signed by its own key (this authority's), for `names`: what a PBX installed
    /// with a self-signed certificate presents.
    func selfSigned(names: [String], notBefore: Date, notAfter: Date) throws -> Certificate {
        try Certificate(
            version: .v3, serialNumber: .init(), publicKey: privateKey.publicKey,
            notValidBefore: notBefore, notValidAfter: notAfter,
            issuer: certificate.subject, subject: certificate.subject,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names.map(CertificateAuthority.generalName))
            },
            issuerPrivateKey: privateKey
        )
    }
}

extension TLSProtocolVersion {
    var nio: TLSVersion {
        switch self {
        case .v1_2: .tlsv12
        case .v1_3: .tlsv13
        }
    }
}
