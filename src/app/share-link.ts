// The link "Copy share link" gives: the page's address with the setup in its hash, and the data as the smallest
// thing that reproduces it: an unmodified sample by its id, any other table compressed into the link itself when
// it fits (SHARED_TABLE_LIMIT), else the setup alone with a sentence saying why the table is not in it.
import type { Project } from './project.ts';
import { encodeTable, kib, SHARED_TABLE_LIMIT } from './shared-table.ts';
import { rowsToCsv } from './table-csv.ts';
import { pickSetup, setupToHash } from './url-hash.ts';

export interface ShareLink {
  url: string;
  /** What the link carries, in words. */
  note: string;
  /** The table was left out: compressed, it is more than a link carries. */
  tooLarge: boolean;
}

export function buildShareLink(project: Project, pageUrl: string): ShareLink {
  const base = pageUrl.replace(/#.*$/, '');
  const setup = setupToHash(pickSetup(project));
  const rows = project.rows.filter((r) => r.input.trim() !== '' || r.output.trim() !== '');
  if (project.datasetId !== null)
    return { url: `${base}#${setup}`, note: `The link carries the setup and names the sample “${project.datasetId}” (unchanged, so its id is enough).`, tooLarge: false };
  if (rows.length === 0) return { url: `${base}#${setup}`, note: 'The link carries the setup; the table is empty.', tooLarge: false };
  const data = encodeTable(project.rows);
  if (data.length > SHARED_TABLE_LIMIT)
    return {
      url: `${base}#${setup}`,
      note:
        `The table is too large for a link: ${rows.length} rows, ${kib(rowsToCsv(project.rows).length)} as CSV, ${kib(data.length)} compressed, and a link carries ` +
        `tables up to ${kib(SHARED_TABLE_LIMIT)} compressed. The link carries the setup only: send the table as a file with it.`,
      tooLarge: true,
    };
  return { url: `${base}#${setup}&data=${data}`, note: `The link carries the setup and the table (${rows.length} rows, ${kib(data.length)} compressed).`, tooLarge: false };
}
