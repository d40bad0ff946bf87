/**
 * Powertools Logger and Metrics: one instance each per container.
 * Logs are structured JSON with personal identifiers masked (see mask.ts).
 *
 * No Powertools Tracer: it bundles the X-Ray SDK (aws-xray-sdk-core, semver, cls-hooked: about
 * 110 KB minified, 20% of a function) for one handler subsegment with a ColdStart annotation, since
 * the AWS SDK clients were never wrapped. Lambda's active tracing (DomainFunction) still records
 * every invocation in X-Ray (initialization, invocation, overhead) and links it to the API Gateway
 * and EventBridge traces; cold starts are in the ColdStart metric (logMetrics) and in the logs.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { maskingReplacer } from './mask.ts';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'vn-province-platform';

export const logger = new Logger({ serviceName, jsonReplacerFn: maskingReplacer });
export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'VnProvincePlatform',
});
