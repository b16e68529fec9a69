/** Structured JSON logs; one logger per process, named for it. */
import { pino, type Logger } from 'pino';
import type { Config } from './index.js';

export function createLogger(config: Pick<Config, 'logLevel'>, name: string): Logger {
  return pino({ name, level: config.logLevel, base: { service: name } });
}
