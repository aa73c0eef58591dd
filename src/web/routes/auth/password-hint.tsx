import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../../domain/password-policy.ts';

export function PasswordHint() {
  return (
    <>
      Al menos {PASSWORD_MIN_LENGTH} caracteres (máximo {PASSWORD_MAX_LENGTH}). Una frase de varias palabras es fácil de recordar y difícil de adivinar. No use claves comunes ni su RUT o correo.
    </>
  );
}
