<?php

declare(strict_types=1);

namespace FakePbx;

/**
 * One entry of the journal: a request with the answer really sent (status 0 when the connection was
 * cut), or an event (`ban-started`, `clock`, `tls-handshake-failed`…). Secrets come redacted.
 */
final class JournalEntry
{
    /**
     * @param list<string> $applied what applied: `rate-limit:cdr`, `auth-failed`, `fault:ID`…
     * @param array<string, mixed> $fields the request's fields, credentials removed
     * @param array<string, mixed> $raw the entry as the control API wrote it
     */
    public function __construct(
        public readonly int $sequence,
        public readonly string $time,
        public readonly string $client,
        public readonly string $method,
        public readonly string $path,
        public readonly ?string $operation,
        public readonly int $status,
        public readonly array $applied,
        public readonly array $fields,
        public readonly ?string $event,
        public readonly ?string $detail,
        public readonly array $raw,
    ) {
    }

    /** @param array<string, mixed> $entry */
    public static function fromArray(array $entry): self
    {
        return new self(
            (int) ($entry['sequence'] ?? 0),
            (string) ($entry['time'] ?? ''),
            (string) ($entry['client'] ?? ''),
            (string) ($entry['method'] ?? ''),
            (string) ($entry['path'] ?? ''),
            isset($entry['operation']) ? (string) $entry['operation'] : null,
            (int) ($entry['status'] ?? 0),
            array_values(array_map('strval', (array) ($entry['applied'] ?? []))),
            (array) ($entry['fields'] ?? []),
            isset($entry['event']) ? (string) $entry['event'] : null,
            isset($entry['detail']) ? (string) $entry['detail'] : null,
            $entry,
        );
    }

    /** Whether it is an event rather than a request. */
    public function isEvent(): bool
    {
        return $this->event !== null;
    }

    /**
     * One line, as failure messages list entries:
     * `#12 10:00:03 127.0.0.1 POST /app/xml_cdr/export_cdr.php (export_cdr) -> 429 [rate-limit:cdr]`.
     */
    public function summary(): string
    {
        $time = strlen($this->time) >= 19 ? substr($this->time, 11, 8) : $this->time;
        $applied = $this->applied === [] ? '' : ' [' . implode(', ', $this->applied) . ']';
        if ($this->event !== null) {
            return "#{$this->sequence} {$time} {$this->client} event {$this->event}{$applied}"
                . ($this->detail !== null ? ": {$this->detail}" : '');
        }
        $operation = $this->operation !== null ? " ({$this->operation})" : '';
        $status = $this->status === 0 ? 'no answer' : (string) $this->status;
        return "#{$this->sequence} {$time} {$this->client} {$this->method} {$this->path}{$operation} -> {$status}{$applied}";
    }
}
