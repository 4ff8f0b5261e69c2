<?php

declare(strict_types=1);

namespace FakePbx;

/** The fake's virtual clock, which every time-based behaviour reads (rate windows, bans, CDRs). */
final class Clock
{
    public function __construct(
        public readonly \DateTimeImmutable $now,
        public readonly float $epoch,
        public readonly bool $frozen,
    ) {
    }

    /** @param array<string, mixed> $answer */
    public static function fromArray(array $answer): self
    {
        $epoch = (float) ($answer['epoch'] ?? 0);
        $now = \DateTimeImmutable::createFromFormat('U.u', sprintf('%.6F', $epoch), new \DateTimeZone('UTC'));
        return new self($now ?: new \DateTimeImmutable('@' . (int) $epoch), $epoch, (bool) ($answer['frozen'] ?? false));
    }
}
