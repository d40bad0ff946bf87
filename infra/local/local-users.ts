/**
 * Users added with `npm run cli -- users create <file>` next to the local runtime: `npm start`
 * adds them to the province's demo users (they get tokens from POST /local/token like the others).
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import { DemoUser, type ProvinceConfig } from '../provinces/province-config.ts';

export const LOCAL_USERS_FILE = '.local-data/users.json';

export async function withLocalUsers(
  province: ProvinceConfig,
  file = LOCAL_USERS_FILE,
): Promise<ProvinceConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return province;
  }
  const extra = z.array(z.looseObject(DemoUser.shape)).parse(JSON.parse(text));
  const known = new Set(province.demoUsers.map((user) => user.username));
  const added = extra
    .filter((user) => !known.has(user.username))
    .map(({ username, fullName, roles, agencyCode }) => ({
      username,
      fullName,
      roles,
      ...(agencyCode ? { agencyCode } : {}),
    }));
  return added.length ? { ...province, demoUsers: [...province.demoUsers, ...added] } : province;
}
