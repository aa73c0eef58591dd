import { describe, expect, it } from 'vitest';
import { foldText } from './fold-text.ts';
import { isStopWord, SPANISH_STOP_WORDS } from './spanish-stop-words.ts';

describe('Spanish stop words', () => {
  it('has the function words a query is full of', () => {
    for (const w of ['es', 'son', 'ser', 'estar', 'hay', 'como', 'que', 'cual', 'donde', 'cuando', 'por', 'para', 'mi', 'su', 'sus', 'del', 'al', 'lo', 'la', 'los', 'las', 'un', 'una', 'y', 'o', 'en', 'de', 'con', 'sin', 'se', 'no']) {
      expect(isStopWord(w), w).toBe(true);
    }
  });

  it('is written folded, so accented input matches once folded', () => {
    for (const w of SPANISH_STOP_WORDS) expect(foldText(w)).toBe(w);
    for (const w of ['Cómo', 'Qué', 'Cuál', 'Dónde', 'Según', 'Más', 'Está', 'Él']) expect(isStopWord(foldText(w)), w).toBe(true);
  });

  it('keeps out content words and numbers', () => {
    for (const w of ['cierre', 'mes', 'ano', 'factura', 'boleta', 'nota', 'estado', 'debe', 'haber', 'iva', 'sueldo', 'f29', '1', '29']) {
      expect(isStopWord(w), w).toBe(false);
    }
    for (const w of SPANISH_STOP_WORDS) expect(w).toMatch(/^[a-z]+$/);
  });

  it('is a list of sensible size', () => {
    expect(SPANISH_STOP_WORDS.size).toBeGreaterThanOrEqual(150);
    expect(SPANISH_STOP_WORDS.size).toBeLessThanOrEqual(275);
  });
});
