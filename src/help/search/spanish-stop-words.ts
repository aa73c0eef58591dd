/**
 * Spanish function words, accent-folded ("más" is "mas", "qué" is "que").
 *
 * Only words that carry no topic of their own: articles, prepositions,
 * conjunctions, pronouns, determiners, and the auxiliary and copular forms of
 * ser, estar, haber, poder and tener. Content words a user might search for stay out,
 * even when frequent ("cierre", "mes", "año", "factura", "nota", "estado"), and
 * so do "debe", "deber" and "haber": in accounting, debe and haber are the debit
 * and credit columns. Folding makes "año" into "ano", which is also why that
 * spelling must never be listed here.
 */
export const SPANISH_STOP_WORDS: ReadonlySet<string> = new Set([
  // Articles and contractions.
  'el', 'la', 'los', 'las', 'lo', 'un', 'una', 'unos', 'unas', 'uno', 'al', 'del',
  // Prepositions.
  'a', 'ante', 'con', 'contra', 'de', 'desde', 'durante', 'en', 'entre', 'hacia', 'hasta',
  'mediante', 'para', 'por', 'segun', 'sin', 'sobre', 'tras',
  // Conjunctions.
  'y', 'e', 'ni', 'o', 'u', 'pero', 'sino', 'aunque', 'porque', 'pues', 'si', 'que', 'mientras',
  'tambien', 'tampoco', 'entonces', 'luego', 'ya', 'asi',
  // Interrogatives and relatives.
  'como', 'cual', 'cuales', 'cuando', 'cuanto', 'cuanta', 'cuantos', 'cuantas', 'donde', 'adonde',
  'quien', 'quienes', 'cuyo', 'cuya', 'cuyos', 'cuyas',
  // Personal pronouns.
  'yo', 'me', 'mi', 'conmigo', 'tu', 'te', 'ti', 'contigo', 'usted', 'ustedes', 'ud', 'uds', 'ella',
  'ello', 'ellos', 'ellas', 'le', 'les', 'se', 'consigo', 'nosotros', 'nosotras', 'nos',
  'vosotros', 'vosotras', 'os',
  // Possessives.
  'mis', 'tus', 'su', 'sus', 'mio', 'mia', 'mios', 'mias', 'tuyo', 'tuya', 'tuyos', 'tuyas', 'suyo',
  'suya', 'suyos', 'suyas', 'nuestro', 'nuestra', 'nuestros', 'nuestras', 'vuestro', 'vuestra',
  'vuestros', 'vuestras',
  // Demonstratives.
  'este', 'esta', 'estos', 'estas', 'esto', 'ese', 'esa', 'esos', 'esas', 'eso', 'aquel', 'aquella',
  'aquellos', 'aquellas', 'aquello',
  // Quantifiers and other determiners.
  'todo', 'toda', 'todos', 'todas', 'otro', 'otra', 'otros', 'otras', 'mismo', 'misma', 'mismos',
  'mismas', 'cada', 'algun', 'alguno', 'alguna', 'algunos', 'algunas', 'ningun', 'ninguno', 'ninguna',
  'mucho', 'mucha', 'muchos', 'muchas', 'tanto', 'tanta', 'tantos', 'tantas', 'algo', 'alguien',
  'nada', 'nadie', 'ambos', 'ambas', 'demas', 'cualquier', 'cualquiera',
  // Adverbs that only shade a sentence.
  'no', 'muy', 'mas', 'menos', 'tan', 'aqui', 'ahi', 'alli', 'aca', 'alla', 'ahora', 'aun', 'solo',
  'casi', 'siempre', 'nunca', 'tal',
  // ser.
  'ser', 'soy', 'eres', 'es', 'somos', 'son', 'sea', 'sean', 'seas', 'era', 'eras', 'eran', 'fue',
  'fueron', 'fui', 'sido', 'siendo', 'sera', 'seran', 'seria', 'serian',
  // estar.
  'estar', 'estoy', 'estamos', 'estan', 'esten', 'estaba', 'estaban', 'estuvo',
  'estando', 'estara', 'estaria',
  // haber as an auxiliary (see above for the infinitive).
  'hay', 'he', 'has', 'ha', 'hemos', 'han', 'haya', 'hayan', 'habia', 'habian', 'hubo', 'habra',
  'habria', 'habido', 'habiendo',
  // poder and tener as auxiliaries ("puede emitir", "tiene que").
  'puede', 'pueden', 'puedo', 'podemos', 'podra', 'podria', 'tiene', 'tienen',
  // The verbs people wrap a question in ("¿qué hago si…?", "quiero saber…"):
  // they say nothing of the topic, and as required words they block results.
  'hago', 'hacemos', 'quiero', 'queremos', 'necesito', 'necesitamos', 'pasa', 'sucede', 'ocurre', 'saber',
  // The same for the forms of ver, dar and ir a question is told in ("¿dónde veo…?", "el SII me dio…",
  // "¿cómo voy a…?"); their infinitives stay, and so does "da" (it is also "da de baja").
  'veo', 'vemos', 'vi', 'vio', 'doy', 'dio', 'dieron', 'voy', 'vas', 'vamos',
]);

/** Whether an accent-folded, lower-case word is a Spanish function word. */
export function isStopWord(folded: string): boolean {
  return SPANISH_STOP_WORDS.has(folded);
}
