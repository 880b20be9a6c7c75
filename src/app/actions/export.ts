// Export and import: the worker builds the bytes; the page only turns them into a download.
import * as Comlink from 'comlink';
import type { ExportKind } from '../../worker/protocol.ts';
import { studio } from '../connect.ts';
import { errorText } from '../errors.ts';
import type { MethodOptionsByName } from '../project.ts';
import { patch, updateProject } from '../store.ts';

export function download(fileName: string, mime: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser a moment to start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function exportResult(kind: ExportKind): Promise<void> {
  patch('exports', { busy: kind, error: null, message: null });
  try {
    const file = await studio.exportResult(kind);
    download(file.fileName, file.mime, file.bytes);
    patch('exports', { busy: null, message: `Saved ${file.fileName} (${file.bytes.byteLength.toLocaleString()} bytes).` });
  } catch (e) {
    patch('exports', { busy: null, error: errorText(e) });
  }
}

/** Loads a studio checkpoint; its method options become the current method so the settings match it. */
export async function importCheckpoint(file: File): Promise<void> {
  patch('exports', { busy: 'import', error: null, message: null });
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const { steps, method } = await studio.importCheckpoint(Comlink.transfer(bytes, [bytes.buffer]));
    updateProject((p) => ({
      method: method.method,
      methodOptions: { ...p.methodOptions, [method.method]: method } as MethodOptionsByName,
    }));
    patch('exports', { busy: null, message: `Imported ${file.name}: ${method.method}, ${steps} steps trained.` });
  } catch (e) {
    patch('exports', { busy: null, error: errorText(e) });
  }
}

/** Loads a PEFT adapter (the zip, or its two files) as the current prompt; the method fields follow it. */
export async function importAdapter(files: File[]): Promise<void> {
  patch('exports', { busy: 'import', error: null, message: null });
  try {
    const input =
      files.length === 1 && !files[0].name.endsWith('.json')
        ? new Uint8Array(await files[0].arrayBuffer())
        : Object.fromEntries(await Promise.all(files.map(async (f) => [f.name, new Uint8Array(await f.arrayBuffer())] as const)));
    const { method, peftType } = await studio.importAdapter(input);
    updateProject((p) => ({ method: method.method, methodOptions: { ...p.methodOptions, [method.method]: method } as MethodOptionsByName }));
    patch('train', { runId: null, error: null, message: `Imported the ${peftType} adapter (${method.virtualTokens} virtual tokens): evaluation, the playground and export use it.` });
    patch('exports', { busy: null, message: `Imported ${files.map((f) => f.name).join(' + ')}: ${peftType}, ${method.virtualTokens} virtual tokens.` });
  } catch (e) {
    patch('exports', { busy: null, error: errorText(e) });
  }
}
