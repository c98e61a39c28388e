import t from 'tap';
import { parseSweep, parseSweeps } from '../lib/bench/sweep.js';
import { OptionError } from '../lib/index.js';
import { hyemu } from './helpers/cli.js';

t.test('parses a numeric tunable and the strategy', async (t) => {
  t.same(parseSweep('hotThreshold=10,50,200,1000'), {
    tunable: 'hotThreshold',
    points: [
      { label: '10', tier2: { hotThreshold: 10 } }, { label: '50', tier2: { hotThreshold: 50 } },
      { label: '200', tier2: { hotThreshold: 200 } }, { label: '1000', tier2: { hotThreshold: 1000 } },
    ],
  });
  t.same(parseSweep('max-blocks=1,256').points.map((p) => p.tier2), [{ maxBlocks: 1 }, { maxBlocks: 256 }], 'kebab-case name, bounds inclusive');
  t.same(parseSweep('strategy=net,region').points.map((p) => p.tier2), [{ strategy: 'net' }, { strategy: 'region' }]);
  t.same(parseSweep('optimizeLevel=0').points.map((p) => p.tier2), [{ optimizeLevel: 0 }], 'a single value');
});

t.test('rejects bad sweeps with a clear message', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['nosuch=1', /^--sweep: unknown tunable "nosuch"; one of hotThreshold, maxBlocks, .*strategy$/],
    ['hotThreshold', /^bad --sweep "hotThreshold": want TUNABLE=V1,V2,\.\.\./],
    ['=1,2', /^bad --sweep "=1,2"/],
    ['hotThreshold=', /^--sweep hotThreshold: empty value/],
    ['hotThreshold=10,,50', /^--sweep hotThreshold: empty value/],
    ['hotThreshold=0', /^--sweep hotThreshold: "0" is not an integer in 1\.\.1000000000$/],
    ['hotThreshold=abc', /^--sweep hotThreshold: "abc" is not an integer/],
    ['hotThreshold=2.5', /^--sweep hotThreshold: "2\.5" is not an integer/],
    ['hotThreshold=-5', /^--sweep hotThreshold: "-5" is not an integer/],
    ['optimizeLevel=5', /^--sweep optimizeLevel: "5" is not an integer in 0\.\.4$/],
    ['maxBlocks=257', /^--sweep maxBlocks: "257" is not an integer in 1\.\.256$/],
    ['strategy=trace', /^--sweep strategy: "trace" is not one of net, region$/],
    ['hotThreshold=10,10', /^--sweep hotThreshold: value 10 is given twice$/],
  ];
  for (const [spec, message] of cases) {
    t.throws(() => parseSweep(spec), OptionError, `${spec}: an OptionError`);
    t.throws(() => parseSweep(spec), { message }, `${spec}: says why`);
  }
  t.throws(() => parseSweeps(['hotThreshold=10', 'hotThreshold=50']), { message: /hotThreshold is swept twice/ });
});

t.test('the CLI exits 2 with a one-line error for a bad --sweep', async (t) => {
  for (const [spec, message] of [
    ['nosuch=1', 'hyemu: --sweep: unknown tunable "nosuch"; one of '],
    ['hotThreshold=0', 'hyemu: --sweep hotThreshold: "0" is not an integer in 1..1000000000'],
  ] as const) {
    const r = hyemu(['bench', '--sweep', spec, '--out', '/nonexistent/never-written']);
    t.equal(r.status, 2, `${spec}: exit 2`);
    t.equal(r.stdout, '', `${spec}: nothing on stdout`);
    t.equal(r.stderr.split('\n').filter((l) => l !== '').length, 1, `${spec}: one line on stderr`);
    t.ok(r.stderr.startsWith(message), `${spec}: the message (${r.stderr.trim()})`);
  }
});

t.test('the CLI exits 2 for other bad bench options', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--kernels', 'nosuch'], /^hyemu: --kernels: no kernel "nosuch"; one of list, matrix/],
    [['--repeat', '0'], /^hyemu: option '--repeat <N>' argument '0' is invalid/],
    [['--warmup-kernel', 'sieve', '--kernels', 'crc16'], /^hyemu: --warmup-kernel: "sieve" is not among the kernels run/],
    [['--no-tier2'], /^hyemu: --no-tier2 does not apply to bench/],
  ];
  for (const [args, message] of cases) {
    const r = hyemu(['bench', ...args]);
    t.equal(r.status, 2, `${args.join(' ')}: exit 2`);
    t.match(r.stderr, message, `${args.join(' ')}: says why`);
    t.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line`);
  }
  const missing = hyemu(['bench', 'no/such.elf']);
  t.equal(missing.status, 127, 'a missing ELF: exit 127');
  t.equal(missing.stderr, 'hyemu: no/such.elf: no such file\n');
});
