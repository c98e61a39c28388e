#!/usr/bin/env -S node --inspect-port=192.0.2.1:9229
// The shebang's --inspect-port points Node's own SIGUSR1 handler, which is
// armed before any JavaScript runs, at an address no host has (TEST-NET-1,
// RFC 5737): a SIGUSR1 in that first ~0.1 s fails to open the inspector
// instead of listening on 127.0.0.1:9229. The `hyemu` command is bin/hyemu,
// which runs this file with the same option after reading the signals the
// process inherited as ignored; run directly, nothing is (signal-guard.ts).
// Only the signal guard and the router are imported statically: ES modules
// run after their whole static import graph has loaded, and the guard must
// be listening before that (see signal-guard.ts). The rest comes from the
// command-line bundle (bundle/load.ts), or as plain modules for the bench,
// whose charting libraries the bundle leaves out.
import './signal-guard.js';
import { mayNeedBench } from './command-name.js';

const args = process.argv.slice(2);
const { commandLine } = mayNeedBench(args)
  ? { commandLine: await import('./bundle/entry.js') }
  : await (await import('./bundle/load.js')).loadCommandLine();
commandLine.startPoolEarly(args);
process.exit(await commandLine.main(args, commandLine.rawArguments(args)));
