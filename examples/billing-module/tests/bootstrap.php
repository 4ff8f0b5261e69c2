<?php

declare(strict_types=1);

// BILLING_MODULE_LIB=broken loads the module's broken retry policy first (it ignores Retry-After),
// to show what a failing test says.
if (getenv('BILLING_MODULE_LIB') === 'broken') {
    require __DIR__ . '/../broken/RetryAfter.php';
}
require __DIR__ . '/../vendor/autoload.php';
require __DIR__ . '/../modules/servers/ictvoipdemo/ictvoipdemo.php';
