<?php

declare(strict_types=1);

namespace FakePbx;

/**
 * Reads `GET /__fakepbx/events` (Server-Sent Events) until the first entry arrives, then hangs up.
 *
 * @internal use {@see Admin::awaitEvent()}
 */
final class EventStream
{
    public function __construct(
        private readonly string $url,
        private readonly ?string $token,
    ) {
    }

    /**
     * @param array<string, scalar> $filters
     */
    public function first(array $filters, ?int $after, float $timeout): JournalEntry
    {
        $found = null;
        $pending = '';
        $data = [];
        $curl = curl_init(rtrim($this->url, '/') . '/__fakepbx/events' . ($filters === [] ? '' : '?' . http_build_query($filters)));
        $headers = ['Accept: text/event-stream'];
        if ($after !== null) {
            $headers[] = "Last-Event-ID: {$after}";
        }
        if ($this->token !== null) {
            $headers[] = 'Authorization: Bearer ' . $this->token;
        }
        curl_setopt_array($curl, [
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_TIMEOUT_MS => (int) ($timeout * 1000),
            CURLOPT_NOSIGNAL => true,
            CURLOPT_WRITEFUNCTION => static function ($curl, string $chunk) use (&$found, &$pending, &$data): int {
                $pending .= $chunk;
                while (($end = strpos($pending, "\n")) !== false) {
                    $line = rtrim(substr($pending, 0, $end), "\r");
                    $pending = substr($pending, $end + 1);
                    if (str_starts_with($line, 'data:')) {
                        $data[] = ltrim(substr($line, 5), ' ');
                    } elseif ($line === '' && $data !== []) {
                        $entry = json_decode(implode("\n", $data), true);
                        $data = [];
                        if (is_array($entry)) {
                            $found = JournalEntry::fromArray($entry);
                            return 0; // hang up: curl reports a write error, which is the way out
                        }
                    }
                }
                return strlen($chunk);
            },
        ]);
        curl_exec($curl);
        $errno = curl_errno($curl);
        $error = curl_error($curl);
        $status = (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
        curl_close($curl);
        ControlClient::log('GET /__fakepbx/events', $status);
        if ($found !== null) {
            return $found;
        }
        $wanted = $filters === [] ? 'any entry' : 'an entry matching ' . json_encode($filters, JSON_UNESCAPED_SLASHES);
        if ($errno === CURLE_OPERATION_TIMEDOUT) {
            throw new FakePbxException('timeout', "no journal entry came within {$timeout} s: waited for {$wanted}");
        }
        throw new FakePbxException(
            'transport',
            "the event stream ended before {$wanted}" . ($status >= 400 ? " (HTTP {$status}: " . trim($pending) . ')' : '') . ($errno !== 0 ? ": {$error}" : ''),
        );
    }
}
