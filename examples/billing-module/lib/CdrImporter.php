<?php

declare(strict_types=1);

namespace IctvoipDemo;

/**
 * The nightly import (WHMCS's daily cron hook): yesterday's CDRs from `export_cdr.php`, whole or
 * not at all. An answer cut short is asked for again once; a day already imported is not.
 */
final class CdrImporter
{
    /** @var \Closure(): \DateTimeImmutable */
    private \Closure $clock;

    /**
     * @param (callable(): \DateTimeImmutable)|null $clock the time now; a test gives the fake's clock
     */
    public function __construct(
        private readonly PbxClient $pbx,
        private readonly CdrStore $store,
        ?callable $clock = null,
    ) {
        $this->clock = \Closure::fromCallable($clock ?? static fn () => new \DateTimeImmutable('now'));
    }

    /** Yesterday, in UTC, by the clock. */
    public function yesterday(): string
    {
        return ($this->clock)()->setTimezone(new \DateTimeZone('UTC'))->modify('-1 day')->format('Y-m-d');
    }

    /** Imports yesterday's CDRs; the number imported (0 when the day was imported before). */
    public function importYesterday(): int
    {
        $day = $this->yesterday();
        if ($this->store->hasDay($day)) {
            return 0;
        }
        $fields = ['date_start' => $day, 'date_end' => $day, 'format' => 'JSON'];
        try {
            $export = $this->pbx->call('/app/xml_cdr/export_cdr.php', $fields);
        } catch (PbxException $cut) {
            if (!$cut->isCutShort()) {
                throw $cut;
            }
            $export = $this->pbx->call('/app/xml_cdr/export_cdr.php', $fields);
        }
        $records = array_values((array) ($export['records'] ?? []));
        if (count($records) !== (int) ($export['total_records'] ?? -1)) {
            throw new PbxException("export_cdr.php announced {$export['total_records']} records for {$day} and sent " . count($records));
        }
        $this->store->saveDay($day, $records);
        return count($records);
    }
}
