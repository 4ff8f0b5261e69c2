<?php

declare(strict_types=1);

namespace FakePbx\Tests\Support;

/** A billing call as a WHMCS module makes it: PHP's curl, form fields, the fake's CA trusted. */
final class Http
{
    /**
     * @param array<string, string> $fields
     * @return array{errno: int, error: string, status: int, body: string, json: mixed}
     */
    public static function post(string $url, array $fields, ?string $caFile = null, float $timeout = 30.0): array
    {
        $curl = curl_init($url);
        curl_setopt_array($curl, [
            CURLOPT_POSTFIELDS => http_build_query($fields),
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT_MS => (int) ($timeout * 1000),
        ]);
        if ($caFile !== null) {
            curl_setopt($curl, CURLOPT_CAINFO, $caFile);
        }
        $body = curl_exec($curl);
        $result = [
            'errno' => curl_errno($curl),
            'error' => curl_error($curl),
            'status' => (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE),
            'body' => is_string($body) ? $body : '',
        ];
        curl_close($curl);
        $result['json'] = json_decode($result['body'], true);
        return $result;
    }

    /**
     * The address the server sees this process call from: 127.0.0.1 for a binary on loopback,
     * a private address for a container behind a published port.
     */
    public static function clientAddress(\FakePbx\Server $server): string
    {
        $since = $server->admin()->journalCount();
        self::status($server);
        return $server->admin()->journal(endpoint: 'status')[0]->client ?? throw new \RuntimeException("the status call after entry {$since} is not in the journal");
    }

    /** `/app/status/index.php` with the default credentials. */
    public static function status(\FakePbx\Server $server): array
    {
        return self::post($server->apiUrl() . '/app/status/index.php', ['username' => 'admin', 'password' => 'your-password'], $server->caFile);
    }
}
