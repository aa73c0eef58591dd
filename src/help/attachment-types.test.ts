import { describe, expect, it } from 'vitest';
import { PNG } from '../../tests/help-folder.ts';
import { attachmentTypeFor, matchesContentType } from './attachment-types.ts';

describe('attachment types', () => {
  it('knows the allowed extensions, in any case, and nothing else', () => {
    expect(attachmentTypeFor('imagenes/Pantalla.PNG')).toBe('image/png');
    expect(attachmentTypeFor('a/b.jpeg')).toBe('image/jpeg');
    expect(attachmentTypeFor('plantilla.csv')).toBe('text/csv; charset=utf-8');
    expect(attachmentTypeFor('informe.xlsx')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    for (const bad of ['logo.svg', 'pagina.html', 'pagina.htm', 'script.js', 'sin-extension', 'x.png/', 'constructor', 'a.__proto__']) expect(attachmentTypeFor(bad), bad).toBeUndefined();
  });

  it('checks that the bytes are what the extension says', () => {
    expect(matchesContentType('image/png', PNG)).toBe(true);
    expect(matchesContentType('image/png', Buffer.from('no soy una imagen'))).toBe(false);
    expect(matchesContentType('image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe(true);
    expect(matchesContentType('image/gif', Buffer.from('GIF89a...'))).toBe(true);
    expect(matchesContentType('image/webp', Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe(true);
    expect(matchesContentType('application/pdf', Buffer.from('%PDF-1.7'))).toBe(true);
    expect(matchesContentType(attachmentTypeFor('a.docx')!, Buffer.from('PK\x03\x04rest'))).toBe(true);
    expect(matchesContentType(attachmentTypeFor('a.docx')!, Buffer.from('%PDF-1.7'))).toBe(false);
    expect(matchesContentType('text/csv; charset=utf-8', Buffer.from('Código;Nombre\n1;Caja\n'))).toBe(true);
    expect(matchesContentType('text/csv; charset=utf-8', Buffer.from([0x43, 0xf3, 0x64]))).toBe(false); // Latin-1 "Cód"
    expect(matchesContentType('text/plain; charset=utf-8', PNG)).toBe(false);
  });
});
