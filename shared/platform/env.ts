/**
 * Fail-fast configuration read from the environment (house style §5).
 * Values are read lazily, once, so the local runtime and tests can set the environment before
 * the first request, and a Lambda fails at its first invocation with a clear message.
 */

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigurationError(`Missing required environment variable ${name}`);
  }
  return value;
}

export function optionalEnv(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Names of the environment variables every API function receives (CDK and the local runtime set them). */
export const ENV = {
  tableName: 'TABLE_NAME',
  filesBucket: 'FILES_BUCKET',
  auditBucket: 'AUDIT_BUCKET',
  provinceCode: 'PROVINCE_CODE',
  authMode: 'AUTH_MODE',
  jwtIssuer: 'JWT_ISSUER',
  jwtAudience: 'JWT_AUDIENCE',
  jwksUri: 'JWKS_URI',
  cognitoUserPoolId: 'COGNITO_USER_POOL_ID',
  cognitoClientId: 'COGNITO_CLIENT_ID',
  s3ForcePathStyle: 'S3_FORCE_PATH_STYLE',
  eventBusName: 'EVENT_BUS_NAME',
  eventBusArn: 'EVENT_BUS_ARN',
  eventArchiveArn: 'EVENT_ARCHIVE_ARN',
  calendarConfig: 'CALENDAR_CONFIG',
} as const;
