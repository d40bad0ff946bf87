/**
 * Bundled in place of `@aws-sdk/credential-provider-node` (the alias is in infra/cdk/bundling.ts):
 * the SDK clients' default credential chain, reduced to the one provider a Lambda function uses.
 * Lambda puts the execution role's credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN, and the full chain tries the environment first, so deployed behaviour is the
 * same; the chain's SSO, ini-file, process, web-identity, login and instance-metadata providers and
 * the nested STS/SSO clients they carry (about 90 KB minified per function) are not bundled.
 * Code run from source (tests, the local runtime, scripts) keeps the SDK's full chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';

type ProviderInit = Parameters<typeof fromEnv>[0];

export const defaultProvider = (init?: ProviderInit): AwsCredentialIdentityProvider => fromEnv(init);

/** Exported by the replaced module; environment credentials are not refreshed by the SDK. */
export const credentialsWillNeedRefresh = (): boolean => false;
export const credentialsTreatedAsExpired = (): boolean => false;
