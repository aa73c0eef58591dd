import pino, { type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'mi-portal' }, redact: ['password', '*.password', 'req.headers.cookie'] });
}
