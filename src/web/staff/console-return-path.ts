import { safeReturnPath } from '../form-data.ts';

/** `?volver=` in the console: a page of this site under /proveedor, else null (a customer page or elsewhere is never a target). */
export function consoleReturnPath(value: string | undefined, origin: string): string | null {
  const path = safeReturnPath(value, origin);
  if (!path) return null;
  return path === '/proveedor' || /^\/proveedor[/?#]/.test(path) ? path : null;
}

/** "?volver=…" to carry a return path on to the next step, or nothing. */
export const volverQuery = (back: string | null) => (back ? `?volver=${encodeURIComponent(back)}` : '');
