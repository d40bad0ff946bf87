/**
 * The adapter to the National Public Service Portal. Two implementations, chosen by
 * NATIONAL_PORTAL_MODE (./config.ts):
 * - `local` (default; the local runtime and any stack without portal credentials): a stand-in that
 *   sends nothing. What it would have sent is still recorded, like every push, in the sync log
 *   (./repository.ts, GET /v1/national-portal/sync-records), so a tester sees exactly the payloads;
 * - `http`: the real portal, configured by base URL, credentials reference and timeout (./http-client.ts).
 *
 * Errors: NationalPortalUnavailableError (timeout, network, 429, 5xx) and NationalPortalRejectedError
 * (the portal refused the record) both propagate, so the bus retries and finally dead-letters the
 * event, where it can be inspected and replayed once the cause is fixed.
 */
import type { NationalPortalMode } from './config.ts';
import type { PortalRequest } from './payloads.ts';

export interface PortalReceipt {
  /** False for the local stand-in: nothing left the platform. */
  readonly delivered: boolean;
  readonly httpStatus?: number;
  /** The portal's `error_code` ("0" = accepted). */
  readonly errorCode?: string;
}

export interface NationalPortalClient {
  readonly mode: NationalPortalMode;
  send(request: PortalRequest): Promise<PortalReceipt>;
}

/** Transient: the portal did not answer in time, or answered that it is overloaded or failing. */
export class NationalPortalUnavailableError extends Error {
  override name = 'NationalPortalUnavailableError';
}

/** The portal answered and refused the record (4xx, or a non-zero `error_code`). */
export class NationalPortalRejectedError extends Error {
  override name = 'NationalPortalRejectedError';
}

/** The local stand-in: accepts everything, sends nothing. */
export const localStandIn: NationalPortalClient = {
  mode: 'local',
  send: async () => ({ delivered: false }),
};
