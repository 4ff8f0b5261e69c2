<?php

declare(strict_types=1);

namespace IctvoipDemo;

/** A call to the PBX that did not succeed: curl's error, or the API's status and message. */
final class PbxException extends \RuntimeException
{
    public function __construct(
        string $message,
        public readonly int $httpStatus = 0,
        public readonly int $curlErrno = 0,
    ) {
        parent::__construct($message);
    }

    /** The connection broke off: the answer is not whole (curl 18, 52, 56). */
    public function isCutShort(): bool
    {
        return in_array($this->curlErrno, [CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING, CURLE_RECV_ERROR], true);
    }
}
