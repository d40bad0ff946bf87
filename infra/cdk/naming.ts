/**
 * Names shared by every resource of a province. Physical names are left to CloudFormation where it
 * can choose them; where a name must be fixed (stacks, functions, the event bus, key aliases) it
 * starts with the province's prefix, so two provinces never share one, even in the same account.
 */
import type { ProvinceConfig, ProvinceDeployment } from '../provinces/province-config.ts';

export const PLATFORM_TAG = 'vnpp';

export const provincePrefix = (province: Pick<ProvinceConfig, 'code'>): string =>
  `${PLATFORM_TAG}-${province.code}`;

export const stackNames = (province: Pick<ProvinceConfig, 'code'>) => ({
  stateful: `${provincePrefix(province)}-stateful`,
  stateless: `${provincePrefix(province)}-stateless`,
});

/** The deployment section, or an error that says where to add it. */
export function requireDeployment(province: ProvinceConfig): ProvinceDeployment {
  if (!province.deployment) {
    throw new Error(
      `Province "${province.code}" has no deployment section (account, region, domain, ...); ` +
        `add one in infra/provinces/${province.code}.ts before synthesizing it`,
    );
  }
  return province.deployment;
}
