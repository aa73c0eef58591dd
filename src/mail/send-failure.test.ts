import { describe, expect, it } from 'vitest';
import { MissingSecret } from './mail-secrets.ts';
import { classifySendFailure } from './send-failure.ts';

// The shapes nodemailer gives its errors (err.code, err.responseCode, err.command).
const smtp = (code: string, responseCode: number | undefined, command: string) => Object.assign(new Error('x'), { code, responseCode, command });

describe('what a send failure means', () => {
  it('a 5xx answer about the message is permanent', () => {
    expect(classifySendFailure(smtp('EENVELOPE', 550, 'RCPT TO'))).toBe('permanent');
    expect(classifySendFailure(smtp('EENVELOPE', 553, 'MAIL FROM'))).toBe('permanent');
    expect(classifySendFailure(smtp('EMESSAGE', 554, 'DATA'))).toBe('permanent');
  });

  it('a 4xx answer about the message is deferred', () => {
    expect(classifySendFailure(smtp('EMESSAGE', 451, 'DATA'))).toBe('deferred');
    expect(classifySendFailure(smtp('EENVELOPE', 452, 'RCPT TO'))).toBe('deferred');
  });

  it('no answer, or the server refusing the session, is a connection failure, even with a 5xx', () => {
    expect(classifySendFailure(smtp('ECONNECTION', undefined, 'CONN'))).toBe('connection');
    expect(classifySendFailure(smtp('ETIMEDOUT', undefined, 'CONN'))).toBe('connection');
    expect(classifySendFailure(smtp('ESOCKET', undefined, 'CONN'))).toBe('connection');
    expect(classifySendFailure(smtp('EAUTH', 535, 'AUTH PLAIN'))).toBe('connection');
    expect(classifySendFailure(smtp('EPROTOCOL', 554, 'CONN'))).toBe('connection');
    expect(classifySendFailure(smtp('ECONNECTION', 421, 'EHLO'))).toBe('connection');
    expect(classifySendFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe('connection');
    expect(classifySendFailure(undefined)).toBe('connection');
  });

  it('a message nodemailer refuses to send, or one missing its secrets, is permanent', () => {
    expect(classifySendFailure(smtp('EENVELOPE', undefined, 'API'))).toBe('permanent');
    expect(classifySendFailure(new MissingSecret(['temporaryPassword']))).toBe('permanent');
  });
});
