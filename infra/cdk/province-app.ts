/**
 * Puts one province into a CDK app: its stateful and stateless stacks in the province's own
 * account and region, tagged with the province, and the compliance checks. Used by the CDK entry
 * point (app.ts) and by the infra tests, so the tests check exactly what `cdk synth` produces.
 */
import { type App, Tags } from 'aws-cdk-lib';
import type { ProvinceConfig } from '../provinces/province-config.ts';
import { PLATFORM_TAG, requireDeployment, stackNames } from './naming.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack, type StatelessStackProps } from './stateless-stack.ts';

export interface ProvinceStacks {
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/** Tests replace the declared functions to exercise the wiring on their own. */
export type ProvinceStackOverrides = Pick<
  StatelessStackProps,
  'apiFunctions' | 'apiFunctionProfiles' | 'workers' | 'workerProfiles' | 'eventRules'
>;

export function addProvinceStacks(
  app: App,
  province: ProvinceConfig,
  overrides: ProvinceStackOverrides = {},
): ProvinceStacks {
  const deployment = requireDeployment(province);
  const env = { account: deployment.account, region: deployment.region };
  const names = stackNames(province);

  const stateful = new StatefulStack(app, names.stateful, {
    stackName: names.stateful,
    description: `${province.name}: keys, table, buckets, event bus, user pool (retained)`,
    env,
    terminationProtection: true,
    province,
    deployment,
  });
  const stateless = new StatelessStack(app, names.stateless, {
    stackName: names.stateless,
    description: `${province.name}: functions, HTTP API, event wiring, alarms`,
    env,
    province,
    deployment,
    data: stateful,
    ...overrides,
  });
  stateless.addStackDependency(stateful, 'Functions use the table, buckets, bus and user pool');

  for (const stack of [stateful, stateless]) {
    Tags.of(stack).add(`${PLATFORM_TAG}:province`, province.code);
    Tags.of(stack).add(`${PLATFORM_TAG}:stack`, stack === stateful ? 'stateful' : 'stateless');
  }
  return { stateful, stateless };
}
