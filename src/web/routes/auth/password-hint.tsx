import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PASSWORD_SUGGESTION } from '../../../domain/password-policy.ts';

/** The rule, as every new-password form states it: what checkPassword enforces, in the user's words. */
export function PasswordHint() {
  return (
    <>
      Al menos {PASSWORD_MIN_LENGTH} caracteres (máximo {PASSWORD_MAX_LENGTH}); no se exigen mayúsculas, números ni símbolos. No debe poder adivinarse a partir del nombre de su empresa, su nombre, su RUT o su correo, ni ser una clave común. {PASSWORD_SUGGESTION}
    </>
  );
}
