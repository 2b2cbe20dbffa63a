/** Whether a logger at `level` writes info lines: decided once, so hot paths skip building lines nobody keeps. */
export function logsAtInfo(level: string | undefined): boolean {
  return level === 'info' || level === 'debug' || level === 'trace';
}
