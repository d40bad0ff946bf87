/**
 * Powertools Logger, Tracer and Metrics: one instance each per container.
 * Logs are structured JSON with personal identifiers masked (see mask.ts).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { maskingReplacer } from './mask.ts';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'vn-province-platform';

export const logger = new Logger({ serviceName, jsonReplacerFn: maskingReplacer });
export const tracer = new Tracer({ serviceName });
export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'VnProvincePlatform',
});
