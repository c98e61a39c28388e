/** The command a `hyemu` command line runs: its first argument that is not
 *  an option (none for `hyemu --help`). */
export function commandName(argv: readonly string[]): string | undefined {
  return argv.find((a) => !a.startsWith('-'));
}

/** Whether `argv` runs the bench or asks for help that lists it. */
export function mayNeedBench(argv: readonly string[]): boolean {
  const command = commandName(argv);
  return command === undefined || command === 'bench' || command === 'help';
}
