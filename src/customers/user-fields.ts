import { z } from 'zod';
import { plainLine } from '../domain/plain-text.ts';

/** The fields of a new user, shared by the "Agregar usuarios" form and the operator CLI. */
export const NewUserFields = z.object({
  name: plainLine('El nombre')
    .min(1, 'Ingrese el nombre del usuario.')
    .max(120, 'El nombre puede tener como máximo 120 caracteres.'),
  email: plainLine('El correo')
    .toLowerCase()
    .min(1, 'Ingrese el correo del usuario.')
    .max(254, 'El correo es demasiado largo.')
    .pipe(z.email('El correo no tiene un formato válido, como nombre@empresa.cl.')),
});

export type NewUser = z.infer<typeof NewUserFields>;

export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form');
    out[key] ??= issue.message;
  }
  return out;
}

export const duplicateEmailMessage = 'Ya existe un usuario con ese correo en esta empresa.';
