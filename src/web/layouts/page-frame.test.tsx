import { raw } from 'hono/html';
import { expect, it } from 'vitest';
import type { Brand } from '../../config.ts';
import { renderToString } from '../../html/render-to-string.ts';
import { documentHead } from './document-head.ts';
import { FrameMarkup, PageFrame, type PageFrameProps } from './page-frame.tsx';

const brand = (name: string): Brand => ({
  name, vendor: 'Proveedor', tagline: 'Lema', logoUrl: `/static/${name}.svg`, primaryColor: '#123456', accentColor: '#654321',
  copyright: '© Proveedor', termsUrl: '/terminos', supportEmail: 'soporte@example.cl', supportPhone: '+56 2 2345 6789',
});

// Decision 0021: the frame is cut once per brand and variant into the pieces around its slots. Whatever
// the props, the pieces joined must be byte for byte what the JSX renders, and a kept cut must never
// carry one page's flash, navigation or banner into another's.
it('renders byte for byte what the JSX does, over every combination of its props, in any order', () => {
  const brands = [brand('Marca & <Uno>'), brand('Dos')];
  const combos: PageFrameProps[] = [];
  for (const b of brands)
    for (const homeHref of ['/', '/proveedor'])
      for (const tagline of [undefined, '', 'Lema «uno» & <b>'])
        for (const headerClass of [undefined, 'staff'])
          for (const bare of [false, true])
            for (const banner of [undefined, <p class="banner">Aviso de {b.name}</p>])
              for (const nav of [null, raw('<nav>Navegación de Ana</nav>')])
                for (const flash of [null, '', 'Guardado: <script>x</script> & listo'])
                  combos.push({
                    documentTitle: `Título & <${b.name}>`, brand: b, homeHref, tagline, headerClass, bare, banner, nav, flash,
                    scripts: flash ? ['help-search.js'] : undefined, footer: <p>Pie de {b.name}</p>, children: <h1>Contenido {combos.length}</h1>,
                  });
  expect(combos.length).toBe(576);
  // Twice, the second time backwards: every cut is then taken from the cache made by another page.
  for (const list of [combos, [...combos].reverse()]) {
    for (const props of list) {
      const expected = renderToString(<FrameMarkup {...props} head={raw(documentHead(props.documentTitle, props.brand.logoUrl, props.scripts, props.styles))} />);
      expect(renderToString(<>{PageFrame(props)}</>)).toBe(expected);
    }
  }
});
