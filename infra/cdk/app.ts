/**
 * CDK entry point: one province per synthesis, chosen with `-c province=<code>` (or PROVINCE).
 *
 *   npx cdk synth -c province=dong-nai      npm run synth          PROVINCE=dong-nai npm run synth
 *
 * Synthesizing one province at a time keeps each deployment to that province's account and makes
 * it impossible to deploy every province by accident.
 */
import { App } from 'aws-cdk-lib';
import { findProvince, UnknownProvinceError } from '../provinces/index.ts';
import { addComplianceChecks } from './nag.ts';
import { addProvinceStacks } from './province-app.ts';

const app = new App();
const requested = app.node.tryGetContext('province') ?? process.env.PROVINCE;

try {
  const province = findProvince(typeof requested === 'string' ? requested : undefined);
  addProvinceStacks(app, province);
} catch (error) {
  if (error instanceof UnknownProvinceError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
addComplianceChecks(app);
app.synth();
