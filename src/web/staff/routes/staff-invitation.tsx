import { Hono } from 'hono';
import { acceptStaffInvitation, findStaffInvitation } from '../../../staff/accept-staff-invitation.ts';
import { invitationPath } from '../../../staff/staff-invitation.ts';
import { deleteStaffSession } from '../../../staff/staff-session.ts';
import { ValidationError } from '../../../errors.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../components/form.tsx';
import { setAppCookie } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { formFields } from '../../form-data.ts';
import { PasswordHint } from '../../routes/auth/password-hint.tsx';
import { STAFF_ENROL } from '../require-staff.ts';
import { staffPage } from '../staff-page.tsx';

const TITLE = 'Elija su clave para la consola';

/**
 * /proveedor/invitacion?token=…: the link from the invitation mail. The
 * token is in the query string, which the request log leaves out
 * (Referrer-Policy: no-referrer keeps it from leaving);
 * an unknown, used or expired one is a 410. After the password, a half-open
 * session goes straight to enrolling the second factor.
 */
function InvitationForm(props: { csrf: string; token: string; name: string; email: string; errors: FieldErrors }) {
  return (
    <section class="card auth-card" aria-labelledby="titulo">
      <h1 id="titulo">{TITLE}</h1>
      <p>
        Hola, <bdi>{props.name}</bdi>. Elija la clave con que ingresará a la consola del proveedor; después configurará su segundo factor.
      </p>
      <dl class="identity">
        <dt>Correo</dt>
        <dd>{props.email}</dd>
      </dl>
      <ErrorSummary errors={props.errors} />
      <form method="post" action={invitationPath(props.token)} novalidate>
        <CsrfField token={props.csrf} />
        <input type="hidden" name="username" value={props.email} autocomplete="username" />
        <Field name="newPassword" label="Nueva clave" type="password" error={props.errors.newPassword} hint={<PasswordHint />} autocomplete="new-password" required autofocus maxlength={1024} />
        <Field name="repeatPassword" label="Repita la nueva clave" type="password" error={props.errors.repeatPassword} autocomplete="new-password" required maxlength={1024} />
        <button type="submit" class="primary">
          Guardar clave
        </button>
      </form>
    </section>
  );
}

export const staffInvitationRoutes = new Hono<AppEnv>()
  .get('/invitacion', async (c) => {
    const token = c.req.query('token') ?? '';
    const invited = await findStaffInvitation(c.get('deps'), token);
    return staffPage(c, { title: TITLE, bare: true }, <InvitationForm csrf={c.get('csrfToken')} token={token} name={invited.name} email={invited.email} errors={{}} />);
  })
  .post('/invitacion', async (c) => {
    const deps = c.get('deps');
    const token = c.req.query('token') ?? '';
    const f = await formFields(c);
    let accepted;
    try {
      accepted = await acceptStaffInvitation(deps, { token, next: (f.newPassword ?? '').slice(0, 1024), repeat: (f.repeatPassword ?? '').slice(0, 1024), ip: c.get('ip'), userAgent: c.req.header('user-agent') ?? null });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const invited = await findStaffInvitation(deps, token);
      return staffPage(c, { title: TITLE, bare: true, status: 422 }, <InvitationForm csrf={c.get('csrfToken')} token={token} name={invited.name} email={invited.email} errors={err.fieldErrors} />);
    }
    const previous = c.get('staffSession');
    if (previous) await deleteStaffSession(deps.db, previous.id);
    setAppCookie(c, 'staff', accepted.token);
    return c.redirect(STAFF_ENROL, 303);
  });
