// How many HTML pages a site build wrote (every *.html file below its output folder).
import { readdir } from 'node:fs/promises';

export async function countPages(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.html')).length;
}
