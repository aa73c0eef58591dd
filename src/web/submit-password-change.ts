import type { Context } from 'hono';
import { changePassword } from '../auth/change-password.ts';
import { ValidationError } from '../errors.ts';
import type { FieldErrors } from './components/form.tsx';
import { readAppCookie, setAppCookie } from './cookies.ts';
import type { AppEnv } from './env.ts';
import { formFields } from './form-data.ts';
import { sessionOf } from './middleware/require-user.ts';

/**
 * The three-field password form, posted from the forced first change or the
 * account page: on success the browser gets its fresh session cookie and
 * null comes back; otherwise the field errors to show.
 */
export async function submitPasswordChange(c: Context<AppEnv>): Promise<FieldErrors | null> {
  const f = await formFields(c);
  try {
    const token = await changePassword(c.get('deps'), sessionOf(c), {
      current: f.currentPassword ?? '',
      next: f.newPassword ?? '',
      repeat: f.repeatPassword ?? '',
      ip: c.get('ip'),
      userAgent: c.req.header('user-agent') ?? null,
      deviceToken: readAppCookie(c, 'device') ?? null,
    });
    setAppCookie(c, 'sid', token);
    return null;
  } catch (err) {
    if (err instanceof ValidationError) return err.fieldErrors;
    throw err;
  }
}
