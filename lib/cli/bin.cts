#!/usr/bin/env -S node --inspect-port=192.0.2.1:9229
// The shebang's --inspect-port points Node's own SIGUSR1 handler, which is
// armed before any JavaScript runs, at an address no host has (TEST-NET-1,
// RFC 5737): a SIGUSR1 in that first ~0.1 s fails to open the inspector
// instead of listening on 127.0.0.1:9229. The `hyemu` command is bin/hyemu,
// which runs this file with the same option after reading the signals the
// process inherited as ignored; run directly, nothing is (signal-guard.cts).
//
// A CommonJS module, as are the few it requires, so that Node's ES module
// loader never starts on a run's path (hello: median 153 -> 141 ms wall,
// 31 interleaved runs), and so that they run in order: the signal guard
// listens before anything else is even read. The rest comes from the
// command-line bundle (bundle/load.cts), or as plain ES modules for the
// bench, whose charting libraries the bundle leaves out.
import './signal-guard.cjs';
import { mayNeedBench } from './command-name.cjs';
import { loadCommandLine } from './bundle/load.cjs';

async function start(args: string[]): Promise<never> {
  const { commandLine } = mayNeedBench(args) ? { commandLine: await import('./bundle/entry.js') } : await loadCommandLine();
  commandLine.startPoolEarly(args);
  process.exit(await commandLine.main(args, commandLine.rawArguments(args)));
}

void start(process.argv.slice(2));
