import Crypto
import Foundation
import SwiftASN1
import Synchronization
import X509
import _CryptoExtras

/// A certificate authority that issues the HTTPS listener's certificates: fakepbx's own ("fakepbx
/// test CA", made at start), or one the user keeps across runs (`--tls-ca-cert`/`--tls-ca-key`).
struct CertificateAuthority: Sendable {
    var certificate: Certificate
    var privateKey: Certificate.PrivateKey

    /// A new CA, valid from an hour ago for ten years.
    static func generate(
        commonName: String, now: Date = Date(), key: Certificate.PrivateKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
    ) throws -> CertificateAuthority {
        let name = try DistinguishedName {
            OrganizationName("fakepbx")
            CommonName(commonName)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: key.publicKey,
            notValidBefore: now - 3600, notValidAfter: now + 10 * 365 * 86400,
            issuer: name, subject: name,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            },
            issuerPrivateKey: key
        )
        return CertificateAuthority(certificate: certificate, privateKey: key)
    }

    /// Reads a CA certificate and its private key from PEM files.
    static func load(certificateFile: String, keyFile: String) throws(FakePBXError) -> CertificateAuthority {
        let certificate = try PEMFile.certificates(certificateFile, flag: "--tls-ca-cert")[0]
        let key = try PEMFile.privateKey(keyFile, flag: "--tls-ca-key")
        guard key.publicKey == certificate.publicKey else {
            throw FakePBXError(
                .invalidConfiguration, "the key does not belong to the CA certificate in --tls-ca-cert; give the matching pair", at: keyFile)
        }
        return CertificateAuthority(certificate: certificate, privateKey: key)
    }

    /// A server certificate with `key`, for `names` (DNS names or IP addresses), valid over the
    /// given interval.
    func issue(names: [String], notBefore: Date, notAfter: Date, key: Certificate.PrivateKey) throws -> (Certificate, Certificate.PrivateKey) {
        let subject = try DistinguishedName {
            OrganizationName("fakepbx")
            CommonName(names.first ?? "localhost")
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: key.publicKey,
            notValidBefore: notBefore, notValidAfter: notAfter,
            issuer: self.certificate.subject, subject: subject,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names.map(CertificateAuthority.generalName))
                AuthorityKeyIdentifier(keyIdentifier: try? self.certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
            },
            issuerPrivateKey: privateKey
        )
        return (certificate, key)
    }

    /// A DNS name, or an IP address as the raw bytes a certificate holds.
    static func generalName(_ name: String) -> GeneralName {
        if let address = IPAddress(name) {
            let bytes = address.isIPv4 ? Array(address.bytes.suffix(4)) : address.bytes
            return .ipAddress(ASN1OctetString(contentBytes: bytes[...]))
        }
        return .dnsName(name)
    }
}

extension SubjectKeyIdentifier {
    /// The key identifier as RFC 5280 §4.2.1.2's method 1 computes it: SHA-1 of the public key bits.
    init(hash publicKey: Certificate.PublicKey) {
        self.init(keyIdentifier: ArraySlice(Insecure.SHA1.hash(data: publicKey.subjectPublicKeyInfoBytes)))
    }
}

/// PEM files a user gives: certificates and private keys, each error naming the flag and file.
enum PEMFile {
    static func text(_ path: String, flag: String) throws(FakePBXError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FakePBXError(.fileAccess, "cannot read the file given to \(flag) (check the path and permissions)", at: path)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Every certificate in the file, in order (a chain: the leaf first).
    static func certificates(_ path: String, flag: String) throws(FakePBXError) -> [Certificate] {
        let pem = try text(path, flag: flag)
        do {
            let documents = try PEMDocument.parseMultiple(pemString: pem).filter { $0.discriminator == "CERTIFICATE" }
            guard !documents.isEmpty else {
                throw FakePBXError(.invalidConfiguration, "no '-----BEGIN CERTIFICATE-----' block; \(flag) takes a PEM certificate", at: path)
            }
            return try documents.map { try Certificate(pemDocument: $0) }
        } catch let error as FakePBXError {
            throw error
        } catch {
            throw FakePBXError(.invalidConfiguration, "not a PEM certificate (\(error)); \(flag) takes a PEM file", at: path)
        }
    }

    static func privateKey(_ path: String, flag: String) throws(FakePBXError) -> Certificate.PrivateKey {
        let pem = try text(path, flag: flag)
        do {
            return try Certificate.PrivateKey(pemEncoded: pem)
        } catch {
            throw FakePBXError(
                .invalidConfiguration, "not a PEM private key that fakepbx can use (P-256, P-384, P-521, Ed25519 or RSA; \(error))",
                at: path
            )
        }
    }
}

extension Certificate {
    /// The certificate as PEM text.
    var pem: String { (try? serializeAsPEM().pemString) ?? "" }

    /// The DER encoding.
    var der: [UInt8] {
        var serializer = DER.Serializer()
        try? serializer.serialize(self)
        return serializer.serializedBytes
    }

    /// The SHA-256 fingerprint, as `openssl x509 -fingerprint -sha256` prints it.
    var sha256Fingerprint: String {
        SHA256.hash(data: der).map { String(format: "%02X", $0) }.joined(separator: ":")
    }

    /// The DNS names and IP addresses of the subject alternative names.
    var alternativeNames: [String] {
        guard let names = try? extensions.subjectAlternativeNames else { return [] }
        return names.compactMap { name in
            switch name {
            case .dnsName(let dns): return dns
            case .ipAddress(let octets):
                let bytes = Array(octets.bytes)
                if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
                if bytes.count == 16 { return IPAddress(bytes: bytes)?.description }
                return nil
            default: return nil
            }
        }
    }
}

extension TLSKeyType {
    /// One RSA key per process, made when first asked for: RSA key generation takes tens of
    /// milliseconds, and every mode's certificate (and every server a test starts) can share it.
    private static let rsaKey = Mutex<Certificate.PrivateKey?>(nil)

    /// A key of this type for a server certificate: the process's RSA 2048 key, or a new P-256 one.
    func serverKey() throws -> Certificate.PrivateKey {
        switch self {
        case .ecdsa: return Certificate.PrivateKey(P256.Signing.PrivateKey())
        case .rsa:
            return try TLSKeyType.rsaKey.withLock { key in
                if let key { return key }
                let made = Certificate.PrivateKey(try _RSA.Signing.PrivateKey(keySize: .bits2048))
                key = made
                return made
            }
        }
    }
}
