<?php

declare(strict_types=1);

namespace FakePbx;

/**
 * The control API's transport: one curl handle, kept open between calls (a reset before each test
 * reuses the connection), JSON in and out, a refusal turned into a {@see ControlApiException}.
 *
 * @internal use {@see Admin}
 */
final class ControlClient
{
    /** @var \CurlHandle|null */
    private $handle = null;

    public function __construct(
        private readonly string $baseUrl,
        private readonly ?string $token = null,
        private readonly float $timeout = 30.0,
    ) {
    }

    public function __destruct()
    {
        if ($this->handle !== null) {
            curl_close($this->handle);
        }
    }

    /** The control API's root, `http://HOST:PORT/__fakepbx/`. */
    public function root(): string
    {
        return rtrim($this->baseUrl, '/') . '/__fakepbx/';
    }

    /**
     * Sends one control request and decodes its JSON answer.
     *
     * @param string $route the route below `/__fakepbx/` as the control API lists it, `clock/advance`
     *                      (`ADDRESS` and `ID` stand for a segment of the path)
     * @param string|null $path the path below `/__fakepbx/` when it is not `$route` itself
     * @param array<string, scalar|null> $query
     * @param array<mixed>|object|string|null $body JSON (an array or object), or text sent as `$contentType`
     * @param list<int> $accept statuses above 399 that are answers, not refusals (verify's 409)
     * @return array{status: int, json: array<mixed>|null, body: string, type: string}
     */
    public function send(
        string $method,
        string $route,
        ?string $path = null,
        array $query = [],
        array|object|string|null $body = null,
        string $contentType = 'application/json',
        array $accept = [],
    ): array {
        $label = "{$method} /__fakepbx/{$route}";
        $query = array_filter($query, static fn ($value) => $value !== null);
        $url = $this->root() . ($path ?? $route) . ($query === [] ? '' : '?' . http_build_query($query, '', '&', PHP_QUERY_RFC3986));
        $headers = ['Accept: application/json'];
        if ($this->token !== null) {
            $headers[] = 'Authorization: Bearer ' . $this->token;
        }
        $payload = null;
        if ($body !== null) {
            $payload = is_string($body) ? $body : json_encode($body, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES);
            $headers[] = 'Content-Type: ' . $contentType;
        }
        $curl = $this->handle ??= curl_init();
        curl_reset($curl);
        curl_setopt_array($curl, [
            CURLOPT_URL => $url,
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_TIMEOUT_MS => (int) ($this->timeout * 1000),
            CURLOPT_NOSIGNAL => true,
        ]);
        if ($method === 'HEAD') {
            curl_setopt($curl, CURLOPT_NOBODY, true);
        }
        if ($payload !== null) {
            curl_setopt($curl, CURLOPT_POSTFIELDS, $payload);
        }
        $text = curl_exec($curl);
        if ($text === false) {
            throw new FakePbxException(
                'transport',
                "{$label}: " . curl_error($curl) . " (is fakepbx running at {$this->baseUrl}?)",
            );
        }
        $status = (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
        $type = (string) curl_getinfo($curl, CURLINFO_CONTENT_TYPE);
        $json = str_starts_with($type, 'application/json') ? json_decode($text, true) : null;
        self::log($label, $status);
        if ($status >= 400 && !in_array($status, $accept, true)) {
            $message = is_array($json) && isset($json['error']) ? (string) $json['error'] : trim(substr($text, 0, 500));
            throw new ControlApiException($label, $status, $message, is_array($json) ? $json : null);
        }
        return ['status' => $status, 'json' => is_array($json) ? $json : null, 'body' => $text, 'type' => $type];
    }

    /**
     * With `FAKEPBX_CONTROL_LOG=FILE`, each control call is appended to FILE as
     * `METHOD ROUTE STATUS`: what a test suite did to the fake, for a CI log.
     */
    public static function log(string $route, int $status): void
    {
        $file = getenv('FAKEPBX_CONTROL_LOG');
        if (is_string($file) && $file !== '') {
            file_put_contents($file, "{$route} {$status}\n", FILE_APPEND | LOCK_EX);
        }
    }
}
