/**
 * Synthesizes the sample provinces once per test file, the way `cdk synth` does: the same app
 * builder (infra/cdk/province-app.ts), the context of cdk.json, esbuild bundling (unless skipped)
 * and the compliance checks. Synthesis that fails on a finding still leaves its templates and report on
 * disk, so the template tests keep running and the cdk-nag test shows what failed.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addComplianceChecks } from '#infra/cdk/nag.ts';
import { stackNames } from '#infra/cdk/naming.ts';
import { REPO_ROOT } from '#infra/cdk/paths.ts';
import { addProvinceStacks } from '#infra/cdk/province-app.ts';
import { provinces } from '#infra/provinces/index.ts';
import type { ProvinceConfig } from '#infra/provinces/province-config.ts';

export type CfnTemplate = {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, unknown>;
};

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, unknown>;
}

export interface SynthesizedProvince {
  readonly province: ProvinceConfig;
  readonly stateful: Template;
  readonly stateless: Template;
  readonly statefulJson: CfnTemplate;
  readonly statelessJson: CfnTemplate;
}

export interface ValidationViolation {
  readonly ruleName: string;
  readonly description?: string;
  readonly severity?: string;
  readonly violatingConstructs?: ReadonlyArray<{ readonly constructPath?: string }>;
}

export interface ValidationReport {
  readonly pluginReports: ReadonlyArray<{
    readonly summary?: { readonly pluginName?: string; readonly status?: string };
    readonly violations?: readonly ValidationViolation[];
  }>;
}

export interface Synthesis {
  readonly outdir: string;
  readonly provinces: ReadonlyMap<string, SynthesizedProvince>;
  /** The synthesis error (a failed validation), if any. */
  readonly error: Error | undefined;
  readonly report: ValidationReport | undefined;
  readonly seconds: number;
}

export const SAMPLE_PROVINCES = ['vinh-phuc', 'dong-nai'] as const;

/** The context of cdk.json (feature flags, cross-stack reference mode), so tests match the CLI. */
export function cdkContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

const cached = new Map<boolean, Synthesis>();

/**
 * @param bundle `false` skips esbuild (CDK's `aws:cdk:bundling-stacks` = none): the templates are the
 * same but for asset hashes, which is all the compliance checks need, at half the cost.
 */
export function synthesizeSampleProvinces({ bundle = true }: { bundle?: boolean } = {}): Synthesis {
  const hit = cached.get(bundle);
  if (hit) return hit;
  const started = performance.now();
  const outdir = mkdtempSync(join(tmpdir(), 'vnpp-cdk-'));
  const app = new App({
    outdir,
    context: { ...cdkContext(), ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
  const selected = SAMPLE_PROVINCES.map((code) => {
    const province = provinces.find((candidate) => candidate.code === code);
    if (!province) throw new Error(`Sample province ${code} is not registered in infra/provinces/index.ts`);
    return province;
  });
  for (const province of selected) addProvinceStacks(app, province);
  addComplianceChecks(app);

  let error: Error | undefined;
  try {
    app.synth();
  } catch (caught) {
    error = caught instanceof Error ? caught : new Error(String(caught));
  }

  const synthesized = new Map<string, SynthesizedProvince>();
  for (const province of selected) {
    const names = stackNames(province);
    const statefulJson = readJson<CfnTemplate>(join(outdir, `${names.stateful}.template.json`));
    const statelessJson = readJson<CfnTemplate>(join(outdir, `${names.stateless}.template.json`));
    synthesized.set(province.code, {
      province,
      statefulJson,
      statelessJson,
      stateful: Template.fromJSON(statefulJson),
      stateless: Template.fromJSON(statelessJson),
    });
  }
  let report: ValidationReport | undefined;
  try {
    report = readJson<ValidationReport>(join(outdir, 'validation-report.json'));
  } catch {
    report = undefined;
  }
  const synthesis: Synthesis = {
    outdir,
    provinces: synthesized,
    error,
    report,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
  cached.set(bundle, synthesis);
  return synthesis;
}

/** Resources of one type, by logical id. */
export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** Every IAM policy statement of a template (inline policies, managed policies, role policies). */
export function policyStatements(
  template: CfnTemplate,
): { resourceId: string; statement: PolicyStatementJson }[] {
  const statements: { resourceId: string; statement: PolicyStatementJson }[] = [];
  const add = (resourceId: string, document: unknown) => {
    const list = (document as { Statement?: PolicyStatementJson[] } | undefined)?.Statement ?? [];
    for (const statement of list) statements.push({ resourceId, statement });
  };
  for (const [id, resource] of Object.entries(template.Resources)) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      add(id, properties.PolicyDocument);
    }
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of (properties.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) {
        add(id, policy.PolicyDocument);
      }
    }
  }
  return statements;
}

export interface PolicyStatementJson {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, unknown>;
}

export const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
