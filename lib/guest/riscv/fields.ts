/**
 * Bit-field and pattern compilers for the declarative decode table, after
 * QEMU's decodetree.
 *
 * A field spec lists segments `pos:len` (bits pos..pos+len-1 of the
 * instruction), most significant first, concatenated; `pos:slen` marks the
 * first segment signed so the result is sign-extended. Optional suffixes:
 * `<<n` shifts the result left, `+n` adds a constant (the compressed
 * register fields x8..x15 are `2:3 +8`). A constant argument is written `=n`.
 */

export type Extractor = (insn: number) => number;

interface Segment { pos: number; len: number; signed: boolean }

export function compileField(spec: string): Extractor {
  const constMatch = /^=(-?\d+)$/.exec(spec.trim());
  if (constMatch) {
    const value = Number(constMatch[1]);
    return () => value;
  }
  const segments: Segment[] = [];
  let shift = 0;
  let add = 0;
  for (const token of spec.trim().split(/\s+/)) {
    let m: RegExpExecArray | null;
    if ((m = /^(\d+):(s?)(\d+)$/.exec(token))) {
      const seg = { pos: Number(m[1]), len: Number(m[3]), signed: m[2] === 's' };
      if (seg.signed && segments.length > 0) throw new Error(`field "${spec}": only the first segment may be signed`);
      if (seg.pos + seg.len > 32 || seg.len === 0) throw new Error(`field "${spec}": segment ${token} out of range`);
      segments.push(seg);
    } else if ((m = /^<<(\d+)$/.exec(token))) {
      shift = Number(m[1]);
    } else if ((m = /^\+(\d+)$/.exec(token))) {
      add = Number(m[1]);
    } else {
      throw new Error(`field "${spec}": cannot parse "${token}"`);
    }
  }
  if (segments.length === 0) throw new Error(`field "${spec}": no segments`);
  const width = segments.reduce((w, s) => w + s.len, 0);
  const signed = segments[0]!.signed;
  return (insn: number): number => {
    let v = 0;
    for (const s of segments) {
      const field = s.len === 32 ? insn : (insn >>> s.pos) & ((1 << s.len) - 1);
      v = s.len === 32 ? field : (v << s.len) | field;
    }
    if (signed && width < 32) v = (v << (32 - width)) >> (32 - width);
    return ((v << shift) + add) | 0;
  };
}

export interface Pattern { readonly mask: number; readonly match: number; readonly width: 16 | 32 }

/** A pattern is a string of 0, 1 and `.` (any bit), MSB first; spaces are
 *  for readability only. */
export function compilePattern(text: string): Pattern {
  const bits = text.replace(/\s+/g, '');
  if (!/^[01.]+$/.test(bits) || (bits.length !== 16 && bits.length !== 32)) {
    throw new Error(`pattern "${text}" must be 16 or 32 characters of 0, 1 and .`);
  }
  let mask = 0;
  let match = 0;
  for (const ch of bits) {
    mask = (mask << 1) | (ch === '.' ? 0 : 1);
    match = (match << 1) | (ch === '1' ? 1 : 0);
  }
  return { mask: mask >>> 0, match: match >>> 0, width: bits.length as 16 | 32 };
}
