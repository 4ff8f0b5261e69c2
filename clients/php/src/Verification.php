<?php

declare(strict_types=1);

namespace FakePbx;

/**
 * What `POST /__fakepbx/verify` found: whether every expectation held and, for each, how many
 * requests matched, the server's message and the nearest entries when it did not hold.
 */
final class Verification
{
    /**
     * @param list<array{expectation: array<string, mixed>, matched: int, holds: bool, message: ?string, nearest: list<JournalEntry>}> $expectations
     */
    public function __construct(
        public readonly bool $verified,
        public readonly array $expectations,
    ) {
    }

    /** @param array<string, mixed> $answer */
    public static function fromArray(array $answer): self
    {
        $expectations = [];
        foreach ((array) ($answer['expectations'] ?? []) as $result) {
            $expectations[] = [
                'expectation' => (array) ($result['expectation'] ?? []),
                'matched' => (int) ($result['matched'] ?? 0),
                'holds' => (bool) ($result['holds'] ?? false),
                'message' => isset($result['message']) ? (string) $result['message'] : null,
                'nearest' => array_map([JournalEntry::class, 'fromArray'], array_values((array) ($result['nearest'] ?? []))),
            ];
        }
        return new self((bool) ($answer['verified'] ?? false), $expectations);
    }

    /**
     * Each expectation that did not hold, with the server's message and its nearest journal
     * entries, one per line; empty when all held.
     */
    public function failureReport(): string
    {
        $lines = [];
        foreach ($this->expectations as $result) {
            if ($result['holds']) {
                continue;
            }
            $lines[] = 'fakepbx: ' . json_encode($result['expectation'], JSON_UNESCAPED_SLASHES) . ': '
                . ($result['message'] ?? "found {$result['matched']}");
            if ($result['nearest'] !== []) {
                $lines[] = 'nearest journal entries:';
                foreach ($result['nearest'] as $entry) {
                    $lines[] = '  ' . $entry->summary();
                }
            }
        }
        return implode("\n", $lines);
    }
}
