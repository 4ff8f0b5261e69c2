<?php

declare(strict_types=1);

/*
 * ictvoipdemo: a small WHMCS server module for a FusionPBX with the ictVoIP APIs. A service is an
 * extension: CreateAccount provisions it, SuspendAccount disables it (autosuspend's Extension
 * mode), TestConnection checks the server. The nightly CDR import is IctvoipDemo\CdrImporter.
 *
 * WHMCS calls each function with $params: serverhostname, serversecure, serverusername,
 * serverpassword, and the service's custom fields (Extension, Domain).
 */

use IctvoipDemo\PbxClient;
use IctvoipDemo\PbxException;

function ictvoipdemo_MetaData(): array
{
    return ['DisplayName' => 'ictVoIP demo (FusionPBX extension)', 'APIVersion' => '1.1', 'RequiresServer' => true];
}

function ictvoipdemo_TestConnection(array $params): array
{
    try {
        PbxClient::fromParams($params, $params['sleep'] ?? null)->call('/app/status/index.php', []);
        return ['success' => true, 'error' => ''];
    } catch (PbxException $error) {
        return ['success' => false, 'error' => ictvoipdemo_explain($error)];
    }
}

/** @return string 'success', or what went wrong, as WHMCS shows it */
function ictvoipdemo_CreateAccount(array $params): string
{
    return ictvoipdemo_extension($params, [
        'action' => 'create',
        'extension_password' => (string) $params['password'],
        'effective_caller_id_name' => (string) ($params['clientsdetails']['fullname'] ?? ''),
    ]);
}

function ictvoipdemo_SuspendAccount(array $params): string
{
    return ictvoipdemo_extension($params, ['action' => 'disable']);
}

function ictvoipdemo_UnsuspendAccount(array $params): string
{
    return ictvoipdemo_extension($params, ['action' => 'enable']);
}

/** @param array<string, string> $fields */
function ictvoipdemo_extension(array $params, array $fields): string
{
    $fields += [
        'extension' => (string) $params['customfields']['Extension'],
        'domain_name' => (string) $params['customfields']['Domain'],
    ];
    try {
        PbxClient::fromParams($params, $params['sleep'] ?? null)->call('/app/extensions/manage_extension.php', $fields);
        return 'success';
    } catch (PbxException $error) {
        return ictvoipdemo_explain($error);
    }
}

/** What an operator can act on: a certificate, a ban, credentials, or the API's own message. */
function ictvoipdemo_explain(PbxException $error): string
{
    return match (true) {
        in_array($error->curlErrno, [CURLE_SSL_CACERT, CURLE_SSL_PEER_CERTIFICATE], true) => 'The PBX certificate is not valid: ' . $error->getMessage(),
        // A ban resets the connection: during the TLS handshake curl says 35, after it 56 or 52.
        in_array($error->curlErrno, [CURLE_COULDNT_CONNECT, CURLE_SSL_CONNECT_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING], true)
            => 'The PBX refused the connection (is this WHMCS server banned by fail2ban, or missing from the whitelist?): ' . $error->getMessage(),
        $error->httpStatus === 401 => 'The PBX refused the API credentials: ' . $error->getMessage(),
        default => $error->getMessage(),
    };
}
