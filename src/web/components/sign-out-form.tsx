import { CsrfField } from './form.tsx';

/** "Salir" in the navigation: a POST (with its CSRF field) styled as a link, to the portal's or the console's sign-out. */
export function SignOutForm(props: { action: string; csrfToken: string }) {
  return (
    <form method="post" action={props.action} class="inline">
      <CsrfField token={props.csrfToken} />
      <button type="submit" class="link-button">
        Salir
      </button>
    </form>
  );
}
