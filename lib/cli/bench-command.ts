import type { Command } from 'commander';

/** `hyemu bench` (added with the bench harness). */
export function addBenchCommand(_program: Command, _setExit: (code: number) => void): void {}
