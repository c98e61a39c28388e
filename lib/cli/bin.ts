#!/usr/bin/env node
import type { Writable } from 'node:stream';
import { main } from './main.js';

/** Waits until a stream has handed its buffered output to the OS. */
const flushed = (s: Writable): Promise<void> =>
  new Promise((resolve) => (s.writableNeedDrain ? s.once('drain', resolve) : resolve()));

const code = await main(process.argv.slice(2));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
