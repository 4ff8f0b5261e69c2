import ArgumentParser
import ContractKit

/// How fakepbx, as a client, trusts a server's certificate and proves itself: `record`,
/// `contract run` and `serve --on-miss proxy`.
struct ClientTLSOptions: ParsableArguments {
    @Flag(help: "Accept any TLS certificate (a self-signed staging server).") var insecure = false
    @Option(help: "Trust the CA certificates in this PEM file (e.g. what 'serve --tls-ca-out' wrote), not only the system's.")
    var cacert: String?
    @Option(help: "Present this client certificate (PEM) to a server that wants mutual TLS; needs --client-key.") var clientCert: String?
    @Option(help: "The private key (PEM) of --client-cert.") var clientKey: String?

    var trust: ClientTrust {
        ClientTrust(insecure: insecure, caFile: cacert, certificateFile: clientCert, keyFile: clientKey)
    }
}
