/// What `serve` was told about HTTPS: where to listen, which certificates to present and whom to
/// trust. HTTPS is off while `port` is `nil`.
public struct TLSSettings: Sendable {
    /// The HTTPS port (`--https-port`); 0 picks a free one.
    public var port: Int?
    /// Where to write the bound HTTPS port once listening (`--https-port-file`).
    public var portFile: String?
    /// The certificate presented at start (`--tls-mode`).
    public var mode: TLSMode = .valid
    /// Names the certificate is issued for besides localhost, 127.0.0.1, ::1 and the host (`--tls-name`).
    public var names: [String] = []
    /// Where to write the CA certificate as PEM, for clients to trust (`--tls-ca-out`).
    public var caOutFile: String?
    /// A CA to issue from instead of a new one (`--tls-ca-cert`, `--tls-ca-key`).
    public var caCertificateFile: String?
    public var caKeyFile: String?
    /// The user's own certificate chain and key, presented in mode `valid` (`--tls-cert`, `--tls-key`).
    public var certificateFile: String?
    public var keyFile: String?
    /// The key type of the certificates fakepbx issues (`--tls-key-type`): RSA 2048, as a FusionPBX
    /// install makes them, or ECDSA P-256.
    public var keyType: TLSKeyType = .rsa
    public var minimumVersion: TLSProtocolVersion?
    public var maximumVersion: TLSProtocolVersion?
    /// CAs whose client certificates are accepted (`--tls-client-ca`), and whether one is needed.
    public var clientCAFile: String?
    public var clientAuth: TLSClientAuth = .none

    public init() {}

    /// Whether the HTTPS listener is on.
    public var isEnabled: Bool { port != nil }
}

/// The key type of the server certificates fakepbx issues. fusionpbx-install.sh's nginx presents
/// Debian's snakeoil certificate (`ssl-cert`: RSA 2048) or a Let's Encrypt one made by dehydrated with
/// `--algo rsa` (`debian/resources/letsencrypt.sh`), so RSA is what a FusionPBX server presents.
public enum TLSKeyType: String, Sendable, Hashable, CaseIterable {
    case rsa, ecdsa
}
