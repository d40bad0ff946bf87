/** `npm run client:generate`: regenerates the typed client's schema from the route table. */
import { writeFile } from 'node:fs/promises';
import { generateClientFiles } from './client-types.ts';

for (const [file, content] of Object.entries(await generateClientFiles())) {
  await writeFile(file, content);
  console.log(`wrote ${file}`);
}
