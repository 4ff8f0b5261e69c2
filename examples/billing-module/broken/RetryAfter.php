<?php

declare(strict_types=1);

namespace IctvoipDemo;

/**
 * BROKEN on purpose (`BILLING_MODULE_LIB=broken`): a module that ignores `Retry-After` and
 * retries a 429 at once. Its tests fail, naming the 429s and the journal entries.
 */
final class RetryAfter
{
    /** @param array<string, string> $headers */
    public static function seconds(array $headers): int
    {
        return 0;
    }
}
