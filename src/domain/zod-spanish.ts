import { z } from 'zod';

// zod's own messages (a number where text was expected, an unknown key) in
// Spanish, for every schema that does not give its own: the API answers
// them to other programs' developers, the forms to people.
z.config(z.locales.es());
