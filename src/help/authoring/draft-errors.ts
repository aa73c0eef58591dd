import { AppError, ValidationError } from '../../errors.ts';
import type { EditorContent } from './read-article-editor.ts';

/** What another person saved in the draft meanwhile: the page shows it beside the text the user could not save. */
export interface SavedDraft extends EditorContent {
  revision: number;
  updatedByLabel: string;
  updatedAt: string;
}

export const DRAFT_CONFLICT_MESSAGE =
  'Otra persona guardó cambios en este borrador mientras usted editaba. No guardamos su texto para no borrar el de ella: compare las dos versiones y elija cuál conservar.';

/** A save, submit, publish or restore that named an older revision of the draft than the one stored. */
export class DraftConflictError extends AppError {
  constructor(readonly saved: SavedDraft | null) {
    super(409, 'help-draft-conflict', saved ? DRAFT_CONFLICT_MESSAGE : 'El borrador ya no existe: otra persona lo publicó o lo descartó mientras usted editaba.');
  }
}

/** A refusal about the article as a whole (nothing to publish, the four-eyes rule), shown as the form's message. */
export function helpRefusal(message: string): ValidationError {
  return new ValidationError({ form: message }, message);
}
