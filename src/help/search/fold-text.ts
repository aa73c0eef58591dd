// Letters that NFKD leaves whole but that a Spanish speaker would type without
// the diacritic-like stroke; mapping them keeps index and query in agreement
// when someone pastes a foreign name or a German "straße".
const EXTRA_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const HAS_EXTRA_RE = /[ßæœøłđðþı]/;
const EXTRA_RE = /[ßæœøłđðþı]/g;
const MARKS_RE = /\p{M}+/gu;

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * Lower-case, accent-free form of `s` (á→a, ñ→n, ü→u, ß→ss), so that
 * "Liquidación", "LIQUIDACION" and "liquidacion" index and match alike.
 */
export function foldText(s: string): string {
  // Most help text is plain ASCII once past the accents; skip normalisation there.
  if (isAscii(s)) return s.toLowerCase();
  // NFKD before lower-casing so compatibility forms (ℌ, Ⅻ, ﬁ) are lowered too;
  // marks are removed after lower-casing because "İ" lowers to "i" + U+0307.
  const folded = s.normalize('NFKD').toLowerCase().replace(MARKS_RE, '');
  return HAS_EXTRA_RE.test(folded) ? folded.replace(EXTRA_RE, (c) => EXTRA_FOLDS[c] ?? c) : folded;
}
