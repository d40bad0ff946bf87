/**
 * Every province this repository can deploy. Add a province: write `infra/provinces/<code>.ts`
 * with `defineProvince`, list it here, then `npx cdk synth -c province=<code>`.
 */
import dongNai from './dong-nai.ts';
import type { ProvinceConfig } from './province-config.ts';
import vinhPhuc from './vinh-phuc.ts';

export const provinces: readonly ProvinceConfig[] = [vinhPhuc, dongNai];

export const provinceCodes = (): string[] => provinces.map((province) => province.code);

export class UnknownProvinceError extends Error {
  override name = 'UnknownProvinceError';
}

/** The province with this code, or an error that lists the known ones. */
export function findProvince(code: string | undefined): ProvinceConfig {
  const known = provinceCodes().join(', ');
  if (code === undefined || code === '') {
    throw new UnknownProvinceError(
      `No province given. Synthesize one with -c province=<code>; known provinces: ${known}`,
    );
  }
  const province = provinces.find((candidate) => candidate.code === code);
  if (!province) throw new UnknownProvinceError(`Unknown province "${code}". Known provinces: ${known}`);
  return province;
}
