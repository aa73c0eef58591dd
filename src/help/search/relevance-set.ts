/**
 * What people type into the help's search box, and the article they want to
 * find, written against the shipped help in content/help (and its
 * sinonimos.txt). Both databases must pass every pair: see relevance.test.ts.
 *
 * `within` is how far down the first page the article may be (default 3);
 * pairs that test ranking use 1. `typing` runs the query the way the
 * suggestions do (the last word is a prefix).
 */
export interface RelevancePair {
  query: string;
  /** system/slug of the article that must come up. */
  expect: string;
  within?: number;
  typing?: boolean;
  note: string;
}

export const RELEVANCE_SET: RelevancePair[] = [
  // Accents left out, as most people type on a phone.
  { query: 'configuracion del emisor', expect: 'factura-electronica/datos-del-emisor', within: 1, note: 'no accent: "configuración" in its headings and tags' },
  { query: 'depreciacion acelerada', expect: 'activo-fijo/depreciacion-normal-y-acelerada', within: 1, note: 'no accent; two title words' },
  { query: 'nota de credito', expect: 'factura-electronica/nota-de-credito', within: 1, note: 'no accent; "nota de débito" shares "nota"' },
  { query: 'conciliacion bancaria', expect: 'contabilidad/conciliacion-bancaria', within: 1, note: 'no accent: the title says "Conciliar", the tags "conciliación bancaria"' },
  { query: 'vida util de los bienes', expect: 'activo-fijo/vida-util-tabla-sii', within: 1, note: 'no accent, stop words in the middle' },
  { query: 'codigos de barras', expect: 'inventario/unidades-y-codigos-de-barras', within: 1, note: 'no accent; activo-fijo also mentions "código de barras" on its labels' },
  { query: 'cesion de facturas', expect: 'factura-electronica/cesion-de-facturas', within: 1, note: 'no accent; the title says "Ceder facturas", the tags "cesión"' },
  { query: 'cotizacion de salud isapre', expect: 'remuneraciones/afp-y-salud', note: 'no accent; singular of "Cotizaciones" in the title' },

  // Upper case, and the acronyms people use.
  { query: 'PREVIRED', expect: 'remuneraciones/previred', within: 1, note: 'upper case; ten other articles mention Previred in the body' },
  { query: 'PPM F29', expect: 'contabilidad/ppm-y-f29', within: 1, note: 'upper case, letters and digits in one word' },
  { query: 'DJ 1879', expect: 'honorarios/dj-1879', within: 1, note: 'upper case and a number' },
  { query: 'LRE', expect: 'remuneraciones/libro-de-remuneraciones-electronico', within: 1, note: 'three-letter acronym, only in that article' },
  { query: 'RCV', expect: 'factura-electronica/registro-de-compras-y-ventas', within: 1, note: 'acronym in the title, between parentheses' },
  { query: 'NOTA DE DEBITO', expect: 'factura-electronica/nota-de-debito', within: 1, note: 'upper case and no accent at once' },
  { query: 'Libro Diario', expect: 'contabilidad/libro-diario-y-mayor', within: 1, note: 'capitalised as a name' },

  // Singular and plural.
  { query: 'liquidaciones de sueldo', expect: 'remuneraciones/liquidacion-de-sueldo', within: 1, note: 'plural of the title; sixteen other articles mention "liquidación"' },
  { query: 'finiquitos', expect: 'remuneraciones/finiquitos', within: 1, note: 'plural; the title says "Calcular un finiquito"' },
  { query: 'licencia medica', expect: 'remuneraciones/licencias-medicas', within: 1, note: 'singular of "Registrar licencias médicas", no accent' },
  { query: 'traspaso entre bodega', expect: 'inventario/traspasos-entre-bodegas', within: 1, note: 'both nouns in the other number than the title' },
  { query: 'ajuste de inventario', expect: 'inventario/ajustes-de-inventario', within: 1, note: 'singular of "Ajustes de inventario"; six other titles say "inventario"' },
  { query: 'anexos de contratos', expect: 'remuneraciones/contratos-de-trabajo', within: 1, note: 'plural of "anexo", title "contratos de trabajo y anexos"' },
  { query: 'boletas de venta', expect: 'factura-electronica/boleta-electronica', note: 'plural of the tag "boleta"; "venta" in the tags' },

  // Verb and noun forms the stemmer joins.
  { query: 'importación de productos', expect: 'inventario/importar-productos', within: 1, note: 'importación ~ importar (title "Importar productos")' },
  { query: 'importacion plan de cuentas', expect: 'contabilidad/importar-plan-de-cuentas', within: 1, note: 'importación ~ importar, no accent; "Crear y mantener el plan de cuentas" is the runner-up' },
  { query: 'importación de bienes', expect: 'activo-fijo/importar-bienes-desde-planilla', within: 1, note: 'importación ~ importar in activo-fijo' },
  { query: 'centralización de remuneraciones', expect: 'contabilidad/centralizacion', within: 1, note: 'centralización ~ "Centralizar ventas, compras y remuneraciones"' },
  { query: 'cálculo del finiquito', expect: 'remuneraciones/finiquitos', within: 1, note: 'cálculo ~ calcular' },
  { query: 'cálculo de la depreciación mensual', expect: 'activo-fijo/calculo-mensual-y-centralizacion', within: 1, note: 'cálculo ~ "Calcular la depreciación mensual"' },
  { query: 'anulación de boleta de honorarios', expect: 'honorarios/anular-boleta-de-honorarios', within: 1, note: 'anulación ~ anular' },
  { query: 'conciliación con la cartola', expect: 'contabilidad/conciliacion-bancaria', within: 1, note: 'conciliación ~ "Conciliar la cuenta banco con la cartola"' },
  { query: 'registro de vacaciones', expect: 'remuneraciones/vacaciones', within: 1, note: 'registro ~ "Registrar y controlar las vacaciones"' },
  { query: 'renovación del certificado digital', expect: 'factura-electronica/certificado-digital', within: 1, note: 'renovación ~ "Cargar y renovar"' },
  { query: 'contabilización de boletas de honorarios', expect: 'honorarios/contabilizar-boletas-recibidas', within: 1, note: 'contabilización ~ contabilizar' },
  { query: 'declaración y pago de la retención en el F29', expect: 'honorarios/pago-de-retencion-en-f29', within: 1, note: 'declaración ~ declarar, pago ~ pagar; contabilidad/ppm-y-f29 also has F29 in its title' },
  { query: 'emisión de guía de despacho', expect: 'factura-electronica/guia-de-despacho', within: 1, note: 'emisión ~ "Emitir": the stemmer keeps them apart, the synonym line "emitir, emisión, generar" joins them' },
  { query: 'emisión de factura exenta', expect: 'factura-electronica/factura-exenta', within: 1, note: 'emisión ~ "Emitir una factura exenta" through the synonyms; "Emitir una factura electrónica" mentions exenta in its body' },

  // The vendor's synonyms: the word typed is nowhere in the article.
  { query: 'colilla', expect: 'remuneraciones/liquidacion-de-sueldo', within: 1, note: 'colilla ~ liquidación; "colilla" is in no article' },
  { query: 'recibo consumidor final', expect: 'factura-electronica/boleta-electronica', within: 1, note: 'recibo ~ boleta; "recibo" is not in the boleta electrónica article' },
  { query: 'sobretiempo', expect: 'remuneraciones/horas-extra-y-atrasos', within: 1, note: 'sobretiempo ~ extra; in no article' },
  { query: 'desvinculación de un empleado', expect: 'remuneraciones/finiquitos', within: 1, note: 'desvinculación ~ finiquito, empleado ~ trabajador' },
  { query: 'almacén', expect: 'inventario/bodegas', within: 1, note: 'almacén ~ bodega; in no article' },
  { query: 'voucher contable', expect: 'contabilidad/ingresar-comprobante', within: 1, note: 'voucher ~ comprobante; in no article' },
  { query: 'extracto bancario', expect: 'contabilidad/conciliacion-bancaria', within: 1, note: 'extracto ~ cartola; in no article' },
  { query: 'adelanto de sueldo', expect: 'remuneraciones/anticipos-y-prestamos', within: 1, note: 'adelanto ~ anticipo; in no article' },
  { query: 'retrasos', expect: 'remuneraciones/horas-extra-y-atrasos', within: 1, note: 'retraso ~ atraso, plural; in no article' },
  { query: 'ausentismo', expect: 'remuneraciones/horas-extra-y-atrasos', within: 1, note: 'ausentismo ~ inasistencia (title) and ausencia (licencias médicas, tags only)' },
  { query: 'cárdex', expect: 'inventario/informes-de-inventario', within: 2, note: 'cárdex ~ kardex; kardex is in the tags of both informes and cierre de inventario' },
  { query: 'certificado de salarios', expect: 'remuneraciones/certificado-de-remuneraciones', within: 1, note: 'salario ~ remuneración; "salario" is in no article, and every word must match' },
  { query: 'sku', expect: 'inventario/crear-productos', within: 1, note: 'sku ~ producto ~ ítem; "sku" is in no article, "ítem" only in two factura bodies' },
  { query: 'despido', expect: 'remuneraciones/finiquitos', within: 1, note: 'despido ~ finiquito (also a tag of finiquitos)' },

  // One typo in a word of five letters or more.
  { query: 'liquidacon de sueldo', expect: 'remuneraciones/liquidacion-de-sueldo', within: 1, note: 'typo: a letter left out (liquidación)' },
  { query: 'nota de crdito', expect: 'factura-electronica/nota-de-credito', within: 1, note: 'typo: a letter left out (crédito)' },
  { query: 'finiquitto', expect: 'remuneraciones/finiquitos', within: 1, note: 'typo: a letter doubled (finiquito)' },
  { query: 'gratificasion', expect: 'remuneraciones/gratificacion', within: 1, note: 'typo: s for c (gratificación)' },
  { query: 'depresiacion', expect: 'activo-fijo/depreciacion-financiera-y-tributaria', note: 'typo: s for c; five depreciación articles, this one has it twice in the title' },
  { query: 'vacaicones', expect: 'remuneraciones/vacaciones', within: 1, note: 'typo: two letters swapped (vacaciones)' },
  { query: 'cartloa', expect: 'contabilidad/conciliacion-bancaria', within: 1, note: 'typo: two letters swapped (cartola)' },
  { query: 'factoirng', expect: 'factura-electronica/cesion-de-facturas', within: 1, note: 'typo: two letters swapped (factoring)' },
  { query: 'previrde', expect: 'remuneraciones/previred', within: 1, note: 'typo: two letters swapped at the end (previred)' },

  // Prefixes, while typing in the box (suggestions).
  { query: 'liquidaci', typing: true, expect: 'remuneraciones/liquidacion-de-sueldo', within: 1, note: 'prefix of liquidación' },
  { query: 'depreci', typing: true, expect: 'activo-fijo/depreciacion-financiera-y-tributaria', note: 'prefix of depreciación (five articles have it in the title)' },
  { query: 'finiq', typing: true, expect: 'remuneraciones/finiquitos', within: 1, note: 'short prefix' },
  { query: 'concil', typing: true, expect: 'contabilidad/conciliacion-bancaria', within: 1, note: 'prefix of conciliar / conciliación' },
  { query: 'nota de cre', typing: true, expect: 'factura-electronica/nota-de-credito', within: 1, note: 'finished words, then a prefix' },
  { query: 'toma de inv', typing: true, expect: 'inventario/toma-de-inventario', within: 1, note: 'finished word, then a prefix' },
  { query: 'certificado dig', typing: true, expect: 'factura-electronica/certificado-digital', within: 1, note: 'prefix after a word shared with honorarios and remuneraciones certificates' },
  { query: 'cotizaciones previs', typing: true, expect: 'honorarios/cotizaciones-del-trabajador-independiente', within: 1, note: 'prefix of previsionales' },
  { query: 'boleta de hon', typing: true, expect: 'honorarios/emitir-boleta-de-honorarios', note: 'prefix of honorarios; four titles say "boletas de honorarios"' },

  // Questions, as people ask them: the stop words must not get in the way.
  { query: '¿cómo emito una nota de crédito?', expect: 'factura-electronica/nota-de-credito', within: 1, note: 'emito ~ emitir; cómo, una, de dropped' },
  { query: '¿cómo se calcula la gratificación?', expect: 'remuneraciones/gratificacion', within: 1, note: 'calcula ~ calcular; only two words left' },
  { query: '¿cuántos días de vacaciones tiene un trabajador?', expect: 'remuneraciones/vacaciones', within: 1, note: '"tiene" is an auxiliary, dropped' },
  { query: '¿cómo anulo una boleta de honorarios?', expect: 'honorarios/anular-boleta-de-honorarios', within: 1, note: 'anulo ~ anular' },
  { query: '¿qué es el costo promedio ponderado?', expect: 'inventario/costeo-promedio-ponderado', within: 1, note: 'question around the title' },
  { query: '¿cómo registro una licencia médica de un trabajador?', expect: 'remuneraciones/licencias-medicas', within: 1, note: 'registro ~ registrar, singular licencia' },
  { query: '¿qué tasa de retención tiene una boleta de honorarios?', expect: 'honorarios/retencion-de-honorarios', note: 'tasa and retención in its title and tags' },
  { query: '¿por qué el SII rechazó mi documento?', expect: 'factura-electronica/rechazos-del-sii', within: 1, note: 'rechazó ~ rechaza, accent on the verb' },
  { query: '¿dónde veo el libro mayor?', expect: 'contabilidad/libro-diario-y-mayor', within: 1, note: 'no article says "veo": the relaxed search (some of the words) finds it' },
  { query: '¿cómo cargo los folios que me dio el SII?', expect: 'factura-electronica/folios-caf', within: 1, note: 'relaxed search: "dio" is in no article' },
  { query: 'quiero dar de baja un computador que se robaron', expect: 'activo-fijo/venta-o-baja-de-un-bien', within: 1, note: 'relaxed search: no article has "computador"' },

  // Several words.
  { query: 'cierre mensual inventario cuadratura contabilidad', expect: 'inventario/cierre-de-inventario', within: 1, note: 'five words, every one in the title or tags' },
  { query: 'costo promedio ponderado', expect: 'inventario/costeo-promedio-ponderado', within: 1, note: 'costo ~ title "costo", tag "costeo"' },
  { query: 'stock mínimo alertas', expect: 'inventario/stock-minimo', within: 1, note: 'three title words' },
  { query: 'corrección monetaria activo fijo', expect: 'activo-fijo/correccion-monetaria-de-activos', within: 2, note: 'contabilidad has "Corrección monetaria al cierre del ejercicio" too' },
  { query: 'seguro de cesantía plazo fijo indefinido', expect: 'remuneraciones/seguro-de-cesantia', within: 1, note: 'title and body words' },
  { query: 'boleta de terceros', expect: 'honorarios/boleta-de-servicios-de-terceros', note: 'also "Boletas propias y boletas de terceros" and the anulación' },
  { query: 'balance 8 columnas', expect: 'contabilidad/balance-general', within: 1, note: 'a one-digit number among the words' },
  { query: 'declaración jurada 1887', expect: 'remuneraciones/certificado-de-remuneraciones', within: 1, note: 'not to be confused with the DJ 1879 of honorarios' },
  { query: 'acuse de recibo reclamo', expect: 'factura-electronica/acuse-de-recibo', within: 1, note: 'title and tags' },
  { query: 'inventario físico etiquetas activos', expect: 'activo-fijo/inventario-fisico-con-etiquetas', within: 1, note: '"inventario" is a whole system too' },
  { query: 'cierre anual apertura', expect: 'contabilidad/cierre-anual-y-apertura', within: 1, note: 'not the cierre mensual' },
  { query: 'impuestos diferidos ifrs', expect: 'activo-fijo/depreciacion-financiera-y-tributaria', within: 1, note: 'tags only' },
  { query: 'prestamo a un trabajador', expect: 'remuneraciones/anticipos-y-prestamos', within: 1, note: 'no accent on préstamo' },
  { query: 'vender un activo fijo', expect: 'activo-fijo/venta-o-baja-de-un-bien', within: 2, note: '"Crear la ficha de un activo fijo" has two of the three words in its title' },

  // Ranking: a word in the title beats the same word in other articles' bodies.
  { query: 'cesantía', expect: 'remuneraciones/seguro-de-cesantia', within: 1, note: 'title; Previred and the liquidación mention it in the body' },
  { query: 'gratificación', expect: 'remuneraciones/gratificacion', within: 1, note: 'title; four other articles in the body' },
  { query: 'guía de despacho', expect: 'factura-electronica/guia-de-despacho', within: 1, note: 'title; inventario tags and bodies mention it' },
  { query: 'factoring', expect: 'factura-electronica/cesion-de-facturas', within: 1, note: 'title word, also in two other bodies' },
  { query: 'vacaciones', expect: 'remuneraciones/vacaciones', within: 1, note: 'title; finiquitos and the ficha mention it' },
  { query: 'certificado de honorarios', expect: 'honorarios/certificado-de-honorarios', within: 1, note: 'title; DJ 1879 mentions certificados in the body' },
  { query: 'mejoras', expect: 'activo-fijo/mejoras-y-ampliaciones', within: 1, note: 'title; seven other bodies' },
  { query: 'horas extras', expect: 'remuneraciones/horas-extra-y-atrasos', within: 1, note: 'plural "extras"; the liquidación mentions horas extra' },
  { query: '¿qué hago si el SII rechaza mi factura?', expect: 'factura-electronica/rechazos-del-sii', note: 'question wrapped in a filler verb ("hago"): a stop word, not a required word' },
  { query: '¿cuánto hay que retener de los honorarios?', expect: 'honorarios/retencion-de-honorarios', note: 'retener ~ retención through the synonym list (the stemmer keeps them apart)' },
];
