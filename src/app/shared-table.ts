// A small table travels inside a shared link: written as the CSV the worker gets (rowsToCsv), DEFLATE-compressed
// (fflate) and base64url-encoded, so one link opens a workshop participant's studio with the data in it.
// Reading is strict, not forgiving: the text comes from a link anyone can edit, so anything that is not such a
// table (other characters, a cut link, a zip bomb, bytes that are not UTF-8, text without rows) is refused with a
// sentence and nothing is applied.
import { deflateSync, inflateSync, strToU8 } from 'fflate';
import type { DataRow } from './project.ts';
import { rowsFromText, rowsToCsv, sizeProblem, TABLE_FILE_NAME } from './table-csv.ts';

/** The most characters a table may take in a link. Links that long still pass chat apps, e-mail and QR codes
 *  (a version-40 QR code holds ~4,300 alphanumerics; 8 KB is what common servers and proxies accept in a URL). */
export const SHARED_TABLE_LIMIT = 8192;
/** The most a shared table may unpack to: DEFLATE expands up to ~1,000×, so 8 KB could otherwise become 8 MB. */
export const SHARED_TABLE_MAX_BYTES = 1 << 20;

export const kib = (chars: number) => `${(chars / 1024).toFixed(1)} KB`;

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The table as link text (any size: the caller compares it with SHARED_TABLE_LIMIT). */
export function encodeTable(rows: DataRow[]): string {
  return toBase64Url(deflateSync(strToU8(rowsToCsv(rows)), { level: 9 }));
}

export type DecodedTable = { rows: DataRow[] } | { problem: string };

/** The rows a link's table holds, or why it holds none (a sentence). Never throws. */
export function decodeTable(text: string): DecodedTable {
  const refuse = (why: string): DecodedTable => ({ problem: `The link's table (data=…) ${why}` });
  if (text.length > SHARED_TABLE_LIMIT) return refuse(`is ${kib(text.length)} long; a link carries tables up to ${kib(SHARED_TABLE_LIMIT)}.`);
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1)
    return refuse('is not base64url text: the link was cut or changed on the way. Ask for the link again.');
  if (text === '') return refuse('is empty.');
  let unpacked: Uint8Array;
  try {
    // A fixed output buffer bounds the memory; a result that fills it was larger than allowed.
    unpacked = inflateSync(fromBase64Url(text), { out: new Uint8Array(SHARED_TABLE_MAX_BYTES + 1) });
  } catch (e) {
    return refuse(`could not be decompressed (${(e as Error).message}): the link was cut or changed on the way. Ask for the link again.`);
  }
  if (unpacked.length > SHARED_TABLE_MAX_BYTES) return refuse(`unpacks to more than ${SHARED_TABLE_MAX_BYTES / (1 << 20)} MB, more than a shared table holds.`);
  let csv: string;
  try {
    csv = new TextDecoder('utf-8', { fatal: true }).decode(unpacked);
  } catch {
    return refuse('is not UTF-8 text.');
  }
  const tooBig = sizeProblem(csv, 'The table in the link');
  if (tooBig) return { problem: tooBig };
  let rows: DataRow[];
  try {
    rows = rowsFromText(csv, TABLE_FILE_NAME);
  } catch (e) {
    return refuse(`is not a table: ${(e as Error).message}`);
  }
  if (rows.length === 0) return refuse('holds no rows.');
  return { rows };
}
