<?php

declare(strict_types=1);

namespace FakePbx;

/** The certificate the HTTPS listener presents (`--tls-mode`, `POST /__fakepbx/tls`). */
enum TlsMode: string
{
    case Valid = 'valid';
    case Expired = 'expired';
    case NotYetValid = 'not-yet-valid';
    case WrongHost = 'wrong-host';
    case SelfSigned = 'self-signed';
    case UntrustedCa = 'untrusted-ca';
}
