/**
 * Errors hyemu reports to its users. Each has a stable `code`; the CLI
 * prints `message` on one line and exits with `exitCode`.
 */
export type HyemuErrorCode =
  | 'ELF_INVALID'     // the file is not a program hyemu can run
  | 'FILE_NOT_FOUND'  // the program or a mount source does not exist
  | 'BAD_OPTION'      // an option or argument has an invalid value
  | 'MEMORY_LIMIT'    // the program needs more memory than allowed
  | 'INTERNAL';       // a bug in hyemu

export const EXIT_CODES: Readonly<Record<HyemuErrorCode, number>> = {
  ELF_INVALID: 126,
  FILE_NOT_FOUND: 127,
  BAD_OPTION: 2,
  MEMORY_LIMIT: 126,
  INTERNAL: 70,
};

export class HyemuError extends Error {
  constructor(readonly code: HyemuErrorCode, message: string) {
    super(message);
    this.name = 'HyemuError';
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

/** The ELF file is malformed or not a static rv32 Linux executable. */
export class ElfError extends HyemuError {
  constructor(message: string) {
    super('ELF_INVALID', message);
    this.name = 'ElfError';
  }
}

export class OptionError extends HyemuError {
  constructor(message: string) {
    super('BAD_OPTION', message);
    this.name = 'OptionError';
  }
}
