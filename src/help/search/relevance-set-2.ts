/**
 * A second relevance set for the shipped help (content/help), written for
 * issue 9 before anyone tuned the engine against it, so that its figures
 * measure the engine rather than describe it. It is never a pass/fail gate:
 * relevance-set-2.test.ts checks only that the set is sound and reports the
 * figures (hit@1, hit@3, MRR@10, no-answer honesty); bench/relevance-peers.ts
 * compares them with MiniSearch and Lunr on the same queries.
 *
 * Queries are written the way Chilean customers type into the box: questions,
 * the abbreviations of the trade, no accents, one or two typos, their own
 * words for ours, words found only in an article's summary or only once in a
 * body, and things the products do not do at all (expect: null). Every
 * expected article was read to check that it answers the query.
 */
export type QueryKind = 'question' | 'jargon' | 'accentless' | 'typo-1' | 'typo-2' | 'synonym' | 'phrase' | 'summary' | 'rare-body' | 'no-answer';

export interface RelevanceQuery {
  kind: QueryKind;
  query: string;
  /**
   * system/slug of the article that answers the query; a list when two
   * articles answer it equally well (the better-ranked one counts); null
   * when the shipped help has no answer and the honest result is none.
   */
  expect: string | string[] | null;
  note: string;
}

export const RELEVANCE_SET_2: RelevanceQuery[] = [
  // Questions, whole, as people ask them.
  { kind: 'question', query: '¿cómo anulo una factura que emití mal?', expect: 'factura-electronica/nota-de-credito', note: 'summary: "Anule o corrija una factura ya emitida mediante una nota de crédito"; "mal" is in no title' },
  { kind: 'question', query: '¿hasta qué día se pueden pagar las cotizaciones?', expect: 'remuneraciones/previred', note: 'Plazos: "hasta el día 13 del mes siguiente"; afp-y-salud and the independiente article say cotizaciones in the title' },
  { kind: 'question', query: '¿cómo paso un contrato de plazo fijo a indefinido?', expect: ['remuneraciones/seguro-de-cesantia', 'remuneraciones/contratos-de-trabajo'], note: 'seguro de cesantía has "Paso a paso: cambio de plazo fijo a indefinido", contratos the renewal and the anexo that does it' },
  { kind: 'question', query: '¿qué hago si me roban un notebook de la oficina?', expect: 'activo-fijo/venta-o-baja-de-un-bien', note: 'robo is a baja (tag "robo"); "notebook" is only in the traslado and vida útil bodies' },
  { kind: 'question', query: '¿cómo cuadro la caja al final del día?', expect: 'factura-electronica/boleta-electronica', note: 'heading "Cierre de caja", summary "cuadrar la caja del día"; "caja" is in a dozen bodies' },
  { kind: 'question', query: '¿qué hago si mi cliente reclamó la factura en el SII?', expect: 'factura-electronica/nota-de-credito', note: '"Factura reclamada por el cliente": emit a nota de crédito; acuse de recibo is the receiving side' },
  { kind: 'question', query: '¿cómo le pago a alguien que no tiene inicio de actividades?', expect: 'honorarios/boleta-de-servicios-de-terceros', note: 'summary: "a nombre de una persona que le prestó servicios y no tiene inicio de actividades"' },
  { kind: 'question', query: '¿cómo se calcula el costo de lo que vendo?', expect: 'inventario/costeo-promedio-ponderado', note: 'summary: "cómo el sistema calcula el costo de sus productos y de lo que vende"' },
  { kind: 'question', query: '¿por qué no me cuadra el banco con la contabilidad?', expect: 'contabilidad/conciliacion-bancaria', note: 'heading "Cuando no cuadra"; "contabilidad" is a system name and in many titles' },
  { kind: 'question', query: '¿cuánto me descuentan de AFP?', expect: 'remuneraciones/afp-y-salud', note: '"El trabajador cotiza el 10 % de su remuneración imponible… más la comisión de su AFP"' },
  { kind: 'question', query: '¿en qué fecha tengo que presentar la declaración de honorarios?', expect: 'honorarios/dj-1879', note: 'title "Presentar la declaración jurada 1879", heading "Plazo"' },

  // The trade's abbreviations and jargon.
  { kind: 'jargon', query: 'NC', expect: 'factura-electronica/nota-de-credito', note: '"NC" for nota de crédito is in no article and no synonym line' },
  { kind: 'jargon', query: 'ND por intereses', expect: 'factura-electronica/nota-de-debito', note: '"ND" for nota de débito is nowhere; "intereses" is in its summary and in five other bodies' },
  { kind: 'jargon', query: 'imposiciones', expect: 'remuneraciones/previred', note: '"imposiciones" (cotizaciones previsionales) is in no article and no synonym line' },
  { kind: 'jargon', query: 'colilla de pago', expect: 'remuneraciones/liquidacion-de-sueldo', note: 'colilla ~ liquidación (synonyms); "pago" is in most articles' },
  { kind: 'jargon', query: 'PPM', expect: 'contabilidad/ppm-y-f29', note: 'acronym alone; the plan de cuentas articles mention "PPM por recuperar"' },
  { kind: 'jargon', query: 'remanente de crédito fiscal', expect: 'contabilidad/ppm-y-f29', note: 'F29 table row "Remanente de crédito"; crédito fiscal is in fifteen bodies' },
  { kind: 'jargon', query: 'F29 honorarios', expect: 'honorarios/pago-de-retencion-en-f29', note: 'contabilidad/ppm-y-f29 has F29 in its title too' },
  { kind: 'jargon', query: 'DJ sueldos', expect: 'remuneraciones/certificado-de-remuneraciones', note: 'DJ 1887; "certificado de sueldos" in the summary; honorarios has the DJ 1879' },
  { kind: 'jargon', query: 'subir el LRE a la DT', expect: 'remuneraciones/libro-de-remuneraciones-electronico', note: '"DT" (Dirección del Trabajo) is in its body and the finiquitos article; "subir" is a verb of many articles' },
  { kind: 'jargon', query: 'AEC', expect: 'factura-electronica/cesion-de-facturas', note: 'archivo electrónico de cesión: summary and tags' },
  { kind: 'jargon', query: 'track id', expect: 'factura-electronica/envio-al-sii', note: 'tag "track id"; rechazos del SII mentions it in the body' },
  { kind: 'jargon', query: 'BTE', expect: 'honorarios/boleta-de-servicios-de-terceros', note: 'in the title between parentheses; boletas propias y de terceros has it as a tag' },
  { kind: 'jargon', query: 'p12', expect: 'factura-electronica/certificado-digital', note: 'p12 ~ pfx (synonyms); ".p12" in the body' },
  { kind: 'jargon', query: 'AFC', expect: 'remuneraciones/seguro-de-cesantia', note: 'tag "afc"; Previred lists AFC among the institutions' },
  { kind: 'jargon', query: 'DDAN', expect: 'activo-fijo/depreciacion-normal-y-acelerada', note: 'a tag only' },

  // No accents (and ñ as n).
  { kind: 'accentless', query: 'revalorizacion de bienes', expect: 'activo-fijo/correccion-monetaria-de-activos', note: 'title "Revalorización y corrección monetaria de los bienes"' },
  { kind: 'accentless', query: 'depreciacion instantanea pro pyme', expect: 'activo-fijo/depreciacion-normal-y-acelerada', note: 'title "…acelerada e instantánea", tag "pro pyme" (also in corrección monetaria de activos)' },
  { kind: 'accentless', query: 'antiguedad de saldos', expect: 'contabilidad/cuentas-por-cobrar-y-auxiliares', note: 'tag "antigüedad de saldos" (ü)' },
  { kind: 'accentless', query: 'codigo de autorizacion de folios', expect: 'factura-electronica/folios-caf', note: 'summary "códigos de autorización de folios"' },
  { kind: 'accentless', query: 'indemnizacion por anos de servicio', expect: 'remuneraciones/finiquitos', note: '"años" typed "anos" (ñ as n), "indemnización" without accent' },
  { kind: 'accentless', query: 'informe de rotacion', expect: 'inventario/informes-de-inventario', note: 'heading "Rotación"; "informe" is in three titles' },
  { kind: 'accentless', query: 'cambiar la ubicacion de un bien', expect: 'activo-fijo/traslado-de-bienes', note: 'summary "cambios de ubicación o de responsable de un bien"; crear ficha has ubicación in its summary too' },
  { kind: 'accentless', query: 'retencion de segunda categoria', expect: 'honorarios/retencion-de-honorarios', note: 'tag "segunda categoría"' },
  { kind: 'accentless', query: 'dias habiles de feriado progresivo', expect: 'remuneraciones/vacaciones', note: 'tag "feriado progresivo", "días hábiles" in the body' },
  { kind: 'accentless', query: 'recepcion de compras', expect: 'inventario/entradas-de-inventario', note: 'tags "compras, recepción"; bodegas says "recepción de compras" in the body' },

  // One typo in a long word.
  { kind: 'typo-1', query: 'seguro de sesantia', expect: 'remuneraciones/seguro-de-cesantia', note: 's for c (cesantía)' },
  { kind: 'typo-1', query: 'centralisar ventas', expect: 'contabilidad/centralizacion', note: 's for z (centralizar)' },
  { kind: 'typo-1', query: 'anticpo de sueldo', expect: 'remuneraciones/anticipos-y-prestamos', note: 'a letter left out (anticipo)' },
  { kind: 'typo-1', query: 'cotisaciones de salud', expect: 'remuneraciones/afp-y-salud', note: 's for z (cotizaciones)' },
  { kind: 'typo-1', query: 'certifcado digital', expect: 'factura-electronica/certificado-digital', note: 'a letter left out (certificado)' },
  { kind: 'typo-1', query: 'guia de despacjo', expect: 'factura-electronica/guia-de-despacho', note: 'j for h, next key (despacho)' },
  { kind: 'typo-1', query: 'libro de onorarios', expect: 'honorarios/libro-de-honorarios', note: 'the silent h left out (honorarios)' },
  { kind: 'typo-1', query: 'factura exsenta', expect: 'factura-electronica/factura-exenta', note: 'a letter added (exenta)' },
  { kind: 'typo-1', query: 'configurar bodgeas', expect: 'inventario/bodegas', note: 'two letters swapped (bodegas)' },
  { kind: 'typo-1', query: 'inventaro fisico de activos', expect: 'activo-fijo/inventario-fisico-con-etiquetas', note: 'a letter left out (inventario), no accent; toma de inventario is the inventario system\'s own' },
  { kind: 'typo-1', query: 'licensia medica', expect: 'remuneraciones/licencias-medicas', note: 's for c (licencia), no accent' },

  // Two typos in one long word.
  { kind: 'typo-2', query: 'finikito', expect: 'remuneraciones/finiquitos', note: 'k for qu: a substitution and a deletion' },
  { kind: 'typo-2', query: 'liqidasion de sueldo', expect: 'remuneraciones/liquidacion-de-sueldo', note: 'u left out and s for c (liquidación)' },
  { kind: 'typo-2', query: 'contavilisar honorarios', expect: 'honorarios/contabilizar-boletas-recibidas', note: 'v for b and s for z (contabilizar)' },
  { kind: 'typo-2', query: 'depresiasion mensual', expect: 'activo-fijo/calculo-mensual-y-centralizacion', note: 's for c twice (depreciación); title "Calcular la depreciación mensual…"' },
  { kind: 'typo-2', query: 'cotisasiones independientes', expect: 'honorarios/cotizaciones-del-trabajador-independiente', note: 's for z and s for c (cotizaciones)' },
  { kind: 'typo-2', query: 'gratifikasion', expect: 'remuneraciones/gratificacion', note: 'k for c and s for c (gratificación)' },
  { kind: 'typo-2', query: 'consiliasion bancaria', expect: 'contabilidad/conciliacion-bancaria', note: 's for c twice (conciliación)' },
  { kind: 'typo-2', query: 'bacasiones', expect: 'remuneraciones/vacaciones', note: 'b for v and s for c (vacaciones)' },

  // Our words for theirs, and phrases.
  { kind: 'synonym', query: 'empleado nuevo', expect: 'remuneraciones/ficha-del-trabajador', note: 'empleado ~ trabajador; summary "un trabajador nuevo"' },
  { kind: 'synonym', query: 'timbraje de documentos', expect: 'factura-electronica/folios-caf', note: 'timbraje ~ caf (synonyms, and a tag)' },
  { kind: 'synonym', query: 'desmedro de mercadería', expect: 'inventario/salidas-de-inventario', note: 'desmedro ~ merma (synonyms); "mermas" in its summary' },
  { kind: 'synonym', query: 'reposo médico', expect: 'remuneraciones/licencias-medicas', note: 'reposo ~ licencia (synonyms); médico ~ médicas is a gender the stemmer may keep apart' },
  { kind: 'synonym', query: 'enviar liquidaciones por email', expect: 'remuneraciones/liquidacion-de-sueldo', note: 'email ~ correo: "enviarlas por correo a cada trabajador"' },
  { kind: 'synonym', query: 'existencias valorizadas', expect: ['inventario/informes-de-inventario', 'inventario/cierre-de-inventario'], note: 'existencia ~ stock: both have the tag "stock valorizado"' },
  { kind: 'synonym', query: 'excel de productos', expect: 'inventario/importar-productos', note: 'excel ~ planilla; title "Importar productos desde una planilla"' },
  { kind: 'synonym', query: 'password del certificado', expect: 'factura-electronica/certificado-digital', note: 'password ~ contraseña; three other articles say certificado in the title' },
  { kind: 'synonym', query: 'traslado entre almacenes', expect: 'inventario/traspasos-entre-bodegas', note: 'traslado ~ traspaso, almacén ~ bodega; activo-fijo has "Trasladar bienes entre sucursales"' },
  { kind: 'phrase', query: 'asiento de apertura', expect: 'contabilidad/cierre-anual-y-apertura', note: 'tag; "asiento" ~ comprobante is everywhere in contabilidad' },
  { kind: 'phrase', query: 'libro de ventas', expect: 'factura-electronica/registro-de-compras-y-ventas', note: 'tag "libro de ventas"; libro diario, libro de honorarios, LRE are libros too' },
  { kind: 'phrase', query: 'carga masiva de activos', expect: 'activo-fijo/importar-bienes-desde-planilla', note: 'tag "carga masiva"; importar productos has the same tag' },
  { kind: 'phrase', query: 'ambiente de certificación', expect: 'factura-electronica/datos-del-emisor', note: 'heading "Ambiente de certificación y producción"; certificado digital is near in stem' },
  { kind: 'phrase', query: 'cuentas por pagar a proveedores', expect: 'contabilidad/cuentas-por-cobrar-y-auxiliares', note: 'title "…por cobrar y por pagar…", proveedores in its summary; "por pagar" accounts are in honorarios too' },
  { kind: 'phrase', query: 'nómina bancaria de anticipos', expect: 'remuneraciones/anticipos-y-prestamos', note: '"Nómina bancaria" in its body; the liquidación says "nómina de pago para el banco"' },
  { kind: 'phrase', query: 'stock en tránsito', expect: 'inventario/traspasos-entre-bodegas', note: 'tag "tránsito", summary "lo que está en tránsito"' },
  { kind: 'phrase', query: 'unidad de compra y unidad de venta', expect: ['inventario/unidades-y-codigos-de-barras', 'inventario/crear-productos'], note: 'summary of one, heading "Unidades de compra y de venta" of the other' },

  // Words only in an article's summary.
  { kind: 'summary', query: 'descuadres', expect: 'contabilidad/balance-general', note: 'summary only: "detecte descuadres antes del cierre" (rechazos del SII has "descuadre de montos" in a table)' },
  { kind: 'summary', query: 'pago quincenal', expect: 'remuneraciones/anticipos-y-prestamos', note: 'summary "anticipos quincenales", tag "quincena"' },
  { kind: 'summary', query: 'cientos de productos de una vez', expect: 'inventario/importar-productos', note: 'summary only: "Cree o actualice cientos de productos de una vez"' },
  { kind: 'summary', query: 'validez de una boleta de honorarios', expect: 'honorarios/consulta-de-boletas-en-el-sii', note: 'summary "verifique la validez de una boleta"; four titles say boleta de honorarios' },
  { kind: 'summary', query: 'retiro por obsolescencia', expect: 'activo-fijo/venta-o-baja-de-un-bien', note: 'summary (and a tag): "el retiro por obsolescencia de un activo fijo"' },
  { kind: 'summary', query: 'depreciación en paralelo', expect: 'activo-fijo/depreciacion-financiera-y-tributaria', note: 'summary only: "Lleve en paralelo la depreciación…"; five depreciación titles' },
  { kind: 'summary', query: 'cerrar el mes sin perder movimientos', expect: 'contabilidad/cierre-mensual', note: 'summary only: "cerrar un mes contable sin perder movimientos"' },
  { kind: 'summary', query: 'saber a tiempo qué comprar', expect: 'inventario/stock-minimo', note: 'summary only: "para saber a tiempo qué comprar"' },

  // A rare word of one body against common words in other titles.
  { kind: 'rare-body', query: 'boleta para un jardinero', expect: 'honorarios/boleta-de-servicios-de-terceros', note: '"un jardinero ocasional" in its body; eight titles say boleta' },
  { kind: 'rare-body', query: 'denuncia en carabineros', expect: 'activo-fijo/venta-o-baja-de-un-bien', note: '"denuncia en Carabineros o en la PDI", for a stolen asset' },
  { kind: 'rare-body', query: 'edificios de hormigón', expect: 'activo-fijo/vida-util-tabla-sii', note: 'a row of the SII table: "Edificios y construcciones de hormigón armado"' },
  { kind: 'rare-body', query: 'ClaveÚnica', expect: 'remuneraciones/libro-de-remuneraciones-electronico', note: 'once in its body, as one word' },
  { kind: 'rare-body', query: 'pre y postnatal', expect: 'remuneraciones/licencias-medicas', note: 'a row of its table: "Pre y postnatal"' },
  { kind: 'rare-body', query: 'ministro de fe', expect: 'remuneraciones/finiquitos', note: '"firmarse ante un ministro de fe"; "fe" is a two-letter word' },
  { kind: 'rare-body', query: 'cambio de neumáticos', expect: 'activo-fijo/mejoras-y-ampliaciones', note: '"reemplazo de neumáticos" is a repair, not a mejora: the article tells them apart' },
  { kind: 'rare-body', query: 'viáticos de un trabajador', expect: 'remuneraciones/liquidacion-de-sueldo', note: 'haberes no imponibles row; "trabajador" is in every remuneraciones title' },
  { kind: 'rare-body', query: 'venta a granel', expect: 'inventario/unidades-y-codigos-de-barras', note: '"productos que se venden a granel"; "venta" in boleta and activo-fijo titles' },
  { kind: 'rare-body', query: 'mercadería en consignación', expect: 'factura-electronica/guia-de-despacho', note: 'a row of "Tipos de traslado": consignaciones; mercadería is in twelve bodies' },
  { kind: 'rare-body', query: 'contrato de aprendizaje', expect: 'remuneraciones/seguro-de-cesantia', note: '"contrato de aprendizaje" do not pay it; contratos de trabajo has contrato in its title' },
  { kind: 'rare-body', query: 'honorarios de directores', expect: 'honorarios/contabilizar-boletas-recibidas', note: '"Honorarios de directores: use una cuenta de gasto propia"; DJ 1879 mentions directores too' },

  // Nothing in the shipped help answers these (checked with grep on the folded text).
  { kind: 'no-answer', query: 'liquidación de sueldo en Perú', expect: null, note: 'payroll is Chilean only; "Perú" is in no article, the rest is a title' },
  { kind: 'no-answer', query: 'instalar en mac', expect: null, note: 'the products run in the browser; "mac" is nowhere, "instalar" only about equipment' },
  { kind: 'no-answer', query: 'exportar a SAP', expect: null, note: 'no integration with SAP; "exportar" is about PDF and Excel' },
  { kind: 'no-answer', query: 'factura de exportación', expect: null, note: 'type 110 is not among the supported documents (folios CAF table)' },
  { kind: 'no-answer', query: 'boleta de garantía', expect: null, note: 'no article on bank guarantees; "garantía" is once, a product under warranty' },
  { kind: 'no-answer', query: 'olvidé mi contraseña del portal', expect: null, note: 'the help covers the products, not the portal sign-in; "contraseña" is the certificate\'s' },
  { kind: 'no-answer', query: 'pagar con webpay', expect: null, note: 'no payment gateway; "webpay" is nowhere' },
  { kind: 'no-answer', query: 'pacto de teletrabajo', expect: null, note: '"teletrabajo" is nowhere; "pacto" is about horas extra' },
  { kind: 'no-answer', query: 'sueldo en dólares', expect: null, note: 'no foreign currency; "dólar" is nowhere' },
  { kind: 'no-answer', query: 'integración con Shopify', expect: null, note: 'no e-commerce integration' },
];
