import type { Context } from 'hono';
import { Hono } from 'hono';
import type { StaffRole } from '../../../db/schema.ts';
import { AppError, ValidationError } from '../../../errors.ts';
import { STAFF_ROLE_LABEL, STAFF_ROLES, staffCan } from '../../../policies/staff-policy.ts';
import { changeStaffRole } from '../../../staff/change-staff-role.ts';
import { inviteStaff } from '../../../staff/invite-staff.ts';
import { listStaff, type StaffListItem, type StaffState } from '../../../staff/list-staff.ts';
import { resendStaffInvitation } from '../../../staff/resend-staff-invitation.ts';
import { resetStaffMfa } from '../../../staff/reset-staff-mfa.ts';
import { sendStaffPasswordLink } from '../../../staff/send-staff-password-link.ts';
import { setStaffDisabled } from '../../../staff/set-staff-disabled.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../components/form.tsx';
import { formatDateTime } from '../../components/format.ts';
import { setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { formFields } from '../../form-data.ts';
import { requireStaff, staffPrincipalOf, staffSessionOf } from '../require-staff.ts';
import { staffPage } from '../staff-page.tsx';

const STATE_LABEL: Record<StaffState, string> = {
  invited: 'Invitación pendiente',
  'pending-enrolment': 'Falta configurar MFA',
  active: 'Activo',
  disabled: 'Deshabilitado',
};

const INVITE_LABELS = { email: 'Correo', name: 'Nombre', role: 'Rol' };

interface PageState {
  errors?: FieldErrors;
  values?: Record<string, string>;
  /** A refused change (the last administrator, oneself): said above the list. */
  refused?: string;
}

/** Each button's name starts with its visible text (WCAG 2.5.3: a voice user says what they see), then whose row it is. */
function RowActions(props: { s: StaffListItem; self: boolean; csrf: string }) {
  const { s, csrf } = props;
  if (props.self) return <span class="muted">Su propia cuenta</span>;
  const base = `/proveedor/personal/${s.id}`;
  return (
    <div class="row-actions">
      <form method="post" action={`${base}/rol`} class="inline">
        <CsrfField token={csrf} />
        <label for={`rol-${s.id}`} class="visually-hidden">
          Rol de {s.name}
        </label>
        <select id={`rol-${s.id}`} name="role">
          {STAFF_ROLES.map((r) => (
            <option value={r} selected={r === s.role}>
              {STAFF_ROLE_LABEL[r]}
            </option>
          ))}
        </select>{' '}
        <button type="submit" aria-label={`Cambiar rol: ${s.email}`}>
          Cambiar rol
        </button>
      </form>
      {s.state === 'invited' ? (
        <form method="post" action={`${base}/reenviar`} class="inline">
          <CsrfField token={csrf} />
          <button type="submit" aria-label={`Reenviar invitación: ${s.email}`}>
            Reenviar invitación
          </button>
        </form>
      ) : null}
      {s.state === 'active' || s.state === 'pending-enrolment' ? (
        <form method="post" action={`${base}/nueva-clave`} class="inline">
          <CsrfField token={csrf} />
          <button type="submit" aria-label={`Enviar enlace para nueva clave: ${s.email}`}>
            Enviar enlace para nueva clave
          </button>
        </form>
      ) : null}
      {s.mfaEnrolled ? (
        <form method="post" action={`${base}/restablecer-mfa`} class="inline">
          <CsrfField token={csrf} />
          <button type="submit" aria-label={`Restablecer MFA: ${s.email}`}>
            Restablecer MFA
          </button>
        </form>
      ) : null}
      <form method="post" action={`${base}/${s.state === 'disabled' ? 'habilitar' : 'deshabilitar'}`} class="inline">
        <CsrfField token={csrf} />
        <button type="submit" class={s.state === 'disabled' ? undefined : 'danger'} aria-label={`${s.state === 'disabled' ? 'Habilitar' : 'Deshabilitar'} a ${s.email}`}>
          {s.state === 'disabled' ? 'Habilitar' : 'Deshabilitar'}
        </button>
      </form>
    </div>
  );
}

function InviteForm(props: { csrf: string; errors: FieldErrors; values: Record<string, string> }) {
  const { errors, values } = props;
  return (
    <section class="card" aria-labelledby="invitar">
      <h2 id="invitar">Invitar a una persona</h2>
      <p>Recibirá por correo un enlace de un solo uso para elegir su clave; al ingresar por primera vez configurará su segundo factor.</p>
      <ErrorSummary errors={errors} labels={INVITE_LABELS} />
      <form method="post" action="/proveedor/personal/invitar" novalidate>
        <CsrfField token={props.csrf} />
        <Field name="email" label="Correo" type="email" autocomplete="off" required maxlength={254} value={values.email} error={errors.email} />
        <Field name="name" label="Nombre" autocomplete="off" required maxlength={120} value={values.name} error={errors.name} />
        <div class={errors.role ? 'field has-error' : 'field'}>
          <label for="role">Rol</label>
          {errors.role ? (
            <p class="field-error" id="role-error">
              {errors.role}
            </p>
          ) : null}
          <select id="role" name="role" aria-invalid={errors.role ? 'true' : undefined} aria-describedby={errors.role ? 'role-error' : undefined}>
            {STAFF_ROLES.map((r) => (
              <option value={r} selected={r === (values.role ?? 'soporte')}>
                {STAFF_ROLE_LABEL[r]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="primary">
          Enviar invitación
        </button>
      </form>
    </section>
  );
}

async function render(c: Context<AppEnv>, state: PageState = {}, status: 200 | 409 | 422 = 200) {
  const { staff } = staffSessionOf(c);
  const members = await listStaff(c.get('deps').db);
  const manages = staffCan(staff.role, 'staff:manage');
  const csrf = c.get('csrfToken');
  return staffPage(
    c,
    { title: 'Personal', current: 'personal', status },
    <>
      <h1>Personal</h1>
      <p>Quienes trabajan en la consola, su rol y el estado de su acceso. Cambiar a alguien pide confirmar su segundo factor si el último tiene más de 10 minutos.</p>
      {state.refused ? (
        <p class="notice error" role="alert">
          {state.refused}
        </p>
      ) : null}
      <div class="table-scroll">
        <table class="data stack">
          <caption>Personal del proveedor ({members.length})</caption>
          <thead>
            <tr>
              <th scope="col">Nombre</th>
              <th scope="col">Correo</th>
              <th scope="col">Rol</th>
              <th scope="col">Estado</th>
              <th scope="col">MFA</th>
              <th scope="col">Último ingreso</th>
              {manages ? <th scope="col">Acciones</th> : null}
            </tr>
          </thead>
          <tbody>
            {members.map((s) => (
              <tr>
                <td data-label="Nombre">
                  <bdi>{s.name}</bdi>
                </td>
                <td data-label="Correo">{s.email}</td>
                <td data-label="Rol">{STAFF_ROLE_LABEL[s.role]}</td>
                <td data-label="Estado">
                  <span class={`badge state-${s.state}`}>{STATE_LABEL[s.state]}</span>
                  {s.state === 'invited' && s.invitationExpiresAt ? (
                    <span class="muted"> (vence el {formatDateTime(s.invitationExpiresAt)})</span>
                  ) : null}
                </td>
                <td data-label="MFA">{s.mfaEnrolled ? 'Configurado' : 'Sin configurar'}</td>
                <td data-label="Último ingreso">{s.lastSignInAt ? formatDateTime(s.lastSignInAt) : 'Nunca'}</td>
                {manages ? (
                  <td data-label="Acciones">
                    <RowActions s={s} self={s.id === staff.id} csrf={csrf} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {manages ? <InviteForm csrf={csrf} errors={state.errors ?? {}} values={state.values ?? {}} /> : null}
    </>,
  );
}

/** Runs a change; a refusal the page can explain (409: oneself, the last administrator, an accepted invitation) is shown above the list. */
async function change(c: Context<AppEnv>, run: () => Promise<string>) {
  try {
    setFlash(c, await run(), 'staff_flash');
  } catch (err) {
    if (err instanceof AppError && err.status === 409) return render(c, { refused: err.message }, 409);
    throw err;
  }
  return c.redirect('/proveedor/personal', 303);
}

const ROLE_WORD: Record<StaffRole, string> = { admin: 'administrador', soporte: 'soporte', editor: 'editor de ayuda', lectura: 'sólo lectura' };

/** Personal (administrators only): the staff list, invitations, roles, disabling and MFA resets. Every write asks staff:manage (a step-up action). */
export const staffAdminRoutes = new Hono<AppEnv>()
  .get('/personal', requireStaff('staff:read'), (c) => render(c))
  .post('/personal/invitar', requireStaff('staff:manage'), async (c) => {
    const form = await formFields(c);
    const values = { email: form.email ?? '', name: form.name ?? '', role: form.role ?? '' };
    try {
      // The operation's schema checks the role; the form's value is only a candidate.
      await inviteStaff(c.get('deps'), staffPrincipalOf(c), { ...values, role: values.role as StaffRole });
    } catch (err) {
      if (err instanceof ValidationError) return render(c, { errors: err.fieldErrors, values }, 422);
      throw err;
    }
    setFlash(c, `Enviamos la invitación a ${values.email.trim().toLowerCase()}.`, 'staff_flash');
    return c.redirect('/proveedor/personal', 303);
  })
  .post('/personal/:id/reenviar', requireStaff('staff:manage'), (c) =>
    change(c, async () => {
      const { email } = await resendStaffInvitation(c.get('deps'), staffPrincipalOf(c), c.req.param('id'));
      return `Enviamos una nueva invitación a ${email}. El enlace anterior ya no sirve.`;
    }),
  )
  .post('/personal/:id/rol', requireStaff('staff:manage'), async (c) => {
    const form = await formFields(c);
    try {
      return await change(c, async () => {
        const r = await changeStaffRole(c.get('deps'), staffPrincipalOf(c), { staffId: c.req.param('id'), role: form.role });
        return r.changed ? `${r.name} ahora tiene el rol ${ROLE_WORD[r.role]}.` : `${r.name} ya tenía el rol ${ROLE_WORD[r.role]}.`;
      });
    } catch (err) {
      if (err instanceof ValidationError) return render(c, { refused: err.fieldErrors.role ?? err.message }, 422);
      throw err;
    }
  })
  .post('/personal/:id/deshabilitar', requireStaff('staff:manage'), (c) =>
    change(c, async () => {
      const r = await setStaffDisabled(c.get('deps'), staffPrincipalOf(c), { staffId: c.req.param('id'), disabled: true });
      return r.changed ? `${r.name} quedó deshabilitado y sus sesiones en la consola se cerraron.` : `${r.name} ya estaba deshabilitado.`;
    }),
  )
  .post('/personal/:id/habilitar', requireStaff('staff:manage'), (c) =>
    change(c, async () => {
      const r = await setStaffDisabled(c.get('deps'), staffPrincipalOf(c), { staffId: c.req.param('id'), disabled: false });
      return r.changed ? `${r.name} quedó habilitado.` : `${r.name} ya estaba habilitado.`;
    }),
  )
  .post('/personal/:id/nueva-clave', requireStaff('staff:manage'), (c) =>
    change(c, async () => {
      const { email } = await sendStaffPasswordLink(c.get('deps'), staffPrincipalOf(c), c.req.param('id'));
      return `Enviamos a ${email} un enlace para elegir una nueva clave; su clave anterior ya no sirve y sus sesiones se cerraron.`;
    }),
  )
  .post('/personal/:id/restablecer-mfa', requireStaff('staff:manage'), (c) =>
    change(c, async () => {
      const { email } = await resetStaffMfa(c.get('deps'), staffPrincipalOf(c), c.req.param('id'));
      return `Se borró el segundo factor de ${email} y se cerraron sus sesiones: al ingresar configurará uno nuevo.`;
    }),
  );
