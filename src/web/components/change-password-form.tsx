import { PasswordHint } from '../routes/auth/password-hint.tsx';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from './form.tsx';

/** The manual's three fields, shared by the forced first change and the account page. */
export function ChangePasswordForm(props: { csrf: string; action: string; errors: FieldErrors; email: string; button: string }) {
  return (
    <>
      <ErrorSummary errors={props.errors} />
      <form method="post" action={props.action} novalidate>
        <CsrfField token={props.csrf} />
        <input type="hidden" name="username" value={props.email} autocomplete="username" />
        <Field name="currentPassword" label="Clave Actual de Acceso" type="password" error={props.errors.currentPassword} autocomplete="current-password" required maxlength={1024} />
        <Field name="newPassword" label="Nueva Clave de Acceso" type="password" error={props.errors.newPassword} hint={<PasswordHint />} autocomplete="new-password" required maxlength={1024} />
        <Field name="repeatPassword" label="Re-Ingrese Nueva Clave de Ingreso" type="password" error={props.errors.repeatPassword} autocomplete="new-password" required maxlength={1024} />
        <button type="submit" class="primary">
          {props.button}
        </button>
      </form>
    </>
  );
}
