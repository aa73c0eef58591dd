import { CsrfField, Field } from '../components/form.tsx';

export const CODE_WRONG = 'El código no es correcto o ya se usó. Escriba el que muestra ahora su aplicación de autenticación, o uno de sus códigos de recuperación.';
export const CODE_THROTTLED = 'Hubo demasiados intentos con códigos incorrectos. Espere unos minutos y vuelva a intentarlo.';
export const CODE_MISSING = 'Escriba el código de su aplicación de autenticación.';

/** The code field of the verification and step-up forms: a TOTP code or a recovery code. */
export function SecondFactorField(props: { name?: string; error?: string }) {
  return (
    <Field
      name={props.name ?? 'code'}
      label="Código de verificación"
      error={props.error}
      hint="Los 6 dígitos que muestra ahora su aplicación de autenticación, o uno de sus códigos de recuperación."
      autocomplete="one-time-code"
      required
      autofocus
      maxlength={40}
    />
  );
}

/** Bare console pages (second factor, enrolment) offer a way out, without the navigation. */
export function LeaveConsoleForm(props: { csrf: string }) {
  return (
    <form method="post" action="/proveedor/salir" class="after-form">
      <CsrfField token={props.csrf} />
      <button type="submit" class="link-button">
        Salir de la consola
      </button>
    </form>
  );
}
