import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldText } from './fold-text.ts';
import { stemSpanish } from './spanish-stemmer.ts';

const stem = (w: string): string => stemSpanish(foldText(w));

// The reference implementation of Snowball is CommonJS and untyped.
const snowball = createRequire(import.meta.url)('snowball-stemmers') as {
  newStemmer(language: string): { stem(word: string): string };
};
const reference = snowball.newStemmer('spanish');

describe('stemSpanish', () => {
  it('brings singular, plural and derived forms together', () => {
    const groups = [
      ['liquidacion', 'liquidaciones', 'liquidación'],
      ['configuracion', 'configuraciones', 'configurar', 'configurado'],
      ['factura', 'facturas', 'facturar', 'facturacion'],
      ['boleta', 'boletas'],
      ['contrato', 'contratos'],
      ['remuneracion', 'remuneraciones'],
      ['cotizacion', 'cotizaciones', 'cotizar'],
      ['trabajador', 'trabajadores'],
      ['emitir', 'emitido', 'emitida', 'emitidas', 'emite', 'emiten', 'emitimos', 'emitiendo', 'emitirla'],
      ['importar', 'importacion', 'importaciones', 'importado'],
      ['declaracion', 'declaraciones', 'declarar', 'declarado'],
      ['servicio', 'servicios'],
      ['tributario', 'tributaria', 'tributarios', 'tributarias'],
      ['financiero', 'financiera', 'financieros', 'financieras'],
      ['categoria', 'categorias', 'categoría'],
      ['cantidad', 'cantidades'],
      ['haber', 'haberes'],
      ['lugar', 'lugares'],
      ['interes', 'intereses'],
      ['cliente', 'clientes'],
      ['honorario', 'honorarios'],
      ['vacacion', 'vacaciones'],
    ];
    for (const group of groups) {
      const stems = new Set(group.map(stem));
      expect([...stems], group.join(', ')).toHaveLength(1);
    }
  });

  it('keeps unrelated words apart', () => {
    for (const [a, b] of [
      ['factura', 'facil'],
      ['cierre', 'cuenta'],
      ['boleta', 'balance'],
      ['contrato', 'contador'],
      ['nota', 'nomina'],
      ['mes', 'meta'],
    ] as const) {
      expect(stem(a), `${a} / ${b}`).not.toBe(stem(b));
    }
  });

  it('does not over-stem: a participle keeps a root of four letters, "-ante" only goes from agents', () => {
    for (const [a, b] of [
      ['salida', 'sala'],
      ['salidas', 'salas'],
      ['comida', 'coma'],
      ['importante', 'importar'],
      ['restante', 'restar'],
      ['bastante', 'bastar'],
    ] as const) {
      expect(stem(a), `${a} / ${b}`).not.toBe(stem(b));
    }
    // Still together: the plural of a participle, and an agent with its verb.
    expect(stem('salidas')).toBe(stem('salida'));
    expect(stem('cotizante')).toBe(stem('cotizar'));
    expect(stem('solicitante')).toBe(stem('solicitar'));
    expect(stem('cargado')).toBe(stem('cargar'));
  });

  it('gives the stems Snowball gives', () => {
    expect(stem('liquidaciones')).toBe('liquid');
    expect(stem('trabajadores')).toBe('trabaj');
    expect(stem('operativamente')).toBe('oper');
    expect(stem('haciéndola')).toBe('hac');
    expect(stem('construyen')).toBe('constru');
    expect(stem('entreguen')).toBe('entreg');
    expect(stem('posibilidad')).toBe('posibil');
  });

  it('leaves short words and words with digits alone', () => {
    for (const w of ['a', 'de', 'es', 'f29', 'iva19', '2024', 'dte33']) expect(stemSpanish(w)).toBe(w);
  });

  it('leaves the stems of common words unchanged when stemmed again', () => {
    for (const w of ['facturas', 'boletas', 'contratos', 'cotizaciones', 'trabajadores', 'emitido', 'importacion', 'servicios', 'cierre', 'vacaciones']) {
      const s = stem(w);
      expect(stemSpanish(s), w).toBe(s);
    }
  });

  it('only ever shortens the word, from its end', () => {
    const word = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), maxLength: 24 });
    fc.assert(
      fc.property(word, (w) => {
        const s = stemSpanish(w);
        expect(s.length).toBeLessThanOrEqual(w.length);
        if (w.length > 0) expect(s.length).toBeGreaterThan(0);
        // The one rewrite that is not a cut: "-encia" becomes "-ente", and step 3 may then take the "e".
        const rewritten = /ent(e)?$/.test(s) && w.startsWith(s.replace(/te?$/, 'c'));
        expect(w.startsWith(s) || rewritten, `${w} -> ${s}`).toBe(true);
        expect(stemSpanish(w)).toBe(s);
      }),
      { numRuns: 20000 },
    );
  });

  it('cuts likely Spanish words from their end too', () => {
    const piece = fc.constantFrom('a', 'e', 'i', 'o', 'u', 'c', 'd', 'l', 'n', 'r', 's', 't', 'gu', 'qu', 'y', 'ar', 'er', 'ir', 'ando', 'iendo', 'selo', 'la', 'nos', 'acion', 'aciones', 'ucion', 'encia', 'amente', 'mente', 'idad', 'ivo', 'ador', 'logia', 'es', 'en', 'aba', 'ieron', 'ado', 'amos', 'ase', 'ara', 'ya', 'yeron');
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 6 }), (pieces) => {
        const w = pieces.join('');
        const s = stemSpanish(w);
        expect(s.length).toBeLessThanOrEqual(w.length);
        expect(s.length).toBeGreaterThan(0);
        const rewritten = /ent(e)?$/.test(s) && w.startsWith(s.replace(/te?$/, 'c'));
        expect(w.startsWith(s) || rewritten, `${w} -> ${s}`).toBe(true);
      }),
      { numRuns: 20000 },
    );
  });

  it('keeps answering correctly after its memo fills up', () => {
    for (let i = 0; i < 60_000; i++) stemSpanish(`palabra${String.fromCharCode(97 + (i % 26))}${i.toString(36).replace(/\d/g, 'x')}`);
    expect(stemSpanish('liquidaciones')).toBe('liquid');
  });
});

describe('stemSpanish against Snowball', () => {
  // Snowball stems accented text; this stemmer stems folded text. Of these
  // words the ones that part are, by kind (see the header of spanish-stemmer.ts):
  //   - nouns in accented "-ía" (auditoría, categoría, cesantía, asesoría): Snowball
  //     takes "ía"; folded, "ia" cannot be told from "tributaria", so only the "a" goes;
  //   - the preterite "-ió" (emitió): folded, "io" would also cut "servicio";
  //   - "financiera": Snowball takes "iera" (a subjunctive ending), parting it
  //     from "financiero"; this stemmer leaves that ending out;
  //   - plurals in "-es" after a consonant (haberes, sociedades): this stemmer
  //     cuts them like their singular, Snowball leaves the singular's ending on.
  const words = `
    contabilidad contable contables cuenta cuentas balance balances comprobante comprobantes asiento
    asientos débito créditos activo activos pasivo pasivos patrimonio capital depreciación
    depreciaciones amortización corrección monetaria conciliación conciliaciones bancaria bancarias
    inventario inventarios auditoría ejercicio ejercicios período períodos cierre apertura saldo saldos
    mayor diario libro libros centralización presupuesto análisis categoría categorías financiera
    financieros utilidad utilidades pérdida pérdidas ingresos egresos gasto gastos costo costos
    proveedor proveedores cliente clientes empresa sociedad sociedades
    impuesto impuestos declaración declaraciones declarar tributario tributaria retención retenciones
    renta formulario pago pagos provisional provisionales mensual mensuales anual reajuste reajustado
    remanente exento exenta timbre devolución fiscal
    factura facturas facturación facturar facturada emisión emitir emitió emitido emitidas boleta
    boletas electrónica electrónicas folio folios anulación anular nota notas guía despacho documento
    documentos receptor emisor envío rechazo rechazada referencia descuento descuentos recargo neto
    exportación importación importar cobranza vencimiento vencida
    remuneración remuneraciones liquidación liquidaciones sueldo sueldos salario trabajador
    trabajadores contrato contratos cotización cotizaciones previsional cesantía vacaciones finiquito
    finiquitos indemnización gratificación honorarios licencia licencias médica imponible imponibles
    haberes horas extraordinarias asignación familiar colación movilización anticipo anticipos
    préstamo préstamos jornada feriado despido jubilación pensión seguro salud inasistencias bono bonos
    comisión comisiones configuración configurar usuario usuarios permisos contraseña respaldo
    certificado certificados asesoría
  `.trim().split(/\s+/);

  it('agrees on at least 90% of accounting, payroll and invoicing words', () => {
    const differing = words.filter((w) => stem(w) !== foldText(reference.stem(w)));
    expect(1 - differing.length / words.length).toBeGreaterThanOrEqual(0.9);
    expect(differing.sort()).toEqual(
      ['asesoría', 'auditoría', 'categoría', 'categorías', 'cesantía', 'emitió', 'financiera', 'haberes', 'sociedades'].sort(),
    );
  });
});
