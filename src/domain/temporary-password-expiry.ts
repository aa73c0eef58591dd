/**
 * A temporary password (the one mailed with the credentials) works only to
 * set a new password, and only until it expires. One rule, used by sign-in
 * and by the forced first change.
 */
export interface TemporaryPasswordState {
  must_change_password: number;
  temp_password_expires_at: string | null;
}

export function temporaryPasswordExpired(user: TemporaryPasswordState, now: Date): boolean {
  return user.must_change_password === 1 && user.temp_password_expires_at !== null && user.temp_password_expires_at <= now.toISOString();
}

export function temporaryPasswordExpiresAt(issuedAt: Date, validForMs: number): Date {
  return new Date(issuedAt.getTime() + validForMs);
}
