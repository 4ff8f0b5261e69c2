<?php

declare(strict_types=1);

namespace IctvoipDemo;

/**
 * Where imported CDRs go, a day at a time. The example keeps them in memory; a WHMCS module
 * would write a table with `Capsule`.
 */
final class CdrStore
{
    /** @var array<string, list<array<string, mixed>>> */
    private array $days = [];

    /** @param list<array<string, mixed>> $records */
    public function saveDay(string $day, array $records): void
    {
        $this->days[$day] = $records;
    }

    public function hasDay(string $day): bool
    {
        return isset($this->days[$day]);
    }

    /** @return list<array<string, mixed>> */
    public function day(string $day): array
    {
        return $this->days[$day] ?? [];
    }
}
