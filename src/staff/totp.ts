import { Secret, TOTP } from 'otpauth';

/**
 * TOTP as RFC 6238 and every authenticator app take it: SHA-1, 6 digits,
 * 30-second steps. A code is accepted for the current step or one either
 * side (a phone's clock a little off); which step it matched is returned so
 * the caller can refuse a step already used (replay).
 */
const PERIOD_S = 30;
const DIGITS = 6;

function totp(secret: string, issuer?: string, label?: string): TOTP {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: DIGITS, period: PERIOD_S, ...(issuer ? { issuer } : {}), ...(label ? { label } : {}) });
}

/** 160 random bits, Base32 (RFC 4226's recommended length). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI the QR code carries. */
export function totpUri(secret: string, issuer: string, email: string): string {
  return totp(secret, issuer, email).toString();
}

/** The secret in groups of four, for typing it by hand. */
export function groupedSecret(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(' ');
}

export function looksLikeTotpCode(code: string): boolean {
  return new RegExp(`^\\d{${DIGITS}}$`).test(code);
}

/** The time step a code is right for at `now` (±1 step), or null. */
export function matchingStep(secret: string, code: string, now: Date): number | null {
  if (!looksLikeTotpCode(code)) return null;
  const t = totp(secret);
  const delta = t.validate({ token: code, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : t.counter({ timestamp: now.getTime() }) + delta;
}
