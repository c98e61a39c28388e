/** Executions of a block before it becomes a trace head (HQEMU uses 50). */
export const DEFAULT_HOT_THRESHOLD = 50;
