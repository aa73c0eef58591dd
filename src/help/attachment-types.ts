/**
 * What an article may attach, and how large. The import refuses anything
 * else and the route that serves attachments answers with these same
 * content types, so what is served is exactly what was checked. No SVG or
 * HTML: both can carry script that would run on the portal's origin.
 */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  xlsx: XLSX,
  docx: DOCX,
};

/** The content type a file is served with, from its extension; undefined when it may not be attached. */
export function attachmentTypeFor(path: string): string | undefined {
  const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  return ext !== undefined && Object.hasOwn(TYPES, ext) ? TYPES[ext] : undefined;
}

function startsWith(data: Uint8Array, bytes: number[], at = 0): boolean {
  return data.length >= at + bytes.length && bytes.every((b, i) => data[at + i] === b);
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8Text(data: Uint8Array): boolean {
  if (data.includes(0)) return false;
  try {
    utf8.decode(data);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the bytes are what the content type says. A renamed file (a
 * page saved as .png, a binary as .csv) is refused rather than served
 * under a type it is not.
 */
export function matchesContentType(contentType: string, data: Uint8Array): boolean {
  switch (contentType) {
    case 'image/png':
      return startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    case 'image/jpeg':
      return startsWith(data, [0xff, 0xd8, 0xff]);
    case 'image/gif':
      return startsWith(data, ascii('GIF87a')) || startsWith(data, ascii('GIF89a'));
    case 'image/webp':
      return startsWith(data, ascii('RIFF')) && startsWith(data, ascii('WEBP'), 8);
    case 'application/pdf':
      return startsWith(data, ascii('%PDF-'));
    case XLSX:
    case DOCX:
      return startsWith(data, [0x50, 0x4b, 0x03, 0x04]);
    default:
      // Served with charset=utf-8: anything else would show as garbage.
      return isUtf8Text(data);
  }
}
