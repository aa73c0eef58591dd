import { Hono, type Context } from 'hono';
import QRCode from 'qrcode';
import { confirmTotpEnrolment, pendingTotpSecret } from '../../../staff/enrol-totp.ts';
import { groupedSecret, totpUri } from '../../../staff/totp.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../components/form.tsx';
import { setAppCookie } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { formFields } from '../../form-data.ts';
import { STAFF_SECOND_FACTOR, STAFF_SIGN_IN } from '../require-staff.ts';
import { CODE_MISSING, CODE_THROTTLED, LeaveConsoleForm } from '../second-factor-form.tsx';
import { staffPage } from '../staff-page.tsx';

const TITLE = 'Configurar la verificación en dos pasos';
const ENROL_WRONG = 'El código no coincide. Revise que la hora de su teléfono sea la correcta y escriba el código que muestra ahora la aplicación.';

/**
 * /proveedor/mfa/configurar: the first sign-in (or the one after an MFA
 * reset) enrols a TOTP authenticator: a QR code drawn by the server as
 * inline SVG and the same secret as text, confirmed with one code; then ten
 * recovery codes shown this once.
 */
async function EnrolForm(props: { csrf: string; secret: string; issuer: string; email: string; errors: FieldErrors; message?: string }) {
  const svg = await QRCode.toString(totpUri(props.secret, props.issuer, props.email), { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return (
    <section class="card auth-card" aria-labelledby="titulo">
      <h1 id="titulo">{TITLE}</h1>
      <p>La consola pide siempre un segundo factor. Use una aplicación de autenticación en su teléfono (por ejemplo Google Authenticator, Microsoft Authenticator, FreeOTP o la de su gestor de claves).</p>
      <ErrorSummary errors={props.errors} message={props.message} />
      <h2>1. Escanee el código QR</h2>
      <div class="qr" role="img" aria-label="Código QR con la clave secreta para su aplicación de autenticación" dangerouslySetInnerHTML={{ __html: svg }} />
      <h2>2. O escriba la clave a mano</h2>
      <p>
        Cuenta: <bdi>{props.email}</bdi>. Clave secreta (tipo «basada en tiempo»):
      </p>
      <p class="secret" id="clave-secreta">
        {groupedSecret(props.secret)}
      </p>
      <h2>3. Confirme con un código</h2>
      <form method="post" action="/proveedor/mfa/configurar" novalidate>
        <CsrfField token={props.csrf} />
        <Field name="code" label="Código de 6 dígitos" error={props.errors.code} hint="El que muestra ahora la aplicación para esta cuenta." autocomplete="one-time-code" inputmode="numeric" required maxlength={10} />
        <button type="submit" class="primary">
          Confirmar
        </button>
      </form>
      <LeaveConsoleForm csrf={props.csrf} />
    </section>
  );
}

function RecoveryCodes(props: { codes: string[] }) {
  return (
    <section class="card auth-card" aria-labelledby="titulo">
      <h1 id="titulo">Sus códigos de recuperación</h1>
      <p class="notice success" role="status">
        La verificación en dos pasos quedó configurada.
      </p>
      <p>
        Si pierde su teléfono, cada uno de estos códigos sirve <strong>una sola vez</strong> en lugar del código de la aplicación. Guárdelos ahora en un lugar seguro (su gestor de claves, o impresos): <strong>no se volverán a mostrar</strong>.
      </p>
      <ul class="codes" aria-label="Códigos de recuperación">
        {props.codes.map((code) => (
          <li>{code}</li>
        ))}
      </ul>
      <form method="get" action="/proveedor">
        <button type="submit" class="primary">
          Ya los guardé, continuar
        </button>
      </form>
    </section>
  );
}

/** Where a request without an enrolment to do goes instead, or null to show the page. */
function elsewhere(c: Context<AppEnv>): string | null {
  const session = c.get('staffSession');
  if (!session) return STAFF_SIGN_IN;
  if (session.staff.mfaEnrolled) return session.secondFactorAt === null ? STAFF_SECOND_FACTOR : '/proveedor';
  return null;
}

export const staffMfaEnrolRoutes = new Hono<AppEnv>()
  .get('/mfa/configurar', async (c) => {
    const redirect = elsewhere(c);
    if (redirect) return c.redirect(redirect, 303);
    const session = c.get('staffSession')!;
    const { staff } = session;
    const deps = c.get('deps');
    const secret = await pendingTotpSecret(deps, session);
    if (!secret) return c.redirect('/proveedor', 303);
    const form = await EnrolForm({ csrf: c.get('csrfToken'), secret, issuer: deps.config.brand.name, email: staff.email, errors: {} });
    return staffPage(c, { title: TITLE, bare: true }, form);
  })
  .post('/mfa/configurar', async (c) => {
    const redirect = elsewhere(c);
    if (redirect) return c.redirect(redirect, 303);
    const session = c.get('staffSession')!;
    const deps = c.get('deps');
    const code = ((await formFields(c)).code ?? '').slice(0, 10);
    const again = async (status: 422 | 429, errors: FieldErrors, message?: string) => {
      const secret = await pendingTotpSecret(deps, session);
      if (!secret) return c.redirect('/proveedor', 303);
      const form = await EnrolForm({ csrf: c.get('csrfToken'), secret, issuer: deps.config.brand.name, email: session.staff.email, errors, message });
      return staffPage(c, { title: TITLE, bare: true, status }, form);
    };
    if (code.trim() === '') return again(422, { code: CODE_MISSING });
    const r = await confirmTotpEnrolment(deps, session, code, c.get('ip'));
    // A first enrolment ends the sign-in that led here.
    deps.metrics.signIns.staff(r.ok ? 'success' : r.reason === 'throttled' ? 'second-factor-throttled' : 'second-factor-failed');
    if (!r.ok) return r.reason === 'throttled' ? again(429, {}, CODE_THROTTLED) : again(422, { code: ENROL_WRONG });
    setAppCookie(c, 'staff', r.value.token);
    // Shown in this answer only: nothing keeps them in a readable form.
    return staffPage(c, { title: 'Sus códigos de recuperación', bare: true }, <RecoveryCodes codes={r.value.recoveryCodes} />);
  });
