import { createHash } from 'node:crypto';
import t from 'tap';
import { CacheFormatError, decodeEntry, encodeEntry, FORMAT_VERSION, type CacheEntry, type CacheHeader } from '../../lib/trace-cache/format.js';
import { parseCacheFileName } from '../../lib/trace-cache/store.js';
import { entryFileName } from '../../lib/trace-cache/matching.js';

const KEY = '0123456789abcdef';
const entry = (header: Partial<CacheHeader> = {}): CacheEntry => ({
  header: {
    key: KEY, hyemuVersion: '0.1.0', name: 'region-00010000-0',
    region: { strategy: 'region', blocks: [{ pc: 0x10000, size: 6, insnCount: 2, successors: [0, null], indirectTargets: [] }] },
    exits: [{ kind: 'indirect' }, { kind: 'direct', target: 0x10006 }],
    codeLength: 6, wasmLength: 8, ...header,
  },
  code: new Uint8Array([0x13, 0, 0, 0, 0x01, 0]),
  wasm: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
});

/** A file with a valid checksum over whatever header JSON is given. */
function craft(header: unknown, code = entry().code, wasm = entry().wasm): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const fixed = Buffer.alloc(8);
  fixed.writeUInt32LE(FORMAT_VERSION, 0);
  fixed.writeUInt32LE(json.length, 4);
  const body = Buffer.concat([Buffer.from('HYEMUTRC', 'latin1'), fixed, json, code, wasm]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

t.test('an entry survives encoding', async (t) => {
  const e = entry();
  const back = decodeEntry(encodeEntry(e), KEY);
  t.same(back.header, e.header);
  t.same([...back.code], [...e.code]);
  t.same([...back.wasm], [...e.wasm]);
  const name = parseCacheFileName(entryFileName(e));
  t.same(name && { headPc: name.headPc, probeLength: name.probeLength }, { headPc: 0x10000, probeLength: 6 }, 'its file name gives the head and probe');
});

t.test('what does not decode is refused with a reason', async (t) => {
  const good = encodeEntry(entry());
  const refuse = (bytes: Uint8Array, why: RegExp, label: string, key = KEY): void => {
    let error: unknown = null;
    try {
      decodeEntry(bytes, key);
    } catch (e) {
      error = e;
    }
    t.ok(error instanceof CacheFormatError, `${label}: refused`);
    t.match((error as Error | null)?.message, why, `${label}: ${(error as Error | null)?.message}`);
  };
  refuse(good.subarray(0, good.length - 1), /checksum/, 'truncated');
  refuse(Buffer.alloc(10), /not a hyemu/, 'too short');
  const flipped = Buffer.from(good);
  flipped[40] ^= 1;
  refuse(flipped, /checksum/, 'a flipped bit');
  const newer = Buffer.from(good);
  newer.writeUInt32LE(FORMAT_VERSION + 1, 8);
  refuse(newer, /format version/, 'another format version');
  refuse(good, /other code-generation options/, 'another key', 'fedcba9876543210');
  // Crafted files with valid checksums: the header's shape is checked.
  const h = entry().header;
  refuse(craft(h, entry().code.subarray(0, 5)), /lengths|code length/, 'code shorter than the header says');
  refuse(craft({ ...h, exits: [{ kind: 'trap', signal: 'SIGKILL', pc: 0, addr: 0 }] }), /exits/, 'an exit no translator makes');
  refuse(craft({ ...h, region: { strategy: 'region', blocks: [{ ...h.region.blocks[0]!, successors: [5] }] } }), /successors/, 'a successor outside the region');
  refuse(craft({ ...h, region: { strategy: 'region', blocks: [] } }), /region blocks/, 'no blocks');
  refuse(craft('just a string'), /bad header/, 'a header that is not an object');
  t.doesNotThrow(() => decodeEntry(craft(h), KEY), 'the crafted file itself is fine when the header is');
});
