<?php

declare(strict_types=1);

// Composer's autoloader when the package was installed with Composer, else the package's own.
$composer = __DIR__ . '/../vendor/autoload.php';
require is_file($composer) ? $composer : __DIR__ . '/../autoload.php';
require_once __DIR__ . '/Support/Http.php';
