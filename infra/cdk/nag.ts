/**
 * Compliance checks: cdk-nag's AwsSolutions and NIST 800-53 rev 5 packs run on every synthesis
 * (`cdk synth`, the infra tests). A finding fails the synthesis unless it is acknowledged on the
 * construct with a written reason; acknowledgments are also written into the template metadata
 * (`cdk_nag.rules_to_suppress`) so the reasons travel with what is deployed.
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export const NAG_PACKS = ['AwsSolutions', 'NIST.800.53.R5'] as const;

export function addComplianceChecks(app: App): void {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
    new NIST80053R5Checks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
  );
}

/** Acknowledges one finding (`RuleId` or `RuleId[finding]`) on a construct and its children. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 20) throw new Error(`The acknowledgment of ${id} needs a real reason`);
  Validations.of(scope).acknowledge({ id, reason });
}
