/**
 * `npm run events:catalog`: publishes a schema snapshot for each contract version not yet published
 * (never overwrites one: published versions are frozen) and regenerates docs/events.md.
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { eventCatalog } from '#events/catalog.ts';
import { catalogMarkdown, snapshotOf, snapshotPath } from '#events/documentation.ts';

for (const contract of eventCatalog) {
  const path = snapshotPath(contract);
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (exists) continue;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(snapshotOf(contract), null, 2)}\n`);
  console.log(`published ${path}`);
}
await writeFile('docs/events.md', catalogMarkdown());
console.log('wrote docs/events.md');
