/// Which certificate the HTTPS listener presents: the trustworthy one, or one of the ways a real
/// PBX's certificate goes wrong (`--tls-mode`, `POST /__fakepbx/tls`, a scenario's `tls:`).
public enum TLSMode: String, Sendable, CaseIterable, Hashable {
    /// Issued by the fakepbx CA for every name the server answers to, valid now.
    case valid
    /// Issued by the CA, expired yesterday.
    case expired
    /// Issued by the CA, valid from tomorrow.
    case notYetValid = "not-yet-valid"
    /// Issued by the CA, for names that match none the client uses.
    case wrongHost = "wrong-host"
    /// Signed by its own key, not by the CA.
    case selfSigned = "self-signed"
    /// Issued by another CA that no client trusts.
    case untrustedCA = "untrusted-ca"

    /// The modes as a user spells them, for messages.
    public static let names = allCases.map(\.rawValue).joined(separator: ", ")

    /// What PHP's curl (OpenSSL 3) reports for a client that trusts the fakepbx CA.
    public var clientSees: String {
        switch self {
        case .valid: "success"
        case .expired: "60: SSL certificate problem: certificate has expired"
        case .notYetValid: "60: SSL certificate problem: certificate is not yet valid"
        case .wrongHost: "60: SSL: no alternative certificate subject name matches target host name"
        case .selfSigned: "60: SSL certificate problem: self-signed certificate"
        case .untrustedCA: "60: SSL certificate problem: unable to get local issuer certificate"
        }
    }
}

/// The TLS protocol versions fakepbx can be limited to.
public enum TLSProtocolVersion: String, Sendable, CaseIterable, Hashable {
    case v1_2 = "1.2"
    case v1_3 = "1.3"
}

/// Whether HTTPS clients must present a certificate (`--tls-client-auth`).
public enum TLSClientAuth: String, Sendable, CaseIterable, Hashable {
    case none
    case optional
    case require
}
