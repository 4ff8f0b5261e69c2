<?php

declare(strict_types=1);

namespace FakePbx;

/**
 * Every error of this package: what went wrong and how to fix it, with a short code naming the
 * kind of failure (`control-api`, `server-start`, `transport`, `usage`).
 */
class FakePbxException extends \RuntimeException
{
    public function __construct(
        public readonly string $errorCode,
        string $message,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, 0, $previous);
    }
}
