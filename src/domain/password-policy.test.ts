import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assessPassword, checkPassword, PASSWORD_SUGGESTION, type PasswordContext } from './password-policy.ts';

const brandWords = ['Mi Transtecnia', 'Transtecnia'];
/** The account the finding's examples were tried against. */
const ctx: PasswordContext = {
  rut: '7991387-1',
  email: 'dmayorga@transportesandes.cl',
  customerName: 'Transportes Andes Ltda.',
  userName: 'Daniela Mayorga',
  brandWords,
};
/** A second account, with accents in its names. */
const rojas: PasswordContext = {
  rut: '12345678-5',
  email: 'marcela.rojas@ferreteriarojas.cl',
  customerName: 'Ferretería Rojas Ltda.',
  userName: 'Marcela Rojas',
  brandWords,
};

// Every one must be refused. [password, context] — the context is the account it is tried on.
const WEAK: [string, PasswordContext][] = [
  // The finding's own examples.
  ['contraseña123', ctx],
  ['password123456', ctx],
  ['Santiago2024', ctx],
  ['administrador', ctx],
  ['Administrador2026', ctx],
  ['P@ssw0rd2026', ctx],
  ['Bienvenido1', ctx],
  ['Bienvenido1!', ctx],
  ['teamo123456', ctx],
  // Spanish words with digits or a year.
  ['contrasena2025', ctx],
  ['Contraseña2026!', ctx],
  ['clave123456', ctx],
  ['miclave2024', ctx],
  ['clavesecreta', ctx],
  ['hola123456', ctx],
  ['holamundo123', ctx],
  ['tequiero2026', ctx],
  ['chocolate123', ctx],
  ['princesa2024', ctx],
  ['futbol123456', ctx],
  ['colocolo2026', ctx],
  ['universidad1', ctx],
  ['valparaiso2024', ctx],
  ['Concepción2025', ctx],
  ['chile2026!!', ctx],
  ['santiago123', ctx],
  ['Santiago.2026', ctx],
  ['mariposa123', ctx],
  ['primavera2026', ctx],
  ['septiembre2025', ctx],
  ['bienvenido2026', ctx],
  ['pingüino2024', ctx],
  ['pinguino2024', ctx],
  // A word, a year and two symbols: zxcvbn gives these exactly 10^8 guesses (score 3), hence the 10^9 floor.
  ['Santiago2026!!', ctx],
  ['Valparaiso2026!!', ctx],
  ['Temuco2026!!', ctx],
  ['Hola2026!!!!', ctx],
  ['Perro2026!!', ctx],
  ['Chile.2026.', ctx],
  ['Password2026!!', ctx],
  // English words with digits or a year.
  ['password2026', ctx],
  ['Password123!', ctx],
  ['welcome2026', ctx],
  ['Welcome123!', ctx],
  ['iloveyou123', ctx],
  ['letmein2026', ctx],
  ['sunshine2024', ctx],
  ['football123', ctx],
  ['monkey123456', ctx],
  ['superman123', ctx],
  // l33t variants.
  ['P@ssw0rd!!', ctx],
  ['P4$$w0rd2026', ctx],
  ['c0ntr4s3ñ4123', ctx],
  ['B13nv3n1d0!', ctx],
  ['Adm1n1str4d0r', ctx],
  ['S4nt14g0_2024', ctx],
  ['W3lc0me2026', ctx],
  ['$4n714g0!!', ctx],
  // Keyboard walks.
  ['qwertyuiop', ctx],
  ['asdfghjkl;', ctx],
  ['zxcvbnm123', ctx],
  ['1qaz2wsx3edc', ctx],
  ['qazwsxedc123', ctx],
  ['poiuytrewq', ctx],
  ['1q2w3e4r5t', ctx],
  ['mnbvcxz123', ctx],
  // Sequences, repeats and dates.
  ['1234567890', ctx],
  ['0987654321', ctx],
  ['12345678910', ctx],
  ['abcdefghijkl', ctx],
  ['1111111111', ctx],
  ['aaaaaaaaaaaa', ctx],
  ['xxxxxxxxxy', ctx],
  ['abcabcabcabc', ctx],
  ['121212121212', ctx],
  ['jajajajajaja', ctx],
  ['passwordpassword', ctx],
  ['clave-clave-clave', ctx],
  ['unodostrescuatro', ctx],
  ['lunesmartesmiercoles', ctx],
  ['onetwothreefour', ctx],
  ['18091810chile', ctx],
  // The RUT.
  ['7991387-1!', ctx],
  ['7.991.387-1', ctx],
  ['79913871!!', ctx],
  ['7991387-1abc', ctx],
  ['rut7991387', ctx],
  ['12.345.678-5', rojas],
  // The e-mail: local part + digits, domain words.
  ['dmayorga2024', ctx],
  ['dmayorga123456', ctx],
  ['marcela.rojas1', rojas],
  ['ferreteriarojas1', rojas],
  // The company name + year.
  ['Transportes2026', ctx],
  ['TransportesAndes2025', ctx],
  ['Transportes Andes 2026', ctx],
  ['Transportes2026Transportes2026', ctx],
  ['Ferretería2026', rojas],
  ['FerreteriaRojas2026', rojas],
  // The user's own name + year.
  ['Daniela2026', ctx],
  ['DanielaMayorga1990', ctx],
  ['Daniela.Mayorga.1990', ctx],
  ['Mayorga1985!', ctx],
  ['marcela2026!', rojas],
  ['Marcela Rojas 2026', rojas],
  // The brand + year.
  ['Transtecnia2026', ctx],
  ['MiTranstecnia!', ctx],
  ['Mi Transtecnia 2026', ctx],
  ['transtecnia123', ctx],
  ['Tr4nst3cn14!!', ctx],
];

// Every one must pass.
const STRONG: [string, PasswordContext][] = [
  ['caballo correcto batería grapa', ctx],
  ['cóndor morado come sopaipillas', ctx],
  ['tetera naranja bajo la lluvia', ctx],
  ['el perro de mi vecina ladra todas las noches', ctx],
  ['Mi abuela cocinaba charquicán los jueves', ctx],
  ['guitarra volcán cuchara témpano', ctx],
  ['mi transtecnia tiene buena ayuda en línea', ctx],
  ['daniela riega helechos con té frío', ctx],
  ['ñandú café pingüino', ctx],
  ['ñandúpingü', ctx],
  ['パスワードはとても長いです', ctx],
  ['Пароль из нескольких слов', ctx],
  ['el 🐧 baila cueca bajo la 🌙', ctx],
  ['  espacios   al   borde  ', ctx],
  ['k7#Qm9!vLx', ctx],
  ['Zp4!rT8wQm', ctx],
  ['u4Rt9wLp2s', ctx],
  ['hG5#kP0zQe', rojas],
  ['V2x9Lq7Rk3', rojas],
  ['J3n$8qWz!cY6^tB1', rojas],
  ['frutilla sobre el volcán dormido', rojas],
  // The strings other tests set as new passwords.
  ['una frase propia bastante larga', rojas],
  ['tetera naranja bajo la lluvia de otoño', rojas],
  ['mi propia clave larga', rojas],
  ['faro sobre el cerro santa lucía', { rut: '76543210-3', email: 'camila.soto@losaromos.cl', customerName: 'Los Aromos SpA', userName: 'Camila Soto', brandWords }],
  ['mate de la tarde en valparaíso', { rut: '76543210-3', email: 'camila.soto@losaromos.cl', customerName: 'Los Aromos SpA', userName: 'Camila Soto', brandWords }],
];

describe('password policy', () => {
  it(`refuses all ${WEAK.length} weak candidates, each with a reason and a passphrase suggestion`, () => {
    expect(WEAK.length).toBeGreaterThanOrEqual(82);
    const verdicts = WEAK.map(([pw, c]) => [pw, assessPassword(pw, c)] as const);
    expect(verdicts.filter(([, v]) => v === null).map(([pw]) => pw)).toEqual([]);
    for (const [pw, verdict] of verdicts) {
      expect(verdict!.message, pw).toMatch(/^(Esa clave es fácil de adivinar: |La nueva clave debe tener al menos)/);
      expect(verdict!.message.endsWith(PASSWORD_SUGGESTION), pw).toBe(true);
    }
  });

  it(`accepts all ${STRONG.length} passphrases and random strings, in any script, with no composition rules`, () => {
    const refused = STRONG.map(([pw, c]) => [pw, assessPassword(pw, c)?.message] as const).filter(([, m]) => m !== undefined);
    expect(refused).toEqual([]);
  });

  it('says why, in Spanish', () => {
    const why = (pw: string, c = ctx) => assessPassword(pw, c)!.message;
    expect(why('Santiago2024')).toContain('es una palabra común seguida de un año');
    expect(why('password123456')).toContain('una clave muy usada');
    expect(why('Transportes2026')).toContain('el nombre de su empresa');
    expect(why('Ferretería2026', rojas)).toContain('el nombre de su empresa');
    expect(why('Transportes2026Transportes2026')).toContain('el nombre de su empresa');
    expect(why('Daniela2026')).toContain('es su nombre seguido de un año');
    expect(why('7.991.387-1')).toContain('su RUT');
    expect(why('dmayorga2024')).toContain('su correo');
    expect(why('Transtecnia2026')).toContain('el nombre del portal');
    expect(why('P@ssw0rd2026')).toContain('Cambiar letras por números o símbolos');
    expect(why('asdfghjkl;')).toMatch(/teclado|clave muy usada/);
    expect(why('aaaaaaaaaaaa')).toContain('repetido');
    expect(why('lunesmartesmiercoles')).toContain('serie conocida de palabras');
    expect(why('Daniela.Mayorga.1990')).toContain('su nombre');
  });

  it('sorts problems: personal for the account’s words, common otherwise', () => {
    expect(checkPassword('Transportes2026', ctx)).toBe('personal');
    expect(checkPassword('79913871!!', ctx)).toBe('personal');
    expect(checkPassword('Santiago2024', ctx)).toBe('common');
    expect(checkPassword('qwertyuiop', ctx)).toBe('common');
  });

  it('counts characters after NFC, not bytes or UTF-16 units', () => {
    expect(checkPassword('ññññññññ', ctx)).toBe('too-short');
    expect(checkPassword('n\u0303'.repeat(9), ctx)).toBe('too-short'); // 9 "ñ" once composed
    expect(checkPassword('🐧🐧🐧🐧🐧', ctx)).toBe('too-short'); // 10 UTF-16 units, 5 characters
    expect(checkPassword('ñandúpingü', ctx)).toBeNull();
  });

  it('enforces the bounds: 10 to 128 characters', () => {
    expect(assessPassword('corta', ctx)?.message).toBe(`La nueva clave debe tener al menos 10 caracteres. ${PASSWORD_SUGGESTION}`);
    expect(checkPassword('k7#Qm9!vL', ctx)).toBe('too-short');
    expect(checkPassword('k7#Qm9!vLx', ctx)).toBeNull();
    expect(checkPassword('x'.repeat(129), ctx)).toBe('too-long');
    expect(assessPassword('x'.repeat(129), ctx)?.message).toBe('La nueva clave puede tener como máximo 128 caracteres.');
    const long = 'cóndor morado come sopaipillas y '.repeat(4).slice(0, 128);
    expect([...long].length).toBe(128);
    expect(checkPassword(long, ctx)).toBeNull();
  });

  it('answers a 128-character and a 10,000-character password in bounded time (a guard, not a benchmark)', () => {
    assessPassword('cóndor morado come sopaipillas', ctx); // the estimator's one-time set-up is not what is measured
    const random = (alphabet: string, n: number) => Array.from({ length: n }, (_, i) => alphabet[(i * 7919 + 13) % alphabet.length]).join('');
    const worst = [random('0123456789', 128), random('4@86|3#9&1!70$5+2<>(%', 128), '1'.repeat(128), 'transportesandes'.repeat(8)];
    for (const pw of worst) {
      const t0 = performance.now();
      assessPassword(pw, ctx);
      expect(performance.now() - t0, pw).toBeLessThan(2000);
    }
    const t0 = performance.now();
    expect(checkPassword('a'.repeat(10_000), ctx)).toBe('too-long');
    expect(performance.now() - t0).toBeLessThan(100);
  });

  it('property: any input is accepted or refused with a Spanish message, never throws', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 140, unit: 'grapheme' }), (pw) => {
        const verdict = assessPassword(pw, ctx);
        expect(verdict === null || (['too-short', 'too-long', 'common', 'personal'].includes(verdict.problem) && verdict.message.length > 0)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
