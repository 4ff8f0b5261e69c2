import ArgumentParser
import FakePBX

/// `serve`'s HTTPS flags: the listener, its certificates and whom it trusts.
struct TLSOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Also serve HTTPS on this port; 0 picks a free port (off by default).") var httpsPort: String?
    @Option(help: "Write the bound HTTPS port to this file once listening.") var httpsPortFile: String?
    @Option(help: "The certificate presented (default valid).")
    var tlsMode: TLSMode?
    @Option(help: "Another name (DNS name or IP address) for the certificate, besides localhost, 127.0.0.1, ::1 and --host. Repeatable.")
    var tlsName: [String] = []
    @Option(help: "Write the CA certificate (PEM) here, for clients to trust (CURLOPT_CAINFO, curl --cacert).") var tlsCaOut: String?
    @Option(help: "Issue from this CA certificate (PEM) instead of a new one each run; needs --tls-ca-key.") var tlsCaCert: String?
    @Option(help: "The private key (PEM) of --tls-ca-cert.") var tlsCaKey: String?
    @Option(help: "Present your own certificate chain (PEM, leaf first) in mode valid; needs --tls-key.") var tlsCert: String?
    @Option(help: "The private key (PEM) of --tls-cert.") var tlsKey: String?
    @Option(
        help: "The key type of the certificates fakepbx issues: rsa (2048 bits, as a FusionPBX install makes them; the default) or ecdsa (P-256).")
    var tlsKeyType: TLSKeyType?
    @Option(help: "The lowest TLS version accepted (default 1.2).") var tlsMinVersion: TLSProtocolVersion?
    @Option(help: "The highest TLS version accepted (default 1.3).") var tlsMaxVersion: TLSProtocolVersion?
    @Option(help: "CA certificates (PEM) whose client certificates are accepted (mutual TLS).") var tlsClientCa: String?
    @Option(help: "Whether clients must present a certificate (default none; optional and require need --tls-client-ca).")
    var tlsClientAuth: TLSClientAuth?

    /// The settings these flags and their `FAKEPBX_*` variables give, over `settings`.
    func apply(_ env: EnvironmentValues, to settings: inout TLSSettings) throws {
        settings.port =
            try env.parse(httpsPort, "FAKEPBX_HTTPS_PORT", option: "--https-port", expected: "a port from 0 to 65535") {
                Int($0).flatMap { (0...65535).contains($0) ? $0 : nil }
            } ?? settings.port
        settings.portFile = env.resolve(httpsPortFile, "FAKEPBX_HTTPS_PORT_FILE") ?? settings.portFile
        settings.mode = try env.value(tlsMode, "FAKEPBX_TLS_MODE") ?? settings.mode
        let names = env.list(tlsName, "FAKEPBX_TLS_NAME")
        if !names.isEmpty { settings.names = names }
        settings.caOutFile = env.resolve(tlsCaOut, "FAKEPBX_TLS_CA_OUT") ?? settings.caOutFile
        settings.caCertificateFile = env.resolve(tlsCaCert, "FAKEPBX_TLS_CA_CERT") ?? settings.caCertificateFile
        settings.caKeyFile = env.resolve(tlsCaKey, "FAKEPBX_TLS_CA_KEY") ?? settings.caKeyFile
        settings.certificateFile = env.resolve(tlsCert, "FAKEPBX_TLS_CERT") ?? settings.certificateFile
        settings.keyFile = env.resolve(tlsKey, "FAKEPBX_TLS_KEY") ?? settings.keyFile
        settings.keyType = try env.value(tlsKeyType, "FAKEPBX_TLS_KEY_TYPE") ?? settings.keyType
        settings.minimumVersion = try env.value(tlsMinVersion, "FAKEPBX_TLS_MIN_VERSION") ?? settings.minimumVersion
        settings.maximumVersion = try env.value(tlsMaxVersion, "FAKEPBX_TLS_MAX_VERSION") ?? settings.maximumVersion
        settings.clientCAFile = env.resolve(tlsClientCa, "FAKEPBX_TLS_CLIENT_CA") ?? settings.clientCAFile
        settings.clientAuth = try env.value(tlsClientAuth, "FAKEPBX_TLS_CLIENT_AUTH") ?? settings.clientAuth
        let given =
            [httpsPortFile, tlsCaOut, tlsCaCert, tlsCert, tlsClientCa].contains { $0 != nil }
            || tlsMode != nil || tlsKeyType != nil || tlsMinVersion != nil || tlsMaxVersion != nil || tlsClientAuth != nil
        if settings.port == nil, given || !tlsName.isEmpty {
            throw ValidationError("the --tls-* and --https-port-file options apply with --https-port N (0 picks a free port)")
        }
    }
}

extension TLSMode: ExpressibleByArgument {}
extension TLSProtocolVersion: ExpressibleByArgument {}
extension TLSClientAuth: ExpressibleByArgument {}
extension TLSKeyType: ExpressibleByArgument {}
