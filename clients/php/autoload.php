<?php

declare(strict_types=1);

// For a module installed without Composer (copied into a WHMCS folder): the package's PSR-4
// autoloader, FakePbx\ to src/. With Composer, vendor/autoload.php does the same.
spl_autoload_register(static function (string $class): void {
    if (strncmp($class, 'FakePbx\\', 8) !== 0) {
        return;
    }
    $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, 8)) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
