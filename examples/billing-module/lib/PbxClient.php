<?php

declare(strict_types=1);

namespace IctvoipDemo;

/**
 * The module's client for the ictVoIP APIs on a FusionPBX server: PHP's curl over HTTPS with the
 * certificate checked, credentials as form fields. A 429 is retried after its `Retry-After`.
 */
final class PbxClient
{
    private const ATTEMPTS = 3;

    /** @var \Closure(int): void */
    private \Closure $sleep;

    /**
     * @param string $baseUrl `https://pbx.example.com`
     * @param string|null $caFile a CA bundle for CURLOPT_CAINFO; null uses the system's
     * @param (callable(int): void)|null $sleep waits that many seconds (a test advances the fake's clock)
     */
    public function __construct(
        private readonly string $baseUrl,
        private readonly string $username,
        private readonly string $password,
        private readonly ?string $caFile = null,
        ?callable $sleep = null,
    ) {
        $this->sleep = \Closure::fromCallable($sleep ?? static function (int $seconds): void {
            sleep($seconds);
        });
    }

    /** The client for a WHMCS server's `$params` (`serverhostname`, `serversecure`…). */
    public static function fromParams(array $params, ?callable $sleep = null): self
    {
        $scheme = ($params['serversecure'] ?? 'on') === 'on' ? 'https' : 'http';
        return new self(
            "{$scheme}://{$params['serverhostname']}",
            (string) $params['serverusername'],
            (string) $params['serverpassword'],
            $params['ca_file'] ?? null,
            $sleep,
        );
    }

    /**
     * POSTs to an API script and returns its JSON document.
     *
     * @param array<string, string> $fields
     * @return array<string, mixed>
     */
    public function call(string $script, array $fields): array
    {
        for ($attempt = 1; ; $attempt++) {
            [$status, $headers, $body] = $this->post($script, $fields);
            if ($status === 429 && $attempt < self::ATTEMPTS) {
                $wait = RetryAfter::seconds($headers);
                if ($wait > 0) {
                    ($this->sleep)($wait);
                }
                continue;
            }
            return $this->decode($script, $status, $body);
        }
    }

    /**
     * @param array<string, string> $fields
     * @return array{int, array<string, string>, string}
     */
    private function post(string $script, array $fields): array
    {
        $headers = [];
        $curl = curl_init(rtrim($this->baseUrl, '/') . $script);
        curl_setopt_array($curl, [
            CURLOPT_POSTFIELDS => http_build_query($fields + ['username' => $this->username, 'password' => $this->password]),
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_CONNECTTIMEOUT => 10,
            CURLOPT_TIMEOUT => 60,
            CURLOPT_HEADERFUNCTION => static function ($curl, string $line) use (&$headers): int {
                if (str_contains($line, ':')) {
                    [$name, $value] = explode(':', $line, 2);
                    $headers[strtolower(trim($name))] = trim($value);
                }
                return strlen($line);
            },
        ]);
        if ($this->caFile !== null) {
            curl_setopt($curl, CURLOPT_CAINFO, $this->caFile);
        }
        $body = curl_exec($curl);
        $errno = curl_errno($curl);
        $error = curl_error($curl);
        $status = (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
        curl_close($curl);
        if ($errno !== 0) {
            throw new PbxException("{$script}: {$error} (curl error {$errno})", $status, $errno);
        }
        return [$status, $headers, (string) $body];
    }

    /** @return array<string, mixed> */
    private function decode(string $script, int $status, string $body): array
    {
        $document = json_decode($body, true);
        if (!is_array($document)) {
            throw new PbxException("{$script} answered {$status} with a body that is not JSON: " . substr($body, 0, 80), $status);
        }
        if ($status !== 200 || ($document['status'] ?? '') !== 'success') {
            throw new PbxException("{$script} answered {$status}: " . ($document['message'] ?? 'no message'), $status);
        }
        return $document;
    }
}
