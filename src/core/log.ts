// Plain line logging to stdout: one line per request (`service.Operation status ms`).
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
let level: LogLevel = 'info';

export const setLogLevel = (l: LogLevel) => { level = l; };
export const isLogLevel = (s: string): s is LogLevel => s in order;
const emit = (l: LogLevel, msg: string) => { if (order[l] >= order[level]) (l === 'error' || l === 'warn' ? process.stderr : process.stdout).write(msg + '\n'); };

/** Whether a line at this level would be written (to skip building it). */
export const logs = (l: LogLevel): boolean => order[l] >= order[level];

export const log = {
  debug: (m: string) => emit('debug', m),
  info: (m: string) => emit('info', m),
  warn: (m: string) => emit('warn', m),
  error: (m: string) => emit('error', m),
};
