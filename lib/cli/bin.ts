#!/usr/bin/env -S node --inspect-port=192.0.2.1:9229
// The shebang's --inspect-port points Node's own SIGUSR1 handler, which is
// armed before any JavaScript runs, at an address no host has (TEST-NET-1,
// RFC 5737): a SIGUSR1 in that first ~0.1 s fails to open the inspector
// instead of listening on 127.0.0.1:9229. The `hyemu` command is bin/hyemu,
// which runs this file with the same option after reading the signals the
// process inherited as ignored; run directly, nothing is (signal-guard.ts).
// Only the signal guard (and the early pool start) is imported statically: ES modules run after their
// whole static import graph has loaded, and the guard must be listening
// before that (see signal-guard.ts).
import './signal-guard.js';
import { startPoolEarly } from './early-pool.js';

startPoolEarly(process.argv.slice(2));
const { main } = await import('./main.js');
const { rawArguments } = await import('./raw-argv.js');
const args = process.argv.slice(2);
process.exit(await main(args, rawArguments(args)));
