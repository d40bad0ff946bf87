/**
 * Compliance: cdk-nag's AwsSolutions and NIST 800-53 rev 5 packs (and CloudFormation's own
 * template validation) report nothing unacknowledged for either sample province, errors and
 * warnings alike; every acknowledgment carries a written reason. A deliberately non-compliant
 * stack proves the checks really run and really fail a synthesis.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { acknowledge, addComplianceChecks } from '#infra/cdk/nag.ts';
import {
  type CfnTemplate,
  cdkContext,
  SAMPLE_PROVINCES,
  type Synthesis,
  synthesizeSampleProvinces,
} from './support/province-synthesis.ts';

let synthesis: Synthesis;

beforeAll(() => {
  // The checks read templates, not bundles: skip esbuild here (province-stacks.test.ts bundles).
  synthesis = synthesizeSampleProvinces({ bundle: false });
}, 240_000);

interface Acknowledged {
  readonly resource: string;
  readonly id: string;
  readonly reason: string;
}

function acknowledgments(template: CfnTemplate): Acknowledged[] {
  return Object.entries(template.Resources).flatMap(([resource, { Metadata }]) => {
    const rules =
      (Metadata?.cdk_nag as { rules_to_suppress?: { id: string; reason: string }[] } | undefined)
        ?.rules_to_suppress ?? [];
    return rules.map((rule) => ({ resource, ...rule }));
  });
}

describe('cdk-nag: AwsSolutions and NIST 800-53 rev 5', () => {
  it('synthesizes both provinces without an unacknowledged finding (errors or warnings)', () => {
    const findings = (synthesis.report?.pluginReports ?? []).flatMap((report) =>
      (report.violations ?? []).map(
        (violation) =>
          `${violation.severity ?? '?'} ${violation.ruleName} at ` +
          (violation.violatingConstructs ?? []).map((construct) => construct.constructPath).join(', '),
      ),
    );
    expect(findings).toEqual([]);
    expect(synthesis.error?.message).toBeUndefined();
  });

  it('writes every acknowledgment into the template with a written reason', () => {
    for (const code of SAMPLE_PROVINCES) {
      const synthesized = synthesis.provinces.get(code)!;
      const all = [
        ...acknowledgments(synthesized.statefulJson),
        ...acknowledgments(synthesized.statelessJson),
      ];
      expect(all.length).toBeGreaterThan(0);
      for (const { resource, id, reason } of all) {
        expect(id, resource).toMatch(/^(AwsSolutions|NIST\.800\.53\.R5)-[A-Za-z0-9]+(\[.+\])?$/);
        expect(reason.trim().length, `${resource} ${id} needs a reason`).toBeGreaterThanOrEqual(40);
      }
      // Public routes carry the reason of the route table.
      expect(
        all
          .filter(({ id }) => id === 'AwsSolutions-APIG4')
          .every(({ reason }) => reason.startsWith('Public by design')),
      ).toBe(true);
    }
  });

  it('acknowledges only a known, reviewed set of rules', () => {
    const reviewed = new Set([
      'AwsSolutions-APIG4', // public routes of the route table
      'AwsSolutions-IAM4', // AWS Backup's service role policy
      'AwsSolutions-IAM5', // X-Ray, and objects of one bucket
      'AwsSolutions-L1', // nodejs22.x
      'AwsSolutions-S1', // the access-log bucket itself
      'AwsSolutions-SQS3', // queues that are themselves dead-letter queues
      'NIST.800.53.R5-IAMNoInlinePolicy',
      'NIST.800.53.R5-LambdaConcurrency',
      'NIST.800.53.R5-LambdaDLQ',
      'NIST.800.53.R5-LambdaInsideVPC',
      'NIST.800.53.R5-S3BucketLoggingEnabled',
      'NIST.800.53.R5-S3BucketReplicationEnabled',
      'NIST.800.53.R5-S3DefaultEncryptionKMS',
    ]);
    for (const code of SAMPLE_PROVINCES) {
      const synthesized = synthesis.provinces.get(code)!;
      const ids = [
        ...acknowledgments(synthesized.statefulJson),
        ...acknowledgments(synthesized.statelessJson),
      ].map(({ id }) => id.replace(/\[.*\]$/, ''));
      expect([...new Set(ids)].filter((id) => !reviewed.has(id))).toEqual([]);
    }
  });

  it('fails a synthesis on an unacknowledged finding, and refuses an acknowledgment without a reason', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'vnpp-nag-')), context: cdkContext() });
    const stack = new Stack(app, 'NonCompliant');
    const bucket = new Bucket(stack, 'PlainBucket');
    addComplianceChecks(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-S1|AwsSolutions-S10|NIST\.800\.53\.R5-S3/);
    expect(() => acknowledge(bucket, 'AwsSolutions-S1', 'because')).toThrow(/real reason/);
  });
});
