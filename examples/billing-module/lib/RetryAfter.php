<?php

declare(strict_types=1);

namespace IctvoipDemo;

/** How long to wait before retrying a 429. */
final class RetryAfter
{
    /**
     * The answer's `Retry-After` in seconds (a number, as FusionPBX's rate limit sends it), at
     * least 1; 60 when it has none.
     *
     * @param array<string, string> $headers the answer's headers, names in lower case
     */
    public static function seconds(array $headers): int
    {
        $value = trim($headers['retry-after'] ?? '');
        return ctype_digit($value) ? max(1, (int) $value) : 60;
    }
}
