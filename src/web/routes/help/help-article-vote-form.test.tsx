import { describe, expect, it } from 'vitest';
import { renderToString } from '../../../html/render-to-string.ts';
import { Feedback, feedbackHtml, feedbackParts } from './help-article.tsx';

const joined = (parts: Array<string | Buffer>) => parts.map((p) => (typeof p === 'string' ? p : p.toString('utf8'))).join('');

// The vote form is joined from pieces cut out of one rendering (help-article.tsx):
// it must be byte for byte what rendering the form itself gives, for every answer,
// address and token, including characters that must be escaped.
describe('the article vote form joined from pieces', () => {
  const votes = [
    null,
    { helpful: true, comment: null },
    { helpful: false, comment: 'Faltó el paso 3 & <b>"algo"</b> \'raro\'' },
    { helpful: true, comment: '' },
  ];
  const actions = ['/ayuda/remuneraciones/liquidacion/voto', '/ayuda/a-b/c"d<e>&\'/voto'];
  const tokens = ['A'.repeat(43), 'x_-'.repeat(14) + 'z', '"><script>', '$&$1'];
  for (const vote of votes)
    for (const action of actions)
      for (const token of tokens)
        it(`${JSON.stringify(vote)} at ${action} with ${token}`, () => {
          const direct = renderToString(<Feedback action={action} vote={vote} csrfToken={token} />);
          expect(feedbackHtml(action, vote, token)).toBe(direct);
          // Twice: the second comes from the kept pieces.
          expect(feedbackHtml(action, vote, token)).toBe(direct);
          // As UTF-8 pieces (what the page is written from), the first time and from the kept pieces.
          expect(joined(feedbackParts(action, vote, token))).toBe(direct);
          expect(joined(feedbackParts(action, vote, token))).toBe(direct);
        });
});
