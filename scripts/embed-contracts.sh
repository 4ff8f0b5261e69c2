#!/bin/sh
# Writes OUTDIR/EmbeddedContracts.swift holding every file under CONTRACTS as a raw string literal.
# Run by the EmbedContracts plugin before every build; the file is replaced only when its content
# changes, so an unchanged Contracts/ folder recompiles nothing.
# Usage: embed-contracts.sh CONTRACTS OUTDIR
set -eu
contracts="$1"
out="$2/EmbeddedContracts.swift"
tmp="$out.tmp.$$"
mkdir -p "$2"
{
    echo "// Generated from Contracts/ by the EmbedContracts plugin. Do not edit."
    echo "public enum EmbeddedContracts {"
    echo "    /// Every file under Contracts/, by path relative to it."
    echo "    public static let files: [(path: String, text: String)] = ["
    (cd "$contracts" && find . -type f ! -name '.*' ! -name '*.swift' | LC_ALL=C sort) | while IFS= read -r file; do
        printf '        ("%s", ####"""\n' "${file#./}"
        cat "$contracts/$file"
        printf '\n"""####),\n'
    done
    echo "    ]"
    echo "}"
} > "$tmp"
if cmp -s "$tmp" "$out"; then rm -f "$tmp"; else mv "$tmp" "$out"; fi
