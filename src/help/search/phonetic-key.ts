/**
 * How a folded Spanish word sounds, as a key: words people spell by ear
 * ("finikito" / "finiquito", "cotisacion" / "cotización", "bale" / "vale",
 * "ora" / "hora", "yamada" / "llamada") get the same key. Chilean Spanish
 * merges s/z/soft c (seseo), b/v, y/ll; h is silent; k, qu and hard c are one
 * sound, and so are j and soft g.
 */
export function phoneticKey(folded: string): string {
  let out = '';
  const w = folded;
  for (let i = 0; i < w.length; i++) {
    const c = w[i]!;
    const next = w[i + 1] ?? '';
    const soft = next === 'e' || next === 'i';
    let k: string;
    switch (c) {
      case 'q':
        k = 'k';
        if (next === 'u') i++;
        break;
      case 'c':
        if (next === 'h') {
          k = 'x';
          i++;
        } else if (next === 'c') {
          k = 'ks';
          i++;
        } else k = soft ? 's' : 'k';
        break;
      case 'z':
        k = 's';
        break;
      case 'v':
      case 'w':
        k = 'b';
        break;
      case 'h':
        k = '';
        break;
      case 'l':
        if (next === 'l') {
          k = 'y';
          i++;
        } else k = 'l';
        break;
      case 'y':
        k = i === w.length - 1 ? 'i' : 'y';
        break;
      case 'g':
        if (soft) k = 'j';
        else if (next === 'u' && (w[i + 2] === 'e' || w[i + 2] === 'i')) {
          k = 'g';
          i++;
        } else k = 'g';
        break;
      case 'x':
        k = 'ks';
        break;
      default:
        k = c;
    }
    // Doubled letters ("rr" aside) are typed once or twice alike.
    if (k !== '' && out.endsWith(k) && k !== 'r') continue;
    out += k;
  }
  return out;
}
