import Database from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPostgresUrl } from '../../db/create-db.ts';
import { parseSearchQuery, queryMatcher, synonymStems, toFts5Match, toFts5Term, toTsQuery, toTsTerm, type ParsedQuery } from './parse-search-query.ts';
import { SearchVocabulary } from './search-vocabulary.ts';
import { stemSpanish } from './spanish-stemmer.ts';

const WORDS = ['factura', 'facturas', 'emitir', 'emite', 'nota', 'credito', 'creditos', 'crear', 'boleta', 'bodega', 'libro', 'caja', 'liquidacion', 'sueldo', 'honorarios'];
const vocabulary = new SearchVocabulary(
  WORDS.map((word) => ({ word, stem: stemSpanish(word) })),
  [synonymStems(['boleta', 'recibo']), synonymStems(['liquidación', 'colilla'])].map((stems) => ({ stems })),
);
const parse = (text: string, typing = false) => parseSearchQuery(text, vocabulary, { typing });
const words = (q: ParsedQuery) => q.terms.map((t) => t.word);
const stemsOf = (q: ParsedQuery, word: string) => q.terms.find((t) => t.word === word)?.stems ?? [];

describe('parseSearchQuery', () => {
  it('drops stop words, punctuation, accents and case', () => {
    expect(words(parse('¿Cómo EMITO una Nota de Crédito?'))).toEqual(['emito', 'nota', 'credito']);
    expect(stemsOf(parse('¿Cómo EMITO una Nota de Crédito?'), 'credito')).toContain('credit');
  });

  it('has nothing to search for in stop words alone', () => {
    expect(parse('¿Cómo se hace y dónde está?').terms.map((t) => t.word)).toEqual(['hace']);
    expect(parse('¿cómo y de qué? ¿y para quién?').terms).toEqual([]);
    expect(parse(' ¿¡ … !? ').terms).toEqual([]);
    expect(parse('').terms).toEqual([]);
  });

  it('keeps each word once, and at most eight', () => {
    expect(words(parse('factura Factura FACTURA'))).toEqual(['factura']);
    expect(parse('uno1 dos2 tres3 cuatro4 cinco5 seis6 siete7 ocho8 nueve9 diez10').terms).toHaveLength(8);
  });

  it('widens a word by the synonym groups of its stem', () => {
    expect(stemsOf(parse('boletas'), 'boletas')).toEqual(expect.arrayContaining(['bolet', 'recib']));
    expect(stemsOf(parse('colilla'), 'colilla')).toEqual(expect.arrayContaining(['colill', 'liquid']));
  });

  describe('typos', () => {
    it('forgives one edit in a word of five letters or more the index does not know', () => {
      expect(stemsOf(parse('factrua'), 'factrua')).toContain('factur'); // swap
      expect(stemsOf(parse('libor'), 'libor')).toContain('libr'); // five letters, swap
      expect(stemsOf(parse('sueldoo'), 'sueldoo')).toContain('sueld'); // one too many
    });

    it('guesses no typo in words of four letters or fewer', () => {
      expect(stemsOf(parse('nita'), 'nita')).toEqual([stemSpanish('nita')]); // nota is one letter away
      expect(stemsOf(parse('lbro'), 'lbro')).toEqual([stemSpanish('lbro')]); // libro is one letter away
      expect(stemsOf(parse('cjaa'), 'cjaa')).toEqual([stemSpanish('cjaa')]);
    });

    it('guesses no typo when the stem is one the index knows', () => {
      // "bodega" is one letter from "boleta", but it is a word of the index.
      expect(stemsOf(parse('bodega'), 'bodega')).toEqual(['bodeg']);
      // "creditos" is a known form even though "credito" is one letter away.
      expect(stemsOf(parse('creditos'), 'creditos')).toEqual(['credit']);
    });

    it('offers every known word one edit away, and their synonyms', () => {
      // "bodeta": bodega or boleta (and so recibo).
      expect(new Set(stemsOf(parse('bodeta'), 'bodeta'))).toEqual(new Set([stemSpanish('bodeta'), 'bodeg', 'bolet', 'recib']));
    });
  });

  describe('prefixes while typing', () => {
    it('makes only the last word a prefix, while it is being typed', () => {
      const q = parse('nota cre', true);
      expect(q.terms.map((t) => t.prefix)).toEqual([null, 'cre']);
      expect(stemsOf(q, 'cre')).toEqual(expect.arrayContaining(['credit', stemSpanish('crear')]));
      expect(stemsOf(q, 'nota')).toEqual(['not']);
    });

    it('treats no word as a prefix when not typing, or once the word is finished', () => {
      expect(parse('nota cre').terms.map((t) => t.prefix)).toEqual([null, null]);
      expect(parse('nota cre ', true).terms.map((t) => t.prefix)).toEqual([null, null]);
      expect(parse('nota cre?', true).terms.map((t) => t.prefix)).toEqual([null, null]);
      // Only the last word: the first one was finished when the second was typed.
      expect(parse('cre nota', true).terms.map((t) => t.prefix)).toEqual([null, 'nota']);
    });

    it('needs three letters before it widens a prefix', () => {
      const q = parse('nota cr', true);
      expect(q.terms.map((t) => t.prefix)).toEqual([null, null]);
      expect(stemsOf(q, 'cr')).toEqual(['cr']);
    });

    it('widens a prefix by the synonyms of what it completes to', () => {
      expect(stemsOf(parse('liquid', true), 'liquid')).toEqual(expect.arrayContaining(['liquid', 'colill']));
      expect(stemsOf(parse('bol', true), 'bol')).toEqual(expect.arrayContaining(['bolet', 'recib']));
    });

    it('guesses no typo in a prefix that completes to known words', () => {
      const stems = stemsOf(parse('factur', true), 'factur');
      expect(stems).toContain('factur');
      expect(stems.every((s) => s.startsWith('factur') || s === stemSpanish('factur'))).toBe(true);
    });
  });
});

describe('queryMatcher', () => {
  it('matches the words whose stem the query asked for, and words starting with the prefix being typed', () => {
    const m = queryMatcher(parse('boleta cre', true));
    expect(m('boletas')).toBe(true);
    expect(m('recibo')).toBe(true);
    expect(m('credenciales')).toBe(true);
    expect(m('factura')).toBe(false);
  });
});

describe('MATCH and tsquery text', () => {
  const q = parse('boleta nota');

  it('asks for every term, any of its stems, or for any term in the relaxed search', () => {
    expect(toFts5Match(q)).toBe('("bolet" OR "recib") AND ("not")');
    expect(toFts5Match(q, 'any')).toBe('("bolet" OR "recib") OR ("not")');
    expect(toTsQuery(q)).toBe('(bolet | recib) & (not)');
    expect(toTsQuery(q, 'any')).toBe('(bolet | recib) | (not)');
  });

  it('restricts one term to some columns or weights', () => {
    expect(toFts5Term(q.terms[0]!)).toBe('("bolet" OR "recib")');
    expect(toFts5Term(q.terms[0]!, ['title'])).toBe('{title} : ("bolet" OR "recib")');
    expect(toFts5Term(q.terms[0]!, ['headings', 'tags'])).toBe('{headings tags} : ("bolet" OR "recib")');
    expect(toTsTerm(q.terms[0]!)).toBe('bolet | recib');
    expect(toTsTerm(q.terms[0]!, 'A')).toBe('bolet:A | recib:A');
  });

  const HOSTILE = [
    '" OR * NEAR(',
    ') AND --',
    '"factura" OR "nota"',
    'NEAR(factura nota, 2) NOT boleta',
    "'; drop table help_search; --",
    'title:factura {body}: ^nota',
    'factura* & !nota | (boleta:*A)',
    '\\"\u0000\u2028',
    '💥 Ελλάδα 東京 factura',
    'a'.repeat(500),
  ];
  const arbitrary = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom(...HOSTILE));

  it('keeps hostile text to stems of letters and digits', () => {
    fc.assert(
      fc.property(arbitrary, fc.boolean(), (text, typing) => {
        const parsed = parse(text, typing);
        for (const t of parsed.terms) {
          expect(t.stems.length).toBeGreaterThan(0);
          for (const s of t.stems) expect(s).toMatch(/^[a-z0-9]+$/);
        }
        if (parsed.terms.length === 0) return;
        const term = String.raw`\((?:"[a-z0-9]+"(?: OR "[a-z0-9]+")*)\)`;
        expect(toFts5Match(parsed)).toMatch(new RegExp(`^${term}(?: AND ${term})*$`));
        const tsTerm = String.raw`\((?:[a-z0-9]+(?: \| [a-z0-9]+)*)\)`;
        expect(toTsQuery(parsed, 'any')).toMatch(new RegExp(`^${tsTerm}(?: \\| ${tsTerm})*$`));
      }),
    );
  });

  describe('against FTS5 itself', () => {
    let sqlite: Database.Database;
    beforeAll(() => {
      sqlite = new Database(':memory:');
      sqlite.exec(`create virtual table help_search using fts5(article_id unindexed, system_id unindexed, title, headings, tags, body, tokenize = 'unicode61 remove_diacritics 0')`);
      sqlite.prepare('insert into help_search (article_id, system_id, title, headings, tags, body) values (?, ?, ?, ?, ?, ?)').run('a', 's', 'emit factur', '', 'not credit', 'bolet');
    });
    afterAll(() => sqlite.close());

    it('accepts every MATCH text, whole and per column, whatever was typed', () => {
      const count = sqlite.prepare('select count(*) as n from help_search where help_search match ?');
      fc.assert(
        fc.property(arbitrary, fc.boolean(), fc.constantFrom('all' as const, 'any' as const), (text, typing, mode) => {
          const parsed = parse(text, typing);
          if (parsed.terms.length === 0) return;
          expect(() => count.get(toFts5Match(parsed, mode))).not.toThrow();
          for (const t of parsed.terms) expect(() => count.get(toFts5Term(t, ['headings', 'tags']))).not.toThrow();
        }),
      );
      expect(count.get(toFts5Match(parse('emitir nota')))).toEqual({ n: 1 });
      expect(count.get(toFts5Term(parse('nota').terms[0]!, ['title']))).toEqual({ n: 0 });
    });
  });

  const url = process.env.DATABASE_URL;
  describe.runIf(url !== undefined && isPostgresUrl(url))('against PostgreSQL itself', () => {
    let client: pg.Client;
    beforeAll(async () => {
      client = new pg.Client({ connectionString: url });
      await client.connect();
    });
    afterAll(() => client.end());

    it('accepts every tsquery text, whatever was typed', async () => {
      await fc.assert(
        fc.asyncProperty(arbitrary, fc.boolean(), async (text, typing) => {
          const parsed = parse(text, typing);
          if (parsed.terms.length === 0) return;
          await client.query(`select to_tsquery('simple', $1), to_tsquery('simple', $2), to_tsquery('simple', $3)`, [
            toTsQuery(parsed),
            toTsQuery(parsed, 'any'),
            toTsTerm(parsed.terms[0]!, 'B'),
          ]);
        }),
        { numRuns: 50 },
      );
      const { rows } = await client.query(`select to_tsvector('simple', 'emit factur') @@ to_tsquery('simple', $1) as hit`, [toTsQuery(parse('emitir factura'))]);
      expect(rows[0].hit).toBe(true);
    });
  });
});
